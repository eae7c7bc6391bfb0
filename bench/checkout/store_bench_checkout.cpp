// store_bench_checkout: the checkout benchmark's driver (bench/checkout/run.sh).
//   checkout [--rates "5 10 20"] [--duration S] [--drain S] [--fail-after N] [--logs yes]
//       A shop of its own (tests/e2e/support/purchase.hpp: the user, catalog, search, cart,
//       payment and order services, the outbox relays, the provider sandbox with its webhooks at
//       once, the notification service, nginx; release binaries, fresh databases, topics of its
//       own) and one SKU with a million units. For each offered rate R (orders per second, open
//       model: order i is due at start + i/R), R x S guest shoppers, each with a cart of one line
//       filled before the step, check out through the gateway at their due time: POST
//       /api/order/v1/orders (card), the order read every 10 ms until the provider's page is
//       there (the stock reserved, the intent created), the card typed there (4242..., no
//       3-D Secure; automatic capture). The webhook, payment.succeeded and the confirmation then
//       happen without the shopper. Latency of an order = its `confirmed` time in the order's
//       timeline minus its due time. A step passes when every order is confirmed, nothing
//       failed and p99 < --p99-limit ms (200). Stops after --fail-after failing steps (2).
//       Per step also MariaDB's counters (SHOW GLOBAL STATUS) per confirmed order: COMMIT
//       statements (the explicit transactions of every service and relay; autocommitted single
//       statements are not among them) and redo log writes (a group commit writes once); and
//       the CPU time every process on the machine used, per confirmed order. --logs yes: the
//       services' log tails on stderr at the end.
//   kafka [--duration S]
//       The Kafka reference: one event produced (acknowledged by the broker) then consumed by a
//       group member (libs/messaging's Consumer, as the services consume), the next one after it
//       arrived; S seconds.
//   commit --host H --port P --user U --password W --database D [--concurrency C] [--duration S]
//       The MariaDB reference (bench/lib/driver.hpp).
// Every mode prints JSON lines (checkout: one per step).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "driver.hpp"
#include "store/core/ids.hpp"
#include "store/db/db.hpp"
#include "store/messaging/consumer.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"
#include "support/http.hpp"
#include "support/purchase.hpp"

namespace json = boost::json;
using store::bench::Arg;
using store::bench::Clock;
using store::bench::Ms;
using store::bench::Results;
using SysClock = std::chrono::system_clock;

namespace {

constexpr const char* kSku = "BENCH-1";

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU time (ms) of every process on the machine by name: the shop's services, the relays, the
// engines, the driver. node and java processes are named by what they run (sandbox.mjs, maildev,
// kafka, opensearch).
std::map<std::string, double> CpuByProcess() {
  std::map<std::string, double> ms;
  const double tick_ms = 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::string name = line.substr(open + 1, close - open - 1);
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
    }
    if (name == "node" || name == "java") {
      std::ifstream cmdline(entry.path() / "cmdline");
      std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      for (const char* what : {"sandbox.mjs", "maildev", "kafka", "opensearch", "oidc"})
        if (args.find(what) != std::string::npos) {
          name += std::string(":") + what;
          break;
        }
    }
    ms[name] += (utime + stime) * tick_ms;
  }
  return ms;
}

// MariaDB's global counters: COMMIT statements, redo log writes (one per group commit).
struct Counters {
  std::int64_t com_commit = 0, log_writes = 0;
};

Counters ReadCounters(store::db::Database& server) {
  Counters c;
  auto rows = server.RunSync([](store::db::Connection& conn) {
    return conn.Query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_commit', 'Innodb_log_writes')");
  });
  if (!rows) throw std::runtime_error(rows.error().message);
  for (const auto& r : *rows) {
    const std::string name = r.Text("Variable_name");
    const std::int64_t value = r.Int("Value");
    if (name == "Com_commit") c.com_commit = value;
    if (name == "Innodb_log_writes") c.log_writes = value;
  }
  return c;
}

// A guest with a cart of one line of the bench SKU.
struct Shopper {
  std::unique_ptr<e2e::HttpClient> http = std::make_unique<e2e::HttpClient>("", true);
  std::int64_t cart_version = 0;
};

struct Placed {
  std::string id;
  SysClock::time_point due, paid;  // paid: when the card was sent at the provider's page
};

double Pct(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

class Bench {
 public:
  explicit Bench(const std::map<std::string, std::string>& a)
      : stack_(e2e::PurchaseOptions{.webhook_delay_ms = 0}),
        duration_(std::stod(Arg(a, "duration", "10"))),
        drain_(std::stod(Arg(a, "drain", "60"))),
        p99_limit_ms_(std::stod(Arg(a, "p99-limit", "200"))),
        fail_after_(std::stoi(Arg(a, "fail-after", "2"))),
        show_logs_(Arg(a, "logs", "no") == "yes") {
    std::istringstream rates(Arg(a, "rates", "5 10 20 30 40 50 60"));
    for (double r; rates >> r;) rates_.push_back(r);
    const auto e = store::testing::Engines::FromEnv();
    server_options_.host = e.host;
    server_options_.port = e.mariadb_port;
    server_options_.user = e.mariadb_user;
    server_options_.password = e.mariadb_password;
    server_options_.pool_size = 1;
    store::db::Database catalog(stack_.catalog_db());
    auto made = catalog.RunSync([](store::db::Connection& c) -> store::core::Status {
      TRY_STATUS(c.Execute("INSERT INTO variants (sku, product_id, options, price_minor, currency, position) VALUES "
                           "(?, 'bbbbbbbb-2222-4222-8222-222222222222', '{\"edition\":\"bench\"}', 4599, 'EUR', 9)",
                           kSku));
      TRY_STATUS(c.Execute("INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES (?, 'bbbbbbbb-2222-4222-8222-222222222222', 1000000, 0)",
                           kSku));
      return {};
    });
    if (!made) throw std::runtime_error(made.error().message);
  }

  int Run() {
    (void)Step(rates_.front(), 2);  // warm-up (consumer groups joined, connections open): not reported
    int failing = 0;
    for (double rate : rates_) {
      json::object step = Step(rate, duration_);
      std::printf("%s\n", json::serialize(step).c_str());
      std::fflush(stdout);
      failing = step.at("pass").as_bool() ? 0 : failing + 1;
      if (failing >= fail_after_) break;
    }
    if (show_logs_) std::fprintf(stderr, "%s\n", stack_.Logs().c_str());
    return 0;
  }

 private:
  // Carts filled by 8 threads before the step (not measured).
  std::vector<Shopper> Carts(std::size_t n) {
    std::vector<Shopper> shoppers(n);
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> fillers;
    for (int t = 0; t < 8; ++t)
      fillers.emplace_back([&] {
        for (std::size_t i; (i = next++) < n;) {
          auto r = shoppers[i].http->Post(stack_.Gw("/api/cart/v1/cart/items"), json::serialize(json::object{{"sku", kSku}, {"quantity", 1}}));
          if (r.status == 200) shoppers[i].cart_version = json::parse(r.body).at("version").as_int64();
        }
      });
    for (auto& t : fillers) t.join();
    return shoppers;
  }

  // One shopper's checkout up to the card typed at the provider's page; the order's id, or "".
  std::string Checkout(Shopper& s, int i, Results& results, SysClock::time_point& paid) {
    const std::string email = "bench" + std::to_string(i) + "-" + store::core::NewUuid().substr(0, 8) + "@e2e-checkout.test";
    auto placed = s.http->Send(
        {.method = "POST",
         .url = stack_.Gw("/api/order/v1/orders"),
         .headers = {"Idempotency-Key: " + store::core::NewUuid()},
         .body = json::serialize(json::object{{"cart_version", s.cart_version},
                                              {"email", email},
                                              {"address", json::object{{"name", "Bench Shopper"},
                                                                       {"line1", "Unter den Linden 1"},
                                                                       {"city", "Berlin"},
                                                                       {"postal_code", "10117"},
                                                                       {"country", "DE"}}},
                                              {"shipping_method", "standard"},
                                              {"payment_method", "card"}})});
    if (placed.status != 201) {
      results.Error("place " + std::to_string(placed.status) + " " + placed.body.substr(0, 100));
      return "";
    }
    const auto order = e2e::Body(placed);
    const std::string id = e2e::Str(order, "id"), token = e2e::Str(order, "guest_token");
    const auto give_up = Clock::now() + std::chrono::seconds(30);
    std::string page;
    while (Clock::now() < give_up) {
      auto r = s.http->Get(stack_.Gw("/api/order/v1/orders/" + id), {"Order-Token: " + token});
      const auto v = e2e::Body(r);
      const std::string status = e2e::Str(v, "status");
      if (status == "awaiting_payment" && v.at("next_action").is_object()) {
        page = e2e::Str(v.at("next_action"), "url");
        break;
      }
      if (status == "cancelled") {
        results.Error("cancelled: " + e2e::Str(v, "status_reason"));
        return "";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (page.empty()) {
      results.Error("no payment page within 30 s");
      return "";
    }
    paid = SysClock::now();
    e2e::PayAtProvider(*s.http, page, "4242424242424242");
    return id;
  }

  json::object Step(double rate, double seconds) {
    const auto n = static_cast<std::size_t>(rate * seconds + 0.5);
    auto shoppers = Carts(n);
    store::db::Database server(server_options_);
    const Counters before = ReadCounters(server);
    const double cpu_before = CpuSeconds();
    const auto machine_before = CpuByProcess();
    Results results;
    std::vector<Placed> placed(n);
    std::atomic<std::size_t> next{0};
    std::atomic<long> late{0};  // checkouts started more than 20 ms after they were due (too few shoppers)
    const auto start = SysClock::now() + std::chrono::milliseconds(100);
    std::vector<std::thread> workers;
    const int threads = static_cast<int>(std::min<std::size_t>(n, 96));
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&] {
        for (std::size_t i; (i = next++) < n;) {
          const auto due = start + std::chrono::duration_cast<SysClock::duration>(std::chrono::duration<double>(static_cast<double>(i) / rate));
          std::this_thread::sleep_until(due);
          if (SysClock::now() - due > std::chrono::milliseconds(20)) ++late;
          if (shoppers[i].cart_version == 0) {
            results.Error("cart not filled");
            continue;
          }
          placed[i].due = due;
          placed[i].id = Checkout(shoppers[i], static_cast<int>(i), results, placed[i].paid);
        }
      });
    for (auto& t : workers) t.join();

    // Every order final (or the drain time over), then the confirmations' times from the timeline.
    store::db::Database orders(stack_.order_db());
    const auto drain_until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(drain_));
    std::map<std::string, std::string> confirmed_at;
    std::size_t open = 0;
    do {
      auto rows = orders.RunSync([&](store::db::Connection& c) {
        return c.Query("SELECT o.id, o.status, h.at FROM orders o LEFT JOIN order_history h ON h.order_id = o.id AND h.status = 'confirmed' "
                       "WHERE o.created_at >= ?",
                       store::db::ToDbTime(start - std::chrono::seconds(1)));
      });
      if (!rows) throw std::runtime_error(rows.error().message);
      open = 0;
      confirmed_at.clear();
      for (const auto& r : *rows) {
        const std::string status = r.Text("status");
        if (status == "confirmed" && r.OptText("at")) confirmed_at[r.Text("id")] = *r.OptText("at");
        else if (status != "cancelled") ++open;
      }
      if (open == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (Clock::now() < drain_until);
    const Counters after = ReadCounters(server);
    const auto machine_after = CpuByProcess();
    // Where the time went: each step of the orders' timelines (history times), and the shopper.
    std::map<std::string, std::map<std::string, SysClock::time_point>> timeline;
    auto history = orders.RunSync([&](store::db::Connection& c) {
      return c.Query("SELECT h.order_id, h.status, h.at FROM order_history h JOIN orders o ON o.id = h.order_id WHERE o.created_at >= ?",
                     store::db::ToDbTime(start - std::chrono::seconds(1)));
    });
    if (!history) throw std::runtime_error(history.error().message);
    for (const auto& r : *history) timeline[r.Text("order_id")][r.Text("status")] = store::db::FromDbTime(r.Text("at"));
    const double cpu = CpuSeconds() - cpu_before;

    std::vector<double> latencies;
    SysClock::time_point last = start;
    std::size_t unconfirmed = 0;
    for (const auto& p : placed) {
      if (p.id.empty()) continue;
      auto it = confirmed_at.find(p.id);
      if (it == confirmed_at.end()) {
        ++unconfirmed;
        continue;
      }
      const auto at = store::db::FromDbTime(it->second);
      last = std::max(last, at);
      latencies.push_back(std::chrono::duration<double, std::milli>(at - p.due).count());
    }
    std::map<std::string, std::vector<double>> stages;
    auto ms = [](SysClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
    for (const auto& p : placed) {
      auto it = timeline.find(p.id);
      if (p.id.empty() || it == timeline.end() || !it->second.count("confirmed")) continue;
      auto& t = it->second;
      stages["due_to_placed"].push_back(ms(t["placed"] - p.due));
      stages["placed_to_reserved"].push_back(ms(t["reserved"] - t["placed"]));
      stages["reserved_to_awaiting_payment"].push_back(ms(t["awaiting_payment"] - t["reserved"]));
      stages["awaiting_payment_to_card_sent"].push_back(ms(p.paid - t["awaiting_payment"]));
      stages["card_sent_to_paid"].push_back(ms(t["paid"] - p.paid));
      stages["paid_to_confirmed"].push_back(ms(t["confirmed"] - t["paid"]));
    }
    json::object stage_ms;
    for (const auto& [name, v] : stages) stage_ms[name] = json::object{{"p50", Pct(v, 0.5)}, {"p99", Pct(v, 0.99)}};
    for (std::size_t i = 0; i < unconfirmed; ++i) results.Error("not confirmed within the drain time");
    results.Add(latencies);
    const double confirmed = static_cast<double>(latencies.size());
    const double per = confirmed > 0 ? confirmed : 1;
    json::object out = results.Summary(std::chrono::duration<double>(last - start).count(),
                                       {{"offered", rate},
                                        {"orders", n},
                                        {"late_starts", late.load()},
                                        {"open_after_drain", open},
                                        {"com_commit_per_order", static_cast<double>(after.com_commit - before.com_commit) / per},
                                        {"log_writes_per_order", static_cast<double>(after.log_writes - before.log_writes) / per},
                                        {"driver_cpu_ms_per_order", cpu * 1000 / per},
                                        {"stages_ms", stage_ms},
                                        {"cpu_ms_per_order", [&] {
                                           json::object by;
                                           double total = 0;
                                           for (const auto& [name, after_ms] : machine_after) {
                                             auto it = machine_before.find(name);
                                             const double used = after_ms - (it == machine_before.end() ? 0 : it->second);
                                             total += used;
                                             if (used / per >= 0.05) by[name] = used / per;
                                           }
                                           by["total"] = total / per;
                                           return by;
                                         }()}});
    const double p99 = out.at("latency_ms").at("p99").to_number<double>();
    out["pass"] = results.errors == 0 && latencies.size() == n && p99 < p99_limit_ms_;
    return out;
  }

  e2e::Purchase stack_;
  store::db::Options server_options_;
  std::vector<double> rates_;
  double duration_, drain_, p99_limit_ms_;
  int fail_after_;
  bool show_logs_;
};

int Kafka(const std::map<std::string, std::string>& a) {
  const double duration = std::stod(Arg(a, "duration", "10"));
  store::testing::TempTopic topic("bench_roundtrip", 1, false);
  const auto config = store::testing::KafkaTestConfig();
  auto producer = store::messaging::Producer::Create(config);
  if (!producer) throw std::runtime_error(producer.error().message);
  std::mutex mu;
  std::condition_variable arrived;
  long seen = -1;
  store::messaging::ConsumerOptions options;
  options.kafka = config;
  options.group_id = store::testing::UniqueName("bench-roundtrip");
  options.topics = {topic.name()};
  auto consumer = store::messaging::Consumer::Create(options, [&](const store::messaging::Message& m) -> store::core::Status {
    std::lock_guard lock(mu);
    seen = std::stol(m.value);
    arrived.notify_all();
    return {};
  });
  if (!consumer) throw std::runtime_error(consumer.error().message);
  std::thread runner([&] { (void)(*consumer)->Run(); });
  auto round_trip = [&](long i, std::chrono::seconds wait) {
    if (auto st = (*producer)->Produce({.topic = topic.name(), .key = "k", .value = std::to_string(i), .headers = {}}); !st)
      throw std::runtime_error(st.error().message);
    std::unique_lock lock(mu);
    return arrived.wait_for(lock, wait, [&] { return seen >= i; });
  };
  // The group's first join takes a few seconds: the first event only warms up.
  if (!round_trip(0, std::chrono::seconds(60))) throw std::runtime_error("the first event never arrived");
  Results results;
  std::vector<double> latencies;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  for (long i = 1; Clock::now() < deadline; ++i) {
    const auto t0 = Clock::now();
    if (!round_trip(i, std::chrono::seconds(10))) {
      results.Error("lost");
      continue;
    }
    latencies.push_back(Ms(Clock::now() - t0));
  }
  (*consumer)->Stop();
  runner.join();
  results.Add(latencies);
  results.Print(std::chrono::duration<double>(Clock::now() - start).count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_bench_checkout checkout|kafka|commit --flag value ...\n");
    return 2;
  }
  const std::string mode = argv[1];
  const auto a = store::bench::Args(argc, argv);
  try {
    if (mode == "checkout") return Bench(a).Run();
    if (mode == "kafka") return Kafka(a);
    if (mode == "commit") return store::bench::Commit(a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_bench_checkout %s: %s\n", mode.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
