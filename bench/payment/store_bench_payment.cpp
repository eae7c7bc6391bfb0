// store_bench_payment: the payment benchmark's driver (bench/payment/run.sh).
//   keys   --dir D                       a fresh Ed25519 key: D/jwks.json (served to the service as
//                                        its auth.jwks_url) and D/token (an access token with the
//                                        `service` role, valid 2 h)
//   pay    --url U --token-file F        C workers, back to back for S seconds, each paying one
//          [--concurrency C] [--duration S]   order after the other: POST /v1/payments/intents (a
//                                        new order id) then POST .../confirm with the sandbox's
//                                        pm_card_visa (the provider authorises and captures), each
//                                        with its Idempotency-Key; a payment counts when the
//                                        confirmation answers "captured"
//   commit --host H --port P --user U --password W --database D [--concurrency C] [--duration S]
//                                        the reference: C connections, each committing one
//                                        single-row INSERT after the other (autocommit, InnoDB's
//                                        durable commit: the server's redo log flushed per commit)
// pay and commit print JSON: {"done", "errors", "seconds", "rate", "latency_ms": {p50, p90, p99, max}}.
#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/auth/jws.hpp"
#include "store/auth/tokens.hpp"
#include "store/core/ids.hpp"
#include "store/db/db.hpp"
#include "store/http/client.hpp"

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

std::map<std::string, std::string> Args(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 2; i + 1 < argc; i += 2) a[std::string(argv[i]).substr(2)] = argv[i + 1];
  return a;
}

template <class T>
T RunAwaitable(boost::asio::io_context& ioc, boost::asio::awaitable<T> aw) {
  auto f = boost::asio::co_spawn(ioc, std::move(aw), boost::asio::use_future);
  ioc.restart();
  ioc.run();
  return f.get();
}

struct Results {
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::atomic<long> errors{0};
  std::map<std::string, long> error_kinds;  // "create 503", "confirm no answer", ...
  void Error(const std::string& kind) {
    ++errors;
    std::lock_guard lock(mu);
    ++error_kinds[kind];
  }
  void Add(const std::vector<double>& l) {
    std::lock_guard lock(mu);
    latencies_ms.insert(latencies_ms.end(), l.begin(), l.end());
  }
  void Print(double seconds) {
    auto& l = latencies_ms;
    std::sort(l.begin(), l.end());
    auto at = [&](double q) { return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<std::size_t>(q * static_cast<double>(l.size())))]; };
    json::object kinds;
    for (const auto& [k, n] : error_kinds) kinds[k] = n;
    json::object out{{"done", l.size()},
                     {"errors", errors.load()},
                     {"error_kinds", kinds},
                     {"seconds", seconds},
                     {"rate", static_cast<double>(l.size()) / seconds},
                     {"latency_ms", json::object{{"p50", at(0.50)}, {"p90", at(0.90)}, {"p99", at(0.99)}, {"max", l.empty() ? 0.0 : l.back()}}}};
    std::printf("%s\n", json::serialize(out).c_str());
  }
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int Keys(const std::string& dir) {
  auto key = store::auth::SigningKey::Generate("bench-payment");
  store::auth::KeySet keys;
  keys.Add(key.Public());
  std::ofstream(dir + "/jwks.json") << json::serialize(keys.ToJwks());
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::ofstream(dir + "/token") << store::auth::IssueAccessToken(
      key, {.issuer = "storemicroservices", .audience = "store", .subject = "bench-order-service", .session_id = "bench",
            .token_id = {}, .roles = {"service"}, .issued_at = now, .expires_at = now + 7200});
  return 0;
}

int Pay(std::map<std::string, std::string> a) {
  std::string url = a["url"], token;
  std::ifstream(a["token-file"]) >> token;
  int concurrency = std::stoi(a.count("concurrency") ? a["concurrency"] : "8");
  double duration = std::stod(a.count("duration") ? a["duration"] : "10");
  Results results;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  std::vector<std::thread> workers;
  for (int w = 0; w < concurrency; ++w) {
    workers.emplace_back([&] {
      boost::asio::io_context ioc;
      store::http::Client client({.connect_timeout = std::chrono::seconds(5), .read_timeout = std::chrono::seconds(30), .max_retries = 0});
      std::vector<double> mine;
      auto post = [&](const std::string& path, std::string body) {
        store::http::ClientRequest req;
        req.method = boost::beast::http::verb::post;
        req.url = url + path;
        req.body = std::move(body);
        req.content_type = "application/json";
        req.headers = {{"Authorization", "Bearer " + token}, {"Idempotency-Key", store::core::NewUuid()}};
        return RunAwaitable(ioc, client.Send(req));
      };
      while (Clock::now() < deadline) {
        auto t0 = Clock::now();
        std::string order = "bench-" + store::core::NewUuid();
        auto created = post("/v1/payments/intents",
                            json::serialize(json::object{{"order_id", order}, {"customer_id", "bench-customer"},
                                                         {"amount", json::object{{"minor", 4599}, {"currency", "EUR"}}},
                                                         {"method", "card"}}));
        if (!created || created->status != 201) {
          results.Error(created ? "create " + std::to_string(created->status) : "create: " + created.error().message);
          continue;
        }
        auto id = json::parse(created->body).at("id").as_string();
        auto paid = post("/v1/payments/intents/" + std::string(id) + "/confirm", R"({"payment_method":"pm_card_visa"})");
        if (!paid || paid->status != 200 || json::parse(paid->body).at("status").as_string() != "captured") {
          results.Error(paid ? "confirm " + std::to_string(paid->status) + " " + paid->body.substr(0, 120)
                             : "confirm: " + paid.error().message);
          continue;
        }
        mine.push_back(Ms(Clock::now() - t0));
      }
      results.Add(mine);
    });
  }
  for (auto& t : workers) t.join();
  results.Print(std::chrono::duration<double>(Clock::now() - start).count());
  return 0;
}

int Commit(std::map<std::string, std::string> a) {
  store::db::Options o;
  o.host = a["host"];
  o.port = static_cast<std::uint16_t>(std::stoi(a["port"]));
  o.user = a["user"];
  o.password = a["password"];
  o.database = a["database"];
  int concurrency = std::stoi(a.count("concurrency") ? a["concurrency"] : "8");
  double duration = std::stod(a.count("duration") ? a["duration"] : "10");
  o.pool_size = concurrency;
  store::db::Database db(o);
  auto made = db.RunSync([](store::db::Connection& c) {
    return c.Execute("CREATE TABLE IF NOT EXISTS bench_commits (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL) ENGINE=InnoDB");
  });
  if (!made) {
    std::fprintf(stderr, "%s\n", made.error().message.c_str());
    return 1;
  }
  Results results;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  std::vector<std::thread> workers;
  for (int w = 0; w < concurrency; ++w) {
    workers.emplace_back([&] {
      auto conn = store::db::Connection::Open(o);
      if (!conn) {
        results.Error(conn.error().message);
        return;
      }
      std::vector<double> mine;
      while (Clock::now() < deadline) {
        auto t0 = Clock::now();
        auto done = (*conn)->Execute("INSERT INTO bench_commits (v) VALUES (?)", store::core::NewUuid());
        if (!done) {
          results.Error(done.error().message);
          continue;
        }
        mine.push_back(Ms(Clock::now() - t0));
      }
      results.Add(mine);
    });
  }
  for (auto& t : workers) t.join();
  results.Print(std::chrono::duration<double>(Clock::now() - start).count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_bench_payment keys|pay|commit --flag value ...\n");
    return 2;
  }
  std::string mode = argv[1];
  auto a = Args(argc, argv);
  if (mode == "keys") return Keys(a["dir"]);
  if (mode == "pay") return Pay(a);
  if (mode == "commit") return Commit(a);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
