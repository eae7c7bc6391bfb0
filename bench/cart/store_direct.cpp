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
// Prints JSON with the rate and the latency percentiles of one call.
//   store_bench_cart_store --uri mongodb://127.0.0.1:27018/ --database DB --op save|read
//                          [--threads 4] [--duration 5] [--carts 1000]
#include <algorithm>
#include <atomic>
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

}  // namespace

int main(int argc, char** argv) {
  std::string uri = "mongodb://127.0.0.1:27018/", database, op = "save";
  int threads = 4, carts = 1000, events = 1;
  double duration = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--uri") uri = argv[i + 1];
    else if (a == "--database") database = argv[i + 1];
    else if (a == "--op") op = argv[i + 1];
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--duration") duration = std::atof(argv[i + 1]);
    else if (a == "--carts") carts = std::atoi(argv[i + 1]);
    else if (a == "--events") events = std::atoi(argv[i + 1]);
  }
  if (database.empty() || threads < 1 || carts < threads || (op != "save" && op != "read" && op != "drop")) {
    std::fprintf(stderr, "usage: store_bench_cart_store --database DB --op save|read|drop [--uri U] [--threads N] [--duration S] [--carts N] [--events N]\n");
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
  std::atomic<bool> stop{false}, failed{false};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(threads));
  std::vector<std::thread> ts;
  const auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      boost::asio::io_context ioc;
      std::vector<std::int64_t> version(static_cast<std::size_t>(carts), 1);
      for (int n = 0; !stop; ++n) {
        // Thread t owns carts t, t + T, t + 2T, ...: no two threads race on one document.
        const int c = t + (n % (carts / threads)) * threads;
        const std::string id = "customer:bench-" + std::to_string(c);
        const auto s = std::chrono::steady_clock::now();
        if (op == "read") {
          json::object by_id{{"_id", id}};
          auto r = RunAwaitable(ioc, coll.FindOne(std::move(by_id)));
          if (!r || !*r) failed = true;
        } else {
          auto& v = version[static_cast<std::size_t>(c)];
          json::object filter{{"_id", id}, {"version", v}};
          json::object fields{{"lines", json::array{Line(static_cast<int>(v % 99) + 1)}},
                              {"version", v + 1},
                              {"outbox", Outbox(events, id, v + 1)},
                              {"pending", events > 0},
                              {"updated_at", json::object{{"$date", json::object{{"$numberLong", "1"}}}}}};
          json::object update{{"$set", std::move(fields)}};
          auto r = RunAwaitable(ioc, coll.UpdateOne(std::move(filter), std::move(update)));
          if (!r || r->matched != 1) failed = true;
          ++v;
        }
        lat[static_cast<std::size_t>(t)].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
        if (failed) return;
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >= duration) stop = true;
      }
    });
  for (auto& th : ts) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (failed) {
    std::fprintf(stderr, "a store call failed\n");
    return 1;
  }
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))]; };
  std::printf("{\"op\":\"%s\",\"threads\":%d,\"calls\":%zu,\"qps\":%.0f,\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f}}\n",
              op.c_str(), threads, all.size(), all.size() / secs, pct(0.5), pct(0.9), pct(0.99));
  auto dropped = RunAwaitable(docs.DropDatabase());
  (void)dropped;
  return 0;
}
