// The signing key of access tokens and the public keys published at /.well-known/jwks.json.
// kid = RFC 7638 JWK thumbprint of the public key (stable across restarts, distinct per key).
// Rotation: put the new key in auth.signing_key_file and the old public key(s) in
// auth.previous_keys_file (a JWKS): tokens signed by the old key stay verifiable until they expire.
#pragma once

#include <string>

#include "app/settings.hpp"
#include "store/auth/auth.hpp"

namespace store::user {

struct KeyRing {
  auth::SigningKey current;
  auth::KeySet public_keys;  // current + previous
};

// RFC 7638 thumbprint (base64url SHA-256 of the canonical required members).
std::string JwkThumbprint(const boost::json::object& jwk);
// Loads (or, in development, creates) the signing key; throws std::runtime_error on failure.
KeyRing LoadKeyRing(const Settings& settings);

}  // namespace store::user
