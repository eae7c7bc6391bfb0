// The client side of service-to-service credentials: a service's access token from the user
// service's OAuth 2.0 client-credentials grant (POST /v1/oauth/token, RFC 6749 §4.4), for calls to
// other services (the order service reserving stock at the catalog).
//
//   auto client = store::auth::ServiceClientOptions::Declare(cfg, "order");   // service_client.* keys
//   store::auth::ServiceTokenSource tokens(client, clock);
//   CO_TRY(token, co_await tokens.Token());                                 // cached, or fetched
//   request.headers.push_back({"Authorization", "Bearer " + token});
//   ... if the callee answers 401: tokens.Invalidate(); and try once more.
//
// The token is cached until `refresh_before` its expiry (at most half its lifetime), so callers
// never send one about to expire; concurrent callers share one fetch. The client secret is read
// from `client_secret_file` at each fetch (a fresh install's file may appear after this service
// started; a rotated secret is picked up), and sent with HTTP Basic (client_secret_basic).
//
// Errors: the secret file cannot be read, the token endpoint cannot be reached or answers 5xx:
// unavailable (503, transient); it answers too slowly: timeout; it refuses the client (a wrong
// secret or client id: configuration) or answers nonsense: internal (500). Each is logged once per
// fetch. Never unauthenticated: a refused service credential is not the caller's fault.
//
// Thread-safety: Token and Invalidate may be called concurrently, from coroutines on any threads and
// io_contexts (each fetch makes its own HTTP client, so no connection outlives its io_context: a
// periodic round on an io_context of its own may ask for the token).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "store/core/clock.hpp"
#include "store/core/result.hpp"
#include "store/log/log.hpp"

namespace store::config { class Loader; }
namespace store::http { class Client; }

namespace store::auth {

struct ServiceClientOptions {
  std::string token_url = "http://127.0.0.1:18100/v1/oauth/token";
  std::string client_id;
  std::string client_secret_file;
  std::chrono::seconds refresh_before{60};
  std::chrono::milliseconds timeout{5'000};  // connect and read, each

  // Declares service_client.token_url, service_client.id (default `default_id`) and
  // service_client.secret_file (default $STORE_STATE/service-clients/<id>.secret, else
  // .state/service-clients/<id>.secret: where the user service creates a development secret).
  static ServiceClientOptions Declare(config::Loader& cfg, const std::string& default_id = "");
  // The well-known default secret file of a client: <$STORE_STATE or .state>/service-clients/<id>.secret.
  static std::string DefaultSecretFile(const std::string& client_id);
};

class ServiceTokenSource {
 public:
  ServiceTokenSource(ServiceClientOptions options, const core::Clock& clock);
  ~ServiceTokenSource();
  ServiceTokenSource(const ServiceTokenSource&) = delete;
  ServiceTokenSource& operator=(const ServiceTokenSource&) = delete;

  // The bearer token (without "Bearer "): the cached one while it has more than refresh_before to
  // live, else a new one (one fetch at a time; concurrent callers wait for it and share its result).
  boost::asio::awaitable<core::Result<std::string>> Token(const log::Context* context = nullptr);
  // Forgets the cached token (after a 401 from the callee: e.g. keys rotated, the session revoked).
  void Invalidate();
  // Fetches made so far (tests, metrics).
  std::uint64_t fetches() const;

 private:
  struct Fetched {
    std::string token;
    std::chrono::seconds expires_in{0};
  };
  boost::asio::awaitable<core::Result<Fetched>> Fetch(const log::Context* context);

  const ServiceClientOptions options_;
  const core::Clock& clock_;
  mutable std::mutex mu_;
  std::string token_;                       // empty: none cached
  core::Clock::time_point refresh_at_{};    // when the cached token is to be replaced
  bool fetching_ = false;                   // a fetch is on its way
  std::uint64_t generation_ = 0;            // fetches finished
  std::optional<core::Error> last_error_;   // the last finished fetch's error
};

}  // namespace store::auth
