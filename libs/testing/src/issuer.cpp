#include "store/testing/issuer.hpp"

#include <ctime>

#include "store/auth/tokens.hpp"
#include "store/http/router.hpp"

namespace store::testing {

namespace {

http::Router JwksRouter(const store::auth::SigningKey& key) {
  http::Router router;
  store::auth::KeySet keys;
  keys.Add(key.Public());
  router.Get("/.well-known/jwks.json", [jwks = keys.ToJwks()](http::Request&) -> boost::asio::awaitable<http::Response> {
    co_return http::Response::Json(200, jwks);
  });
  return router;
}

}  // namespace

TokenIssuer::TokenIssuer(const std::string& kid) : key_(store::auth::SigningKey::Generate(kid)), jwks_(JwksRouter(key_)) {}

std::string TokenIssuer::Token(const std::string& subject, std::vector<std::string> roles) const {
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  return store::auth::IssueAccessToken(key_, {.issuer = "storemicroservices", .audience = "store", .subject = subject,
                                              .session_id = "s-" + subject, .token_id = {}, .roles = std::move(roles),
                                              .issued_at = now, .expires_at = now + 600});
}

}  // namespace store::testing
