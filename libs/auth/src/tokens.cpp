#include "store/auth/tokens.hpp"

#include <algorithm>
#include <array>

#include "store/core/ids.hpp"

namespace store::auth {
namespace {

core::Error Unauthenticated(std::string reason) { return {core::Errc::unauthenticated, std::move(reason)}; }

std::string StringOr(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::int64_t> IntOf(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return std::nullopt;
}

bool AudienceMatches(const boost::json::value* aud, std::string_view expected) {
  if (!aud) return false;
  if (aud->is_string()) return aud->as_string() == expected;
  if (aud->is_array())
    return std::any_of(aud->as_array().begin(), aud->as_array().end(),
                       [&](const boost::json::value& a) { return a.is_string() && a.as_string() == expected; });
  return false;
}

}  // namespace

bool AccessClaims::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string IssueAccessToken(const SigningKey& key, const AccessClaims& c) {
  boost::json::array roles;
  for (const auto& r : c.roles) roles.emplace_back(r);
  boost::json::object payload{{"iss", c.issuer}, {"aud", c.audience}, {"sub", c.subject}, {"sid", c.session_id},
                              {"jti", c.token_id.empty() ? core::RandomHex(16) : c.token_id},
                              {"roles", std::move(roles)}, {"iat", c.issued_at}, {"exp", c.expires_at}};
  return key.Sign(payload);
}

core::Result<AccessClaims> VerifyAccessToken(std::string_view token, const KeySet& keys, const TokenPolicy& policy,
                                             std::chrono::system_clock::time_point now) {
  static constexpr std::array kAllowed{Alg::EdDSA};
  auto payload = VerifyJws(token, keys, kAllowed);
  if (!payload) return std::unexpected(payload.error());
  const auto& p = *payload;
  const std::int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t leeway = policy.leeway.count();

  if (StringOr(p, "iss") != policy.issuer) return std::unexpected(Unauthenticated("token issuer is not accepted"));
  if (!AudienceMatches(p.if_contains("aud"), policy.audience)) return std::unexpected(Unauthenticated("token audience is not accepted"));
  auto exp = IntOf(p, "exp");
  if (!exp) return std::unexpected(Unauthenticated("token has no expiry"));
  if (*exp + leeway <= t) return std::unexpected(Unauthenticated("token expired"));
  if (auto nbf = IntOf(p, "nbf"); nbf && *nbf - leeway > t) return std::unexpected(Unauthenticated("token not valid yet"));
  auto iat = IntOf(p, "iat");
  if (iat && *iat - leeway > t) return std::unexpected(Unauthenticated("token issued in the future"));

  AccessClaims c;
  c.issuer = policy.issuer;
  c.audience = policy.audience;
  c.subject = StringOr(p, "sub");
  c.session_id = StringOr(p, "sid");
  c.token_id = StringOr(p, "jti");
  c.issued_at = iat.value_or(0);
  c.expires_at = *exp;
  if (c.subject.empty() || c.session_id.empty()) return std::unexpected(Unauthenticated("token lacks sub or sid"));
  if (auto* roles = p.if_contains("roles"); roles && roles->is_array())
    for (const auto& r : roles->as_array())
      if (r.is_string()) c.roles.emplace_back(r.as_string());
  return c;
}

}  // namespace store::auth
