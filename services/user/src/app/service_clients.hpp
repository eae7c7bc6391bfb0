// The OAuth 2.0 client-credentials grant (RFC 6749 §4.4): how one service gets an access token to
// call another (the order service reserving stock at the catalog). A configured client presents its
// id and secret and gets the shop's usual access token (libs/auth IssueAccessToken) with
// sub "service:<id>", sid "service:<id>" (no session row: never revoked by a logout; an operator
// can still cut a client off at once with the libs/auth revocation key of that sid), roles
// ["service"] and the short lifetime oauth.token_ttl. No refresh token: a service asks again.
//
// Ownership: borrows the KeyRing and the Clock (they outlive it); keeps the clients' secrets
// (loaded at start-up by adapters/key_files.hpp) only as SHA-256 digests. Thread-safety: immutable
// after construction; IssueToken may be called from any thread. Errors: unauthenticated (401) for
// an unknown client or a wrong secret, the same answer for both.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/keys.hpp"
#include "app/settings.hpp"
#include "store/core/clock.hpp"
#include "store/core/result.hpp"

namespace store::user {

// A client and its secret as read from its file.
struct ServiceClient {
  std::string id;
  std::string secret;
};

struct ServiceToken {
  std::string access_token;
  std::chrono::seconds expires_in{0};
};

class ServiceClients {
 public:
  static constexpr std::string_view kRole = "service";
  static constexpr std::string_view kSubjectPrefix = "service:";

  ServiceClients(const Settings& settings, const std::vector<ServiceClient>& clients, const KeyRing& keys,
                 const core::Clock& clock);

  // The access token for a client whose secret matches (compared in constant time, and as long for
  // an unknown client as for a known one).
  core::Result<ServiceToken> IssueToken(std::string_view client_id, std::string_view client_secret) const;

 private:
  const Settings& settings_;
  const KeyRing& keys_;
  const core::Clock& clock_;
  std::map<std::string, std::string, std::less<>> secret_digests_;  // client id -> SHA-256 of the secret
};

}  // namespace store::user
