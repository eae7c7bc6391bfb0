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
//                                        the reference (bench/lib/driver.hpp)
// pay and commit print JSON: {"done", "errors", "seconds", "rate", "latency_ms": {p50, p90, p99, max}}.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "store/auth/jws.hpp"
#include "store/auth/tokens.hpp"
#include "store/core/ids.hpp"
#include "store/db/db.hpp"
#include "store/http/client.hpp"
#include "driver.hpp"

namespace json = boost::json;

namespace {

using store::bench::Arg;
using store::bench::Args;
using store::bench::Results;

template <class T>
T RunAwaitable(boost::asio::io_context& ioc, boost::asio::awaitable<T> aw) {
  auto f = boost::asio::co_spawn(ioc, std::move(aw), boost::asio::use_future);
  ioc.restart();
  ioc.run();
  return f.get();
}

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

// One worker's own io_context and client (the client's pooled connections belong to the io_context).
struct Payer {
  boost::asio::io_context ioc;
  store::http::Client client{{.connect_timeout = std::chrono::seconds(5), .read_timeout = std::chrono::seconds(30), .max_retries = 0}};
};

int Pay(const std::map<std::string, std::string>& a) {
  std::string url = Arg(a, "url", ""), token;
  std::ifstream(Arg(a, "token-file", "")) >> token;
  const int concurrency = std::stoi(Arg(a, "concurrency", "8"));
  const double duration = std::stod(Arg(a, "duration", "10"));
  store::bench::ClosedLoop(
      concurrency, duration, [](Results&) { return std::optional(std::make_unique<Payer>()); },
      [&](std::unique_ptr<Payer>& p) -> std::string {
        auto post = [&](const std::string& path, std::string body) {
          store::http::ClientRequest req;
          req.method = boost::beast::http::verb::post;
          req.url = url + path;
          req.body = std::move(body);
          req.content_type = "application/json";
          req.headers = {{"Authorization", "Bearer " + token}, {"Idempotency-Key", store::core::NewUuid()}};
          return RunAwaitable(p->ioc, p->client.Send(req));
        };
        std::string order = "bench-" + store::core::NewUuid();
        auto created = post("/v1/payments/intents",
                            json::serialize(json::object{{"order_id", order}, {"customer_id", "bench-customer"},
                                                         {"amount", json::object{{"minor", 4599}, {"currency", "EUR"}}},
                                                         {"method", "card"}}));
        if (!created || created->status != 201)
          return created ? "create " + std::to_string(created->status) : "create: " + created.error().message;
        auto id = json::parse(created->body).at("id").as_string();
        auto paid = post("/v1/payments/intents/" + std::string(id) + "/confirm", R"({"payment_method":"pm_card_visa"})");
        if (!paid || paid->status != 200 || json::parse(paid->body).at("status").as_string() != "captured")
          return paid ? "confirm " + std::to_string(paid->status) + " " + paid->body.substr(0, 120) : "confirm: " + paid.error().message;
        return "";
      });
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
  if (mode == "keys") return Keys(Arg(a, "dir", "."));
  if (mode == "pay") return Pay(a);
  if (mode == "commit") return store::bench::Commit(a);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
