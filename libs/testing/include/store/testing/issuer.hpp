// TokenIssuer: the user service's part for a service under test started as a process: a fresh
// Ed25519 key, its JWKS served on 127.0.0.1 (point the service's auth.jwks_url at JwksUrl()), and
// access tokens signed with it (issuer storemicroservices, audience store, 10 minutes).
//
//   store::testing::TokenIssuer issuer;
//   env["CART_AUTH_JWKS_URL"] = issuer.JwksUrl();
//   auto bearer = issuer.Token("user-1");                 // roles {"customer"}
//   auto admin = issuer.Token("admin-1", {"admin"});
#pragma once

#include <string>
#include <vector>

#include "store/auth/jws.hpp"
#include "store/testing/server.hpp"

namespace store::testing {

class TokenIssuer {
 public:
  explicit TokenIssuer(const std::string& kid = "test-issuer");
  std::string JwksUrl() const { return jwks_.Url("/.well-known/jwks.json"); }
  // sub = subject, sid = "s-" + subject.
  std::string Token(const std::string& subject, std::vector<std::string> roles = {"customer"}) const;

 private:
  store::auth::SigningKey key_;
  TestServer jwks_;
};

}  // namespace store::testing
