#include "app/service_clients.hpp"

#include "store/auth/secrets.hpp"
#include "store/auth/tokens.hpp"
#include "store/core/ids.hpp"

namespace store::user {

ServiceClients::ServiceClients(const Settings& settings, const std::vector<ServiceClient>& clients, const KeyRing& keys,
                               const core::Clock& clock)
    : settings_(settings), keys_(keys), clock_(clock) {
  for (const auto& c : clients) secret_digests_[c.id] = auth::Sha256(c.secret);
}

core::Result<ServiceToken> ServiceClients::IssueToken(std::string_view client_id, std::string_view client_secret) const {
  // Digests of equal length, so SecureEquals compares every byte whatever the secrets' lengths; an
  // unknown client is compared with a digest nothing matches, so it takes as long.
  static const std::string kNoClient(32, '\0');
  auto it = secret_digests_.find(client_id);
  const std::string& expected = it != secret_digests_.end() ? it->second : kNoClient;
  bool match = auth::SecureEquals(auth::Sha256(client_secret), expected);
  if (it == secret_digests_.end() || !match)
    return core::Fail(core::Errc::unauthenticated, "unknown client or wrong client secret");

  auth::AccessClaims claims;
  claims.issuer = settings_.auth.issuer;
  claims.audience = settings_.auth.audience;
  claims.subject = std::string(kSubjectPrefix) + it->first;
  claims.session_id = claims.subject;
  claims.token_id = core::NewUuid();
  claims.roles = {std::string(kRole)};
  claims.issued_at = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  claims.expires_at = claims.issued_at + settings_.service_token_ttl.count();
  return ServiceToken{auth::IssueAccessToken(keys_.current, claims), settings_.service_token_ttl};
}

}  // namespace store::user
