// The API gateway (deploy/nginx, real nginx) against stand-in services (store::http servers in
// this process that record what reaches them and answer the user service's introspection
// contract: 204 + X-Accel-Expires for a token they know, 401 otherwise). Every bullet of the
// gateway part of issue #3: routing with the prefix stripped, protected routes refused before a
// service, the verdict cache and its revocation bound, per-IP limits (stricter on login, register,
// reset, resend; 429 + Retry-After; forged X-Forwarded-For ignored), the body limit, security
// headers, request id and traceparent, problem+json errors, static files and media.
//
// Each test talks from its own loopback source address (127.x.y.z) so the per-IP limits of one
// test never touch another.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store/log/log.hpp"
#include "store/testing/server.hpp"
#include "support/http.hpp"
#include "support/stack.hpp"

namespace json = boost::json;
using e2e::Bearer;
using e2e::Gateway;
using e2e::GatewayOptions;
using e2e::HttpClient;
using e2e::HttpResponse;
using store::http::Request;
using store::http::Response;

namespace {

// A stand-in service: echoes what reached it, counts hits, and (for the user service's role)
// answers GET /v1/auth/introspect for the tokens in `valid`.
struct StandIn {
  // Bodies up to 16 MiB reach it, so every 413 in these tests is the gateway's.
  explicit StandIn(std::string name) : name(std::move(name)), server(MakeRouter(), Options()) {}
  static store::http::ServerOptions Options() {
    auto o = store::testing::TestServerOptions();
    o.body_limit = 16 * 1024 * 1024;
    return o;
  }

  std::string name;
  std::mutex mu;
  std::set<std::string> valid;
  std::atomic<int> introspections{0};
  std::atomic<int> hits{0};  // every route but introspection
  // X-Accel-Expires "@<now>" (absolute, what the user service sends: nginx keeps the verdict
  // until the end of the current second) or "1" (relative: until the end of the NEXT second)
  std::atomic<bool> absolute_expiry{true};
  store::testing::TestServer server;

  void Allow(const std::string& token) {
    std::lock_guard lock(mu);
    valid.insert(token);
  }
  void Revoke(const std::string& token) {
    std::lock_guard lock(mu);
    valid.erase(token);
  }
  int port() const { return server.port(); }

 private:
  store::http::Router MakeRouter() {
    store::http::Router r;
    auto echo = [this](Request& req) -> boost::asio::awaitable<Response> {
      hits++;
      json::object o{{"service", name},
                     {"method", std::string(req.method_string())},
                     {"target", std::string(req.target())},
                     {"x_real_ip", std::string(req.Header("X-Real-IP"))},
                     {"x_forwarded_for", std::string(req.Header("X-Forwarded-For"))},
                     {"x_request_id", std::string(req.Header("X-Request-Id"))},
                     {"traceparent", std::string(req.Header("traceparent"))},
                     {"x_user_id", std::string(req.Header("X-User-Id"))},
                     {"authorization", std::string(req.Header("Authorization"))},
                     {"cookie", std::string(req.Header("Cookie"))},
                     {"body_bytes", req.body().size()}};
      co_return Response::Json(200, o);
    };
    for (const char* path : {"/v1/echo", "/v1/me", "/v1/me/sessions", "/v1/me/addresses", "/v1/admin/users",
                             "/v1/search", "/v1/suggest", "/v1/admin/search/synonyms", "/v1/items", "/v1/reservations/o-1", "/v1/cart", "/v1/payments/intents/p1", "/healthz",
                             "/.well-known/jwks.json"}) {
      r.Get(path, echo);
    }
    for (const char* path : {"/v1/echo", "/v1/auth/login", "/v1/auth/login/mfa", "/v1/auth/register", "/v1/auth/resend-verification",
                             "/v1/auth/password-reset/request", "/v1/auth/password-reset/confirm",
                             "/v1/auth/logout", "/v1/auth/logout-all", "/v1/admin/users/u1/disable",
                             "/v1/admin/things", "/v1/reservations", "/v1/reservations/o-1/commit",
                             "/v1/payments/webhooks/sandbox"}) {
      r.Post(path, echo);
    }
    r.Post("/v1/admin/products/p1/images", echo, {.body = store::http::BodyKind::bytes});  // image bytes, not JSON
    r.Get("/metrics", echo);
    // The catalog's page snapshots (SSI includes of /p/<slug> and /c/<slug>): "known" only.
    r.Get("/v1/snapshots/p/{slug}", [](Request& req) -> boost::asio::awaitable<Response> {
      if (*req.PathParam("slug") != "known")  // as the catalog answers an unknown page
        co_return Response(404, req.Query("part") == std::optional<std::string>("head") ? "<meta name=robots content=noindex>" : "<h1>gone</h1>",
                           "text/html");
      co_return Response(200, "<i>" + req.Query("part").value_or("") + "|" + std::string(req.Header("X-Forwarded-Proto")) + "://" +
                                  std::string(req.Header("X-Forwarded-Host")) + "</i>",
                         "text/html");
    });
    r.Get("/v1/auth/introspect", [this](Request& req) -> boost::asio::awaitable<Response> {
      introspections++;
      std::string auth(req.Header("Authorization"));
      bool ok = false;
      if (auth.rfind("Bearer ", 0) == 0) {
        std::lock_guard lock(mu);
        ok = valid.contains(auth.substr(7));
      }
      if (!ok) co_return Response::Problem(401, "invalid token");
      auto res = Response::Empty(204);
      auto now_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
      res.SetHeader("X-Accel-Expires", absolute_expiry ? "@" + std::to_string(now_s) : std::string("1"));
      res.SetHeader("X-User-Id", "u1");
      co_return res;
    });
    return r;
  }
};


// A raw HTTP/1.1 upstream for the keep-alive and retry tests: counts connections and requests;
// on a path containing "/flaky" it answers the first request of a connection and closes the
// connection on the second without answering (what a service closing an idle keep-alive
// connection looks like to nginx at the moment it reuses it).
class RawUpstream {
 public:
  RawUpstream() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 64) != 0) {
      throw std::runtime_error("RawUpstream: bind/listen failed");
    }
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~RawUpstream() {
    stopping_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (int c : open_) shutdown(c, SHUT_RDWR);
    for (auto& t : workers_) t.join();
    for (int c : open_) close(c);
  }
  int port() const { return port_; }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      int id = ++connections_;
      std::lock_guard lock(mu_);
      open_.push_back(c);
      workers_.emplace_back([this, c, id] { Serve(c, id); });
    }
  }
  void Serve(int c, int id) {
    std::string buf;
    int on_this_connection = 0;
    char chunk[4096];
    while (true) {
      auto end = buf.find("\r\n\r\n");
      if (end == std::string::npos) {
        ssize_t n = read(c, chunk, sizeof chunk);
        if (n <= 0) break;
        buf.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      std::string head = buf.substr(0, end);
      std::size_t length = 0;
      for (const char* name : {"Content-Length: ", "content-length: "}) {
        auto at = head.find(name);
        if (at != std::string::npos) length = std::stoul(head.substr(at + std::strlen(name)));
      }
      while (buf.size() < end + 4 + length) {
        ssize_t n = read(c, chunk, sizeof chunk);
        if (n <= 0) break;
        buf.append(chunk, static_cast<std::size_t>(n));
      }
      buf.erase(0, std::min(buf.size(), end + 4 + length));
      ++requests_;
      ++on_this_connection;
      if (head.find("/flaky") != std::string::npos && on_this_connection >= 2) break;  // close, no answer
      std::string body = "{\"connection\":" + std::to_string(id) + ",\"request\":" + std::to_string(on_this_connection) + "}";
      std::string res = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body;
      if (write(c, res.data(), res.size()) < 0) break;
    }
    shutdown(c, SHUT_RDWR);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> open_;
  std::vector<std::thread> workers_;
};

json::object Body(const HttpResponse& r) {
  auto v = json::parse(r.body);
  return v.as_object();
}

void ExpectProblem(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json") << r.body;
  auto o = Body(r);
  EXPECT_EQ(o.at("status").as_int64(), status);
  EXPECT_TRUE(o.contains("title"));
  EXPECT_TRUE(o.contains("detail"));
  EXPECT_EQ(json::value_to<std::string>(o.at("request_id")), r.Header("x-request-id").value_or("?"));
}

// The APIs' policy only refuses framing; the storefront's pages may load nothing but their own files.
constexpr const char* kApiPolicy = "frame-ancestors 'none'";
constexpr const char* kStorefrontPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

void ExpectSecurityHeaders(const HttpResponse& r, const std::string& policy = kApiPolicy) {
  EXPECT_EQ(r.Header("x-content-type-options").value_or(""), "nosniff") << r.status;
  EXPECT_EQ(r.Header("x-frame-options").value_or(""), "DENY") << r.status;
  EXPECT_EQ(r.Header("content-security-policy").value_or(""), policy) << r.status;
  EXPECT_EQ(r.Header("referrer-policy").value_or(""), "strict-origin-when-cross-origin") << r.status;
  EXPECT_EQ(r.Header("server").value_or(""), "nginx") << "no version in Server (server_tokens off)";
  EXPECT_EQ(r.Header("x-request-id").value_or("").size(), 32u) << r.status;
  EXPECT_EQ(r.headers.count("x-request-id"), 1u) << "one request id, the gateway's";
}

// One gateway for the whole suite, in front of five stand-ins (user, catalog, search, cart, payment); the
// notification upstream is a port nobody listens on.
class GatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store::log::Init("gateway-test-stand-in", store::log::Level::warn);  // no access log lines
    user_ = new StandIn("user");
    catalog_ = new StandIn("catalog");
    search_ = new StandIn("search");
    cart_ = new StandIn("cart");
    payment_ = new StandIn("payment");
    gateway_ = new Gateway(GatewayOptions{.user_port = user_->port(), .catalog_port = catalog_->port(),
                                          .search_port = search_->port(), .cart_port = cart_->port(),
                                          .payment_port = payment_->port()});
  }
  static void TearDownTestSuite() {
    delete gateway_;
    delete payment_;
    delete cart_;
    delete search_;
    delete catalog_;
    delete user_;
  }
  static std::string Url(const std::string& path) { return gateway_->Url(path); }

  static inline StandIn* user_ = nullptr;
  static inline StandIn* catalog_ = nullptr;
  static inline StandIn* search_ = nullptr;
  static inline StandIn* cart_ = nullptr;
  static inline StandIn* payment_ = nullptr;
  static inline Gateway* gateway_ = nullptr;
};

TEST_F(GatewayTest, RoutesEachServiceWithItsPrefixStripped) {
  HttpClient c(e2e::NextLoopbackIp());
  auto u = c.Get(Url("/api/user/v1/echo?q=a%20b&n=1"));
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(json::value_to<std::string>(Body(u).at("service")), "user");
  EXPECT_EQ(json::value_to<std::string>(Body(u).at("target")), "/v1/echo?q=a%20b&n=1");
  auto cat = c.Get(Url("/api/catalog/v1/items"));
  ASSERT_EQ(cat.status, 200);
  EXPECT_EQ(json::value_to<std::string>(Body(cat).at("service")), "catalog");
  auto s = c.Get(Url("/api/catalog/v1/search?q=shoe"));
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(json::value_to<std::string>(Body(s).at("service")), "search");
  EXPECT_EQ(json::value_to<std::string>(Body(s).at("target")), "/v1/search?q=shoe");
  // The staff's search quality is the search service's, behind the token check.
  user_->Allow("search-staff-token");
  auto sq = c.Get(Url("/api/catalog/v1/admin/search/synonyms"), {Bearer("search-staff-token")});
  ASSERT_EQ(sq.status, 200) << sq.body;
  EXPECT_EQ(json::value_to<std::string>(Body(sq).at("service")), "search");
  EXPECT_EQ(json::value_to<std::string>(Body(sq).at("target")), "/v1/admin/search/synonyms");
  auto sg = c.Get(Url("/api/catalog/v1/suggest?q=sam"));
  ASSERT_EQ(sg.status, 200);
  EXPECT_EQ(json::value_to<std::string>(Body(sg).at("service")), "search");
  EXPECT_EQ(json::value_to<std::string>(Body(sg).at("target")), "/v1/suggest?q=sam");
  auto p = c.Post(Url("/api/user/v1/echo"), R"({"a":1})");
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(Body(p).at("body_bytes").as_int64(), 7);
  // The cart: guests are named by their cart_token cookie, which reaches the service untouched.
  auto cart = c.Get(Url("/api/cart/v1/cart"), {"Cookie: cart_token=abc"});
  ASSERT_EQ(cart.status, 200) << cart.body;
  EXPECT_EQ(json::value_to<std::string>(Body(cart).at("service")), "cart");
  EXPECT_EQ(json::value_to<std::string>(Body(cart).at("target")), "/v1/cart");
  EXPECT_EQ(json::value_to<std::string>(Body(cart).at("cookie")), "cart_token=abc");
  // Payments: the customer's token and the provider's signed webhooks reach the service untouched.
  auto pay = c.Get(Url("/api/payment/v1/payments/intents/p1"), {"Authorization: Bearer t"});
  ASSERT_EQ(pay.status, 200) << pay.body;
  EXPECT_EQ(json::value_to<std::string>(Body(pay).at("service")), "payment");
  EXPECT_EQ(json::value_to<std::string>(Body(pay).at("authorization")), "Bearer t");
  auto hook = c.Send({.method = "POST", .url = Url("/api/payment/v1/payments/webhooks/sandbox"), .headers = {"Psp-Signature: t=1,v1=ab"},
                      .body = std::string(R"({"id":"evt_1"})")});
  ASSERT_EQ(hook.status, 200) << hook.body;
  EXPECT_EQ(json::value_to<std::string>(Body(hook).at("target")), "/v1/payments/webhooks/sandbox");
  EXPECT_EQ(Body(hook).at("body_bytes").as_int64(), 14);
  // public user routes need no token
  EXPECT_EQ(c.Get(Url("/api/user/.well-known/jwks.json")).status, 200);
  EXPECT_EQ(c.Get(Url("/api/user/healthz")).status, 200);
}

TEST_F(GatewayTest, UnknownServicesAndInternalRoutesAre404ProblemJson) {
  HttpClient c(e2e::NextLoopbackIp());
  ExpectProblem(c.Get(Url("/api/nosuch/v1/x")), 404);
  int before = user_->hits;
  ExpectProblem(c.Get(Url("/api/user/metrics")), 404);
  EXPECT_EQ(user_->hits, before) << "metrics stay internal";
  // Stock reservations are service-to-service only: never reachable through the gateway.
  int catalog_before = catalog_->hits;
  ExpectProblem(c.Post(Url("/api/catalog/v1/reservations"), R"({"order_id":"o","lines":[]})"), 404);
  ExpectProblem(c.Post(Url("/api/catalog/v1/reservations/o-1/commit"), "{}"), 404);
  ExpectProblem(c.Get(Url("/api/catalog/v1/reservations/o-1")), 404);
  EXPECT_EQ(catalog_->hits, catalog_before) << "reservations stay internal";
}

TEST_F(GatewayTest, ProtectedRoutesRefuseAMissingOrUnknownTokenBeforeTheService) {
  struct Route { const char* method; const char* path; };
  const Route protected_routes[] = {
      {"GET", "/api/user/v1/me"},           {"GET", "/api/user/v1/me/sessions"},
      {"GET", "/api/user/v1/me/addresses"}, {"GET", "/api/user/v1/admin/users"},
      {"POST", "/api/user/v1/admin/users/u1/disable"}, {"POST", "/api/user/v1/auth/logout"},
      {"POST", "/api/user/v1/auth/logout-all"}, {"POST", "/api/catalog/v1/admin/things"},
      {"GET", "/api/catalog/v1/admin/search/synonyms"},
      // the same routes spelled so a naive prefix match would miss them (nginx normalizes first)
      {"GET", "/api/user/v1/%6De"}, {"GET", "/api/user//v1/me"}, {"GET", "/api/user/v1/./me/sessions"},
      {"GET", "/api/user/v1/x/../me"},
  };
  user_->Allow("good-token-1");
  for (const auto& r : protected_routes) {
    HttpClient c(e2e::NextLoopbackIp());  // a fresh address per route: the per-IP limit stays out of the way
    for (const std::string auth : {"", "Bearer", "Bearer nope", "Basic dXNlcjpwdw==", "Bearer good-token-1x"}) {
      int hits_before = user_->hits + catalog_->hits;
      std::vector<std::string> headers;
      if (!auth.empty()) headers.push_back("Authorization: " + auth);
      auto res = c.Send({.method = r.method, .url = Url(r.path), .headers = headers,
                         .body = std::string(r.method) == "POST" ? std::optional<std::string>("{}") : std::nullopt});
      ExpectProblem(res, 401);
      EXPECT_EQ(res.Header("www-authenticate").value_or(""), R"(Bearer realm="store")");
      ExpectSecurityHeaders(res);
      EXPECT_EQ(user_->hits + catalog_->hits, hits_before) << r.method << " " << r.path << " [" << auth << "] reached a service";
    }
    auto ok = c.Send({.method = r.method, .url = Url(r.path), .headers = {Bearer("good-token-1")},
                      .body = std::string(r.method) == "POST" ? std::optional<std::string>("{}") : std::nullopt});
    EXPECT_EQ(ok.status, 200) << r.method << " " << r.path << ": " << ok.body;
    if (ok.status == 200) {
      EXPECT_EQ(json::value_to<std::string>(Body(ok).at("authorization")), "Bearer good-token-1")
          << "the service gets the token too (it verifies it itself)";
    }
  }
}

TEST_F(GatewayTest, ARevokedTokenIsRefusedWithinTheCacheBound) {
  HttpClient c(e2e::NextLoopbackIp());
  user_->Allow("revoke-me");
  ASSERT_EQ(c.Get(Url("/api/user/v1/me"), {Bearer("revoke-me")}).status, 200);
  ASSERT_EQ(c.Get(Url("/api/user/v1/me"), {Bearer("revoke-me")}).status, 200);  // now cached
  user_->Revoke("revoke-me");
  auto t0 = std::chrono::steady_clock::now();
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)) {
    status = static_cast<int>(c.Get(Url("/api/user/v1/me"), {Bearer("revoke-me")}).status);
    if (status == 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(status, 401);
  // X-Accel-Expires: @<now> keeps a verdict until the end of the current second.
  EXPECT_LE(ms, 1100) << "X-Accel-Expires: @<now> bounds how long a revoked token still passes the gateway";
  std::printf("revoked token refused at the gateway %lld ms after revocation (bound: 1 s)\n",
              static_cast<long long>(ms));
}

TEST_F(GatewayTest, WithAnAbsoluteExpiryTheRevocationBoundIsOneSecond) {
  StandIn user("user");
  user.absolute_expiry = true;  // X-Accel-Expires: @<unix seconds now> (the default; three trials here)
  Gateway gw(GatewayOptions{.user_port = user.port()});
  long long worst = 0;
  for (int trial = 0; trial < 3; trial++) {
    HttpClient c(e2e::NextLoopbackIp());
    const std::string token = "abs-" + std::to_string(trial);
    user.Allow(token);
    ASSERT_EQ(c.Get(gw.Url("/api/user/v1/me"), {Bearer(token)}).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 * trial));
    ASSERT_EQ(c.Get(gw.Url("/api/user/v1/me"), {Bearer(token)}).status, 200);
    user.Revoke(token);
    auto t0 = std::chrono::steady_clock::now();
    long status = 200;
    while (status == 200 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3)) {
      status = c.Get(gw.Url("/api/user/v1/me"), {Bearer(token)}).status;
      if (status == 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(status, 401);
    worst = std::max<long long>(worst, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
  }
  EXPECT_LE(worst, 1100) << "an absolute expiry keeps a verdict at most until the end of the current second";
  std::printf("X-Accel-Expires: @now -> revoked token refused at the gateway within %lld ms (worst of 3)\n", worst);
  EXPECT_LT(user.introspections, 3 * 40) << "and verdicts are still cached";
}

TEST_F(GatewayTest, TheVerdictCacheSavesIntrospectionsAndCanBeTurnedOff) {
  HttpClient c(e2e::NextLoopbackIp());
  user_->Allow("cache-me");
  int before = user_->introspections;
  auto t0 = std::chrono::steady_clock::now();
  int n = 0;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500) && n < 25) {
    ASSERT_EQ(c.Get(Url("/api/user/v1/me"), {Bearer("cache-me")}).status, 200);
    n++;
  }
  int used = user_->introspections - before;
  EXPECT_GE(used, 1);
  EXPECT_LE(used, 2) << n << " requests within 0.5 s need one or two lookups";

  StandIn user("user");
  user.Allow("t");
  Gateway nocache(GatewayOptions{.user_port = user.port(), .auth_cache = false});
  HttpClient c2(e2e::NextLoopbackIp());
  for (int i = 0; i < 10; i++) ASSERT_EQ(c2.Get(nocache.Url("/api/user/v1/me"), {Bearer("t")}).status, 200);
  EXPECT_EQ(user.introspections, 10) << "GATEWAY_AUTH_CACHE=off: one lookup per request";
}

TEST_F(GatewayTest, EveryRequestIsLimitedPerIpWith429AndRetryAfter) {
  HttpClient a(e2e::NextLoopbackIp());
  // 30 r/s with a burst of 60: the first 61 pass at once, plus what refills while they are sent;
  // keep going until the first 429 (however slow this machine is, 30 r/s is exceeded quickly).
  int ok = 0;
  HttpResponse r;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; i++) {
    r = a.Get(Url("/api/user/v1/echo"));
    if (r.status != 200) break;
    ok++;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(ok, 61);
  EXPECT_LE(ok, 61 + static_cast<int>(30 * secs) + 1) << "no more than burst + refill passed";
  ExpectProblem(r, 429);
  ExpectSecurityHeaders(r);
  EXPECT_EQ(r.Header("retry-after").value_or(""), "1");
  // another address is not affected
  HttpClient b(e2e::NextLoopbackIp());
  EXPECT_EQ(b.Get(Url("/api/user/v1/echo")).status, 200);
}

TEST_F(GatewayTest, LoginRegisterResetAndResendHaveAStricterLimit) {
  for (const char* path : {"/api/user/v1/auth/login", "/api/user/v1/auth/login/mfa", "/api/user/v1/auth/register",
                           "/api/user/v1/auth/resend-verification", "/api/user/v1/auth/password-reset/request",
                           "/api/user/v1/auth/password-reset/confirm"}) {
    HttpClient c(e2e::NextLoopbackIp());
    int ok = 0;
    HttpResponse r;
    for (int i = 0; i < 10; i++) {
      r = c.Post(Url(path), "{}");
      if (r.status != 200) break;
      ok++;
    }
    EXPECT_EQ(ok, 6) << path << ": 10 r/m with a burst of 5 lets 6 through at once";
    ExpectProblem(r, 429);
    EXPECT_EQ(r.Header("retry-after").value_or(""), "6") << path;
    // the general routes of the same address still work
    EXPECT_EQ(c.Get(Url("/api/user/v1/echo")).status, 200);
  }
}

TEST_F(GatewayTest, AForgedXForwardedForDoesNotEscapeThePerIpLimit) {
  HttpClient c(e2e::NextLoopbackIp());
  int ok = 0, limited = 0;
  for (int i = 0; i < 12; i++) {
    std::string forged = "203.0.113." + std::to_string(i + 1);
    auto r = c.Post(Url("/api/user/v1/auth/login"), "{}", {"X-Forwarded-For: " + forged, "X-Real-IP: " + forged});
    if (r.status == 200) ok++;
    if (r.status == 429) limited++;
  }
  EXPECT_EQ(ok, 6) << "every forged address counted as the one real peer";
  EXPECT_EQ(limited, 6);
}

TEST_F(GatewayTest, TheServiceSeesThePeerAddressNotTheClientsClaims) {
  std::string ip = e2e::NextLoopbackIp();
  HttpClient c(ip);
  auto r = c.Get(Url("/api/user/v1/echo"),
                 {"X-Forwarded-For: 198.51.100.7", "X-Real-IP: 198.51.100.7", "X-User-Id: admin"});
  ASSERT_EQ(r.status, 200);
  auto o = Body(r);
  EXPECT_EQ(json::value_to<std::string>(o.at("x_forwarded_for")), ip);
  EXPECT_EQ(json::value_to<std::string>(o.at("x_real_ip")), ip);
  EXPECT_EQ(json::value_to<std::string>(o.at("x_user_id")), "") << "identity headers from clients are dropped";
}

TEST_F(GatewayTest, RequestIdAndTraceparentReachTheService) {
  HttpClient c(e2e::NextLoopbackIp());
  // no trace context from the client: a new one whose trace id is the request id
  auto r = c.Get(Url("/api/user/v1/echo"), {"X-Request-Id: client-chosen"});
  ASSERT_EQ(r.status, 200);
  ExpectSecurityHeaders(r);
  auto o = Body(r);
  std::string rid = r.Header("x-request-id").value_or("");
  EXPECT_EQ(json::value_to<std::string>(o.at("x_request_id")), rid) << "the service gets the gateway's id";
  EXPECT_NE(rid, "client-chosen");
  std::string tp = json::value_to<std::string>(o.at("traceparent"));
  EXPECT_EQ(tp.substr(0, 3 + 32), "00-" + rid);
  EXPECT_EQ(tp.size(), 55u) << tp;
  // a well-formed client traceparent is passed on as is
  const std::string theirs = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto r2 = c.Get(Url("/api/user/v1/echo"), {"traceparent: " + theirs});
  EXPECT_EQ(json::value_to<std::string>(Body(r2).at("traceparent")), theirs);
  // a malformed one is replaced
  auto r3 = c.Get(Url("/api/user/v1/echo"), {"traceparent: 00-xyz"});
  EXPECT_EQ(json::value_to<std::string>(Body(r3).at("traceparent")).substr(0, 35),
            "00-" + r3.Header("x-request-id").value_or(""));
}

TEST_F(GatewayTest, UpstreamConnectionsAreKeptAlive) {
  RawUpstream upstream;
  Gateway gw(GatewayOptions{.catalog_port = upstream.port()});
  for (int i = 0; i < 20; i++) {
    HttpClient c(e2e::NextLoopbackIp());  // a new client connection each time
    ASSERT_EQ(c.Get(gw.Url("/api/catalog/v1/items")).status, 200);
  }
  EXPECT_EQ(upstream.requests(), 20);
  EXPECT_EQ(upstream.connections(), 1) << "20 sequential requests from 20 clients share one upstream connection";
}

TEST_F(GatewayTest, OnlyIdempotentRequestsAreRetriedWhenAKeptAliveConnectionFails) {
  RawUpstream upstream;
  Gateway gw(GatewayOptions{.catalog_port = upstream.port()});
  HttpClient c(e2e::NextLoopbackIp());
  // GET: the second request goes out on the kept-alive connection, which the upstream closes
  // without answering; nginx retries it on a new connection and the client never notices.
  ASSERT_EQ(c.Get(gw.Url("/api/catalog/v1/flaky")).status, 200);
  auto get = c.Get(gw.Url("/api/catalog/v1/flaky"));
  EXPECT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(upstream.requests(), 3) << "the GET was sent twice: once on the dead connection, once more";
  EXPECT_EQ(upstream.connections(), 2);
  // POST: the same failure is NOT retried (the request may have had an effect): 502.
  RawUpstream upstream2;
  Gateway gw2(GatewayOptions{.catalog_port = upstream2.port()});
  ASSERT_EQ(c.Post(gw2.Url("/api/catalog/v1/flaky"), "{}").status, 200);
  auto post = c.Post(gw2.Url("/api/catalog/v1/flaky"), "{}");
  ExpectProblem(post, 502);
  EXPECT_EQ(upstream2.requests(), 2) << "the POST was sent once, never again";
}

TEST_F(GatewayTest, BodiesOverTheLimitAre413BeforeTheService) {
  HttpClient c(e2e::NextLoopbackIp());
  int before = user_->hits;
  auto big = c.Post(Url("/api/user/v1/echo"), std::string(1024 * 1024 + 1, 'x'));
  ExpectProblem(big, 413);
  ExpectSecurityHeaders(big);
  EXPECT_EQ(user_->hits, before);
  auto fits = c.Post(Url("/api/user/v1/echo"), std::string(512 * 1024, 'x'));
  EXPECT_EQ(fits.status, 200);
}

// Sends `raw` from `source_ip` to the gateway and returns all it answers until it closes (for
// requests a well-behaved client never sends).
std::string RawExchange(int port, const std::string& source_ip, const std::string& raw) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source_ip.c_str(), &from.sin_addr);
  bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 && write(fd, raw.data(), raw.size()) == static_cast<ssize_t>(raw.size())) {
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char chunk[4096];
    for (ssize_t n; (n = read(fd, chunk, sizeof chunk)) > 0;) out.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

// The outside tester's finding: nginx answered `Transfer-Encoding: chunked, identity` with its own
// HTML 501. A transfer coding other than "chunked" alone is a malformed request (RFC 9112 6.3), a
// 400 problem+json like the services' own answer, and it never reaches a service.
TEST_F(GatewayTest, AnUnsupportedTransferEncodingIsA400ProblemNotAnHtml501) {
  const std::string ip = e2e::NextLoopbackIp();
  int before = catalog_->hits;
  for (const char* coding : {"chunked, identity", "gzip, chunked", "identity"}) {
    auto answer = RawExchange(gateway_->port(), ip,
                              std::string("POST /api/catalog/v1/echo HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n") +
                                  "Transfer-Encoding: " + coding + "\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << coding << ": " << answer;
    EXPECT_NE(answer.find("Content-Type: application/problem+json"), std::string::npos) << coding << ": " << answer;
    auto at = answer.find("\r\n\r\n");
    ASSERT_NE(at, std::string::npos) << coding << ": " << answer;
    boost::system::error_code ec;
    auto problem = json::parse(answer.substr(at + 4), ec);
    ASSERT_FALSE(ec) << coding << ": " << answer;
    EXPECT_EQ(problem.at("status").as_int64(), 400);
    EXPECT_EQ(problem.at("code").as_string(), "invalid_argument");
  }
  EXPECT_EQ(catalog_->hits, before);
}

// One body limit (1 MiB) everywhere but the catalog's image upload, which takes up to 8 MiB
// (the catalog's media.max_bytes) through the gateway too.
TEST_F(GatewayTest, OnlyTheImageUploadTakesABodyOverTheLimit) {
  HttpClient c(e2e::NextLoopbackIp());
  user_->Allow("upload-token");
  const std::string three_mib(3 * 1024 * 1024, 'x');
  auto up = c.Send({.method = "POST", .url = Url("/api/catalog/v1/admin/products/p1/images"),
                    .headers = {Bearer("upload-token")}, .body = three_mib, .content_type = "image/png"});
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(Body(up).at("body_bytes").as_int64(), 3 * 1024 * 1024);
  EXPECT_EQ(Body(up).at("target").as_string(), "/v1/admin/products/p1/images");
  ExpectProblem(c.Post(Url("/api/catalog/v1/admin/things"), three_mib, {Bearer("upload-token")}), 413);
  ExpectProblem(c.Send({.method = "POST", .url = Url("/api/catalog/v1/admin/products/p1/images"),
                        .headers = {Bearer("upload-token")}, .body = std::string(9 * 1024 * 1024, 'x'), .content_type = "image/png"}),
                413);
  // Still protected: no token, no upload.
  ExpectProblem(c.Send({.method = "POST", .url = Url("/api/catalog/v1/admin/products/p1/images"), .body = three_mib,
                        .content_type = "image/png"}),
                401);
}

TEST_F(GatewayTest, AServiceThatIsDownIs502ProblemJson) {
  HttpClient c(e2e::NextLoopbackIp());
  auto r = c.Get(Url("/api/notification/v1/anything"));
  ExpectProblem(r, 502);
  ExpectSecurityHeaders(r);
  // protected routes while the user service (the verdict) is down: 503, never a pass
  Gateway lonely(GatewayOptions{});
  auto p = c.Get(lonely.Url("/api/user/v1/me"), {Bearer("anything")});
  ExpectProblem(p, 503);
  EXPECT_EQ(p.Header("retry-after").value_or(""), "1");
}

TEST_F(GatewayTest, ServesTheAdminAppUnderAdminNeverIndexed) {
  std::filesystem::create_directories(gateway_->admin_dir() + "/assets");
  std::ofstream(gateway_->admin_dir() + "/index.html") << "<!doctype html><title>admin</title>";
  std::ofstream(gateway_->admin_dir() + "/assets/index-AdMin123.js") << std::string(4096, 'y');
  HttpClient c(e2e::NextLoopbackIp());
  for (const char* path : {"/admin/", "/admin/customers?q=ada", "/admin/security"}) {
    auto page = c.Get(Url(path));
    EXPECT_EQ(page.status, 200) << path;
    EXPECT_EQ(page.body, "<!doctype html><title>admin</title>") << path << ": the admin's index.html for its client-side routes";
    EXPECT_EQ(page.Header("x-robots-tag").value_or(""), "noindex, nofollow") << path;
    EXPECT_EQ(page.Header("cache-control").value_or(""), "no-cache") << path;
    ExpectSecurityHeaders(page, kStorefrontPolicy);
  }
  auto js = c.Get(Url("/admin/assets/index-AdMin123.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("cache-control").value_or(""), "public, max-age=31536000, immutable");
  ExpectProblem(c.Get(Url("/admin/assets/index-Missing0.js")), 404);
  EXPECT_NE(c.Get(Url("/")).body, "<!doctype html><title>admin</title>") << "the storefront stays the storefront";
}

TEST_F(GatewayTest, ServesTheStorefrontAndMediaFiles) {
  std::filesystem::create_directories(gateway_->media_dir() + "/products/p1");
  std::filesystem::create_directories(gateway_->static_dir() + "/assets");
  std::ofstream(gateway_->static_dir() + "/index.html") << "<!doctype html><title>shop</title>";
  const std::string script(4096, 'x');
  std::ofstream(gateway_->static_dir() + "/assets/index-AbCd1234.js") << script;
  std::ofstream(gateway_->media_dir() + "/products/p1/front.jpg") << "JPEGDATA";
  HttpClient c(e2e::NextLoopbackIp());
  auto root = c.Get(Url("/"));
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, "<!doctype html><title>shop</title>");
  EXPECT_EQ(root.Header("content-type").value_or(""), "text/html");
  EXPECT_EQ(root.Header("cache-control").value_or(""), "no-cache") << "a page is revalidated: a deploy is seen at once";
  ExpectSecurityHeaders(root, kStorefrontPolicy);
  auto spa = c.Get(Url("/products/p1"));
  EXPECT_EQ(spa.status, 200) << "client-side routes get the storefront's index.html";
  EXPECT_EQ(spa.body, root.body);
  ExpectSecurityHeaders(spa, kStorefrontPolicy);
  auto js = c.Send({.url = Url("/assets/index-AbCd1234.js"), .headers = {"Accept-Encoding: gzip"}});
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("content-type").value_or(""), "application/javascript");
  EXPECT_EQ(js.Header("content-encoding").value_or(""), "gzip");
  EXPECT_LT(js.body.size(), script.size()) << "sent compressed";
  EXPECT_EQ(js.Header("cache-control").value_or(""), "public, max-age=31536000, immutable");
  ExpectSecurityHeaders(js, kStorefrontPolicy);
  ExpectProblem(c.Get(Url("/assets/index-Missing0.js")), 404);  // never the index.html of a missing asset

  // Product and category pages: index.html with the catalog's snapshot spliced in by SSI; an unknown
  // product (or any snapshot error) gives the stub; a path that is not a slug is the plain page.
  std::ofstream(gateway_->static_dir() + "/index.html")
      << "<head><!--# block name=\"d\" --><title>shop</title><!--# endblock -->"
         "<!--# include virtual=\"/_snapshot/$snapshot_kind/$snapshot_slug?part=head\" stub=\"d\" --></head>"
         "<div id=app><!--# include virtual=\"/_snapshot/$snapshot_kind/$snapshot_slug?part=body\" stub=\"d\" --></div>";
  auto product = c.Get(Url("/p/known"));
  EXPECT_EQ(product.status, 200);
  const std::string origin = "http://127.0.0.1:" + std::to_string(gateway_->port());
  EXPECT_EQ(product.body, "<head><i>head|" + origin + "</i></head><div id=app><i>body|" + origin + "</i></div>");
  ExpectSecurityHeaders(product, kStorefrontPolicy);
  EXPECT_EQ(product.Header("cache-control").value_or(""), "no-cache");
  auto unknown = c.Get(Url("/p/missing"));  // the stand-in catalog: 404
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.body, "<head><meta name=robots content=noindex></head><div id=app><h1>gone</h1></div>")
      << "an unknown page: the catalog's 404 passed into the page (noindex, its words)";
  auto not_a_slug = c.Get(Url("/p/Not_A_Slug"));
  EXPECT_EQ(not_a_slug.status, 200);
  EXPECT_NE(not_a_slug.body.find("<!--# include"), std::string::npos) << "no SSI outside /p/<slug> and /c/<slug>";
  auto direct = c.Get(Url("/_snapshot/p/known?part=head"));  // internal: nginx's 404, never the catalog's answer
  EXPECT_EQ(direct.status, 404);
  EXPECT_EQ(direct.body.find("<i>"), std::string::npos) << direct.body;
  auto img = c.Get(Url("/media/products/p1/front.jpg"));
  EXPECT_EQ(img.status, 200);
  EXPECT_EQ(img.body, "JPEGDATA");
  EXPECT_EQ(img.Header("content-type").value_or(""), "image/jpeg");
  EXPECT_EQ(img.Header("cache-control").value_or(""), "max-age=604800");
  ExpectSecurityHeaders(img, kStorefrontPolicy);
  ExpectProblem(c.Get(Url("/media/products/p1/missing.jpg")), 404);
  auto escape = c.Get(Url("/media/../conf/nginx.conf"));
  EXPECT_NE(escape.body.find("worker_processes"), 0u);
  EXPECT_EQ(escape.body.find("worker_processes"), std::string::npos);
}

}  // namespace
