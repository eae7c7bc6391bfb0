#include "store/auth/authenticator.hpp"

#include <mutex>

#include "store/cache/cache.hpp"
#include "store/config/config.hpp"
#include "store/http/client.hpp"
#include "store/http/message.hpp"
#include "store/log/log.hpp"

namespace store::auth {

using core::Errc;
using core::Error;

std::string RevocationKey(std::string_view session_id) { return "auth:revoked:sid:" + std::string(session_id); }

boost::asio::awaitable<core::Status> RevokeSession(cache::Cache& redis, std::string session_id, std::chrono::seconds ttl) {
  std::string key = RevocationKey(session_id);
  std::optional<std::chrono::milliseconds> life = std::chrono::milliseconds(std::max<std::int64_t>(ttl.count(), 1) * 1000);
  co_return co_await redis.Set(std::move(key), "1", life);
}

boost::asio::awaitable<core::Result<bool>> IsSessionRevoked(cache::Cache& redis, std::string session_id) {
  std::string key = RevocationKey(session_id);
  auto value = co_await redis.Get(std::move(key));
  if (!value) co_return std::unexpected(Error::Unavailable("revocation list unavailable: " + value.error().message));
  co_return value->has_value();
}

AuthOptions AuthOptions::Declare(config::Loader& cfg) {
  AuthOptions o;
  o.issuer = cfg.String("auth.issuer", o.issuer, "Expected iss of access tokens");
  o.audience = cfg.String("auth.audience", o.audience, "Expected aud of access tokens");
  o.jwks_url = cfg.String("auth.jwks_url", "http://127.0.0.1:18100/.well-known/jwks.json",
                          "Where the user service publishes its public keys (JWKS); empty: keys set in code");
  o.jwks_refresh = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("auth.jwks_refresh", o.jwks_refresh, "How often the JWKS is fetched again"));
  o.leeway = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("auth.leeway", o.leeway, "Clock skew tolerated on exp/iat/nbf"));
  return o;
}

struct Authenticator::Impl {
  Impl(AuthOptions o, cache::Cache* r, const core::Clock& c) : options(std::move(o)), revocations(r), clock(c) {}
  AuthOptions options;
  cache::Cache* revocations;
  const core::Clock& clock;
  http::Client client{http::ClientOptions{}};
  mutable std::mutex mu;
  std::shared_ptr<const KeySet> keys = std::make_shared<KeySet>();
  core::Clock::time_point fetched_at{};
  core::Clock::time_point unknown_kid_refresh_at{};

  std::shared_ptr<const KeySet> Keys() const {
    std::lock_guard lock(mu);
    return keys;
  }
};

Authenticator::Authenticator(AuthOptions options, cache::Cache* revocations, const core::Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), revocations, clock)) {}

Authenticator::~Authenticator() = default;

void Authenticator::SetKeys(KeySet keys) {
  std::lock_guard lock(impl_->mu);
  impl_->keys = std::make_shared<KeySet>(std::move(keys));
  impl_->fetched_at = impl_->clock.Now();
}

boost::asio::awaitable<core::Status> Authenticator::RefreshKeys() {
  if (impl_->options.jwks_url.empty()) co_return core::Status{};
  std::string url = impl_->options.jwks_url;
  auto response = co_await impl_->client.Get(std::move(url));
  if (!response) co_return std::unexpected(Error::Unavailable("JWKS fetch failed: " + response.error().message));
  if (response->status != 200) co_return std::unexpected(Error::Unavailable("JWKS fetch answered " + std::to_string(response->status)));
  CO_TRY(json, response->Json());
  auto set = KeySet::FromJwks(json);
  if (!set) co_return std::unexpected(Error::Unavailable("JWKS unusable: " + set.error().message));
  SetKeys(std::move(*set));
  co_return core::Status{};
}

boost::asio::awaitable<core::Result<AccessClaims>> Authenticator::VerifyToken(std::string token) {
  auto now = impl_->clock.Now();
  bool stale = false;
  {
    std::lock_guard lock(impl_->mu);
    stale = !impl_->options.jwks_url.empty() &&
            (impl_->keys->size() == 0 || now - impl_->fetched_at > impl_->options.jwks_refresh);
  }
  if (stale) {
    auto refreshed = co_await RefreshKeys();
    if (!refreshed) {
      if (impl_->Keys()->size() == 0) co_return std::unexpected(refreshed.error());
      log::Warn("JWKS refresh failed; keeping the keys we have", {{"error", refreshed.error().message}});
    }
  }
  // A kid we do not know: perhaps the user service rotated its key. Fetch once, at most every 10 s.
  if (auto header = DecodeJwsPart(token, 0); header && !impl_->options.jwks_url.empty()) {
    auto* kid = header->if_contains("kid");
    bool unknown = kid && kid->is_string() && !impl_->Keys()->Find(kid->as_string());
    bool may_fetch = false;
    if (unknown) {
      std::lock_guard lock(impl_->mu);
      if (now - impl_->unknown_kid_refresh_at > std::chrono::seconds(10)) {
        impl_->unknown_kid_refresh_at = now;
        may_fetch = true;
      }
    }
    if (may_fetch) (void)co_await RefreshKeys();
  }
  TokenPolicy policy{.issuer = impl_->options.issuer, .audience = impl_->options.audience, .leeway = impl_->options.leeway};
  auto keys = impl_->Keys();
  CO_TRY(claims, VerifyAccessToken(token, *keys, policy, now));
  if (impl_->revocations) {
    CO_TRY(revoked, co_await IsSessionRevoked(*impl_->revocations, claims.session_id));
    if (revoked) co_return std::unexpected(Error{Errc::unauthenticated, "session revoked"});
  }
  co_return claims;
}

boost::asio::awaitable<core::Result<AccessClaims>> Authenticator::Authenticate(const http::Request& request) {
  std::string_view header = request.Header("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  bool bearer = header.size() > kScheme.size();
  for (std::size_t i = 0; bearer && i < kScheme.size(); ++i)
    bearer = std::tolower(static_cast<unsigned char>(header[i])) == kScheme[i];
  if (!bearer) co_return std::unexpected(Error{Errc::unauthenticated, "a bearer token is required"});
  std::string token(header.substr(kScheme.size()));
  co_return co_await VerifyToken(std::move(token));
}

boost::asio::awaitable<core::Result<AccessClaims>> Authenticator::RequireRole(const http::Request& request,
                                                                              std::string_view role) {
  CO_TRY(claims, co_await Authenticate(request));
  if (!claims.HasRole(role)) co_return std::unexpected(Error{Errc::forbidden, "this needs the " + std::string(role) + " role"});
  co_return claims;
}

Guard RoleGuard(Authenticator& authenticator, std::string role) {
  return [&authenticator, role = std::move(role)](const http::Request& req) -> boost::asio::awaitable<core::Result<AccessClaims>> {
    co_return co_await authenticator.RequireRole(req, role);
  };
}

}  // namespace store::auth
