// store_bench_cart_store: the store reference of the cart benchmark. T threads run, back to back
// for D seconds, the same store call the cart service makes for one request, straight to the
// Mongo-wire store through libs/docstore (the driver path the service uses):
//   --op save    the add-to-cart save: a versioned update of one cart document ($set of lines /
//                version / outbox / updated_at) filtered by {_id, version}, as MongoCartStore::Save
//                makes it; each thread on its own carts.
//                --events N: the outbox written holds N events (default 1: the change's own
//                cart.item_added.v1, as an add writes it; 0: a bare document)
//   --op read    the cart review's store read: FindOne by _id
//   --op drop    drop the database and exit (the benchmark's cleanup)
// Closed loop (no --rate): prints JSON with the rate and the latency percentiles of one call.
//   store_bench_cart_store --uri mongodb://127.0.0.1:27018/ --database DB --op save|read
//                          [--threads 4] [--duration 5] [--carts 1000]
// Open model (--rate R), as store_loadgen measures the services (bench/loadgen/README.md):
// call i is due at t0 + i / R whatever happened to the ones before it; --connections C
// threads, each with its own connection, take the due calls in turn (a call that finds them all
// busy waits, and its latency counts from when it was due); --warmup W seconds unmeasured, then
// --duration D measured; calls unanswered --drain seconds after the window are unfinished.
// Takes store_loadgen's flags (--url is the store's URI, --json is accepted) and prints its
// JSON fields (offered_rps, achieved_rps, errors, unfinished, latency_ms), so that bench/lib's
// sweep runs it as it runs store_loadgen.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "store/docstore/docstore.hpp"

namespace json = boost::json;

namespace {

template <class T>
T RunAwaitable(boost::asio::io_context& ioc, boost::asio::awaitable<T> aw) {
  auto f = boost::asio::co_spawn(ioc, std::move(aw), boost::asio::use_future);
  ioc.restart();
  ioc.run();
  return f.get();
}
template <class T>
T RunAwaitable(boost::asio::awaitable<T> aw) {
  boost::asio::io_context ioc;
  return RunAwaitable(ioc, std::move(aw));
}

json::object Line(int quantity) {
  return {{"sku", "BENCH-1"}, {"quantity", quantity}, {"seen_price", json::object{{"minor", 1999}, {"currency", "EUR"}}}};
}

// The outbox of a save: `n` events shaped as the cart service stores them (services/cart
// adapters/event_json.cpp, libs/messaging EncodeEvent): the envelope of cart.item_added.v1,
// encoded, with its topic and key.
json::array Outbox(int n, const std::string& cart, std::int64_t version) {
  json::array out;
  for (int i = 0; i < n; ++i) {
    const std::string event_id = "0b7e6a52-3f4c-4c1e-9d7a-" + std::to_string(100000000000 + version * 10 + i);
    json::object data{{"cart_id", cart},      {"customer_id", nullptr}, {"cart_version", version},
                      {"sku", "BENCH-1"},     {"quantity", 1},          {"line_quantity", static_cast<int>(version % 99) + 1},
                      {"unit_price", json::object{{"minor", 1999}, {"currency", "EUR"}}}};
    json::object envelope{{"event_id", event_id}, {"type", "cart.item_added.v1"},
                          {"occurred_at", "2026-12-07T05:00:00.000Z"}, {"data", std::move(data)}};
    out.push_back(json::object{{"event_id", event_id}, {"topic", "cart.item_added.v1"}, {"key", cart},
                               {"value", json::serialize(envelope)}});
  }
  return out;
}

// One store call on cart `c`: the add's save (its version bumped) or the review's read.
struct Carts {
  std::vector<std::int64_t> version;
  std::vector<std::mutex> busy;  // one call per cart at a time (the open model's threads share carts)
  explicit Carts(int n) : version(static_cast<std::size_t>(n), 1), busy(static_cast<std::size_t>(n)) {}
};

bool Call(boost::asio::io_context& ioc, store::docstore::Collection& coll, const std::string& op, int events, Carts& carts, int c) {
  const std::string id = "customer:bench-" + std::to_string(c);
  if (op == "read") {
    json::object by_id{{"_id", id}};
    auto r = RunAwaitable(ioc, coll.FindOne(std::move(by_id)));
    return r && *r;
  }
  std::lock_guard held(carts.busy[static_cast<std::size_t>(c)]);
  auto& v = carts.version[static_cast<std::size_t>(c)];
  json::object filter{{"_id", id}, {"version", v}};
  json::object fields{{"lines", json::array{Line(static_cast<int>(v % 99) + 1)}},
                      {"version", v + 1},
                      {"outbox", Outbox(events, id, v + 1)},
                      {"pending", events > 0},
                      {"updated_at", json::object{{"$date", json::object{{"$numberLong", "1"}}}}}};
  json::object update{{"$set", std::move(fields)}};
  auto r = RunAwaitable(ioc, coll.UpdateOne(std::move(filter), std::move(update)));
  if (!r || r->matched != 1) return false;
  ++v;
  return true;
}

double Percentile(std::vector<double>& sorted, double p) {
  return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))];
}

// The open model (see the top of this file).
int OpenModel(store::docstore::Collection& coll, const std::string& op, int events, int connections, int carts_n,
              double rate, double warmup, double duration, double drain) {
  using Clock = std::chrono::steady_clock;
  using Secs = std::chrono::duration<double>;
  Carts carts(carts_n);
  const auto t0 = Clock::now() + std::chrono::milliseconds(100);
  const auto window_start = t0 + std::chrono::duration_cast<Clock::duration>(Secs(warmup));
  const auto window_end = window_start + std::chrono::duration_cast<Clock::duration>(Secs(duration));
  const auto deadline = window_end + std::chrono::duration_cast<Clock::duration>(Secs(drain));
  const auto total = static_cast<std::uint64_t>(std::llround(rate * (warmup + duration)));
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> errors{0}, in_window{0};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(connections));
  std::vector<std::thread> ts;
  for (int t = 0; t < connections; ++t)
    ts.emplace_back([&, t] {
      boost::asio::io_context ioc;
      for (std::uint64_t i; (i = next++) < total;) {
        const auto due = t0 + std::chrono::duration_cast<Clock::duration>(Secs(static_cast<double>(i) / rate));
        if (Clock::now() >= deadline) break;  // what is left is unfinished
        std::this_thread::sleep_until(due);
        const bool ok = Call(ioc, coll, op, events, carts, static_cast<int>(i % static_cast<std::uint64_t>(carts_n)));
        const auto done = Clock::now();
        if (due < window_start) continue;  // warm-up: sent, not measured
        if (!ok) ++errors;
        if (done <= deadline) lat[static_cast<std::size_t>(t)].push_back(std::chrono::duration<double, std::milli>(done - due).count());
        if (done < window_end) ++in_window;
      }
    });
  for (auto& th : ts) th.join();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  const auto measured = static_cast<std::uint64_t>(std::llround(rate * duration));
  const std::uint64_t unfinished = measured > all.size() ? measured - all.size() : 0;
  // Unfinished calls count as "at least until the deadline", as store_loadgen does.
  for (std::uint64_t u = 0; u < unfinished; ++u) all.push_back(std::chrono::duration<double, std::milli>(deadline - window_start).count());
  std::sort(all.begin(), all.end());
  std::printf("{\"op\":\"%s\",\"connections\":%d,\"offered_rps\":%.0f,\"achieved_rps\":%.1f,\"requests\":%llu,"
              "\"errors\":%llu,\"unfinished\":%llu,\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f}}\n",
              op.c_str(), connections, rate, static_cast<double>(in_window.load()) / duration,
              static_cast<unsigned long long>(measured), static_cast<unsigned long long>(errors.load()),
              static_cast<unsigned long long>(unfinished), Percentile(all, 0.5), Percentile(all, 0.9), Percentile(all, 0.99),
              all.empty() ? 0.0 : all.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string uri = "mongodb://127.0.0.1:27018/", database, op = "save";
  int threads = 4, carts = 1000, events = 1;
  double duration = 5, rate = 0, warmup = 1, drain = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") continue;  // the only output there is
    if (i + 1 >= argc) break;
    const char* v = argv[++i];
    if (a == "--uri" || a == "--url") uri = v;
    else if (a == "--database") database = v;
    else if (a == "--op") op = v;
    else if (a == "--threads" || a == "--connections") threads = std::atoi(v);
    else if (a == "--duration") duration = std::atof(v);
    else if (a == "--carts") carts = std::atoi(v);
    else if (a == "--events") events = std::atoi(v);
    else if (a == "--rate") rate = std::atof(v);
    else if (a == "--warmup") warmup = std::atof(v);
    else if (a == "--drain") drain = std::atof(v);
  }
  if (database.empty() || threads < 1 || carts < threads || duration <= 0 || rate < 0 ||
      (op != "save" && op != "read" && op != "drop")) {
    std::fprintf(stderr,
                 "usage: store_bench_cart_store --database DB --op save|read|drop [--uri U] [--threads N] [--duration S] "
                 "[--carts N] [--events N] [--rate R [--warmup S] [--drain S]]\n");
    return 2;
  }
  store::docstore::Options o;
  o.uri = uri;
  o.database = database;
  o.pool_size = static_cast<std::size_t>(threads);
  store::docstore::DocStore docs(o);
  if (op == "drop") return RunAwaitable(docs.DropDatabase()) ? 0 : 1;
  auto coll = docs.collection("carts");
  // The carts, as the service stores them (one line each).
  for (int c = 0; c < carts; ++c) {
    json::object doc{{"_id", "customer:bench-" + std::to_string(c)}, {"kind", "customer"}, {"lines", json::array{Line(1)}},
                     {"version", 1}, {"merged_guests", json::array()}, {"applied_orders", json::array()},
                     {"outbox", json::array()}, {"pending", false}, {"updated_at", json::object{{"$date", json::object{{"$numberLong", "0"}}}}}};
    auto r = RunAwaitable(coll.InsertOne(std::move(doc)));
    if (!r) {
      std::fprintf(stderr, "insert failed: %s\n", r.error().message.c_str());
      return 1;
    }
  }
  int status = 0;
  if (rate > 0) {
    status = OpenModel(coll, op, events, threads, carts, rate, warmup, duration, drain);
  } else {
    Carts state(carts);
    std::atomic<bool> stop{false}, failed{false};
    std::vector<std::vector<double>> lat(static_cast<std::size_t>(threads));
    std::vector<std::thread> ts;
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t)
      ts.emplace_back([&, t] {
        boost::asio::io_context ioc;
        for (int n = 0; !stop && !failed; ++n) {
          // Thread t takes carts t, t + T, t + 2T, ...: no two threads wait on one document.
          const int c = t + (n % (carts / threads)) * threads;
          const auto s = std::chrono::steady_clock::now();
          if (!Call(ioc, coll, op, events, state, c)) failed = true;
          lat[static_cast<std::size_t>(t)].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
          if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >= duration) stop = true;
        }
      });
    for (auto& th : ts) th.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<double> all;
    for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    if (failed) {
      std::fprintf(stderr, "a store call failed\n");
      status = 1;
    } else {
      std::printf("{\"op\":\"%s\",\"threads\":%d,\"calls\":%zu,\"qps\":%.0f,\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f}}\n",
                  op.c_str(), threads, all.size(), all.size() / secs, Percentile(all, 0.5), Percentile(all, 0.9),
                  Percentile(all, 0.99));
    }
  }
  (void)RunAwaitable(docs.DropDatabase());
  return status;
}
