// The KeyRing from files, at start-up. kid = RFC 7638 JWK thumbprint of the public key (stable
// across restarts, distinct per key). Rotation: put the new key in auth.signing_key_file and the
// old public key(s) in auth.previous_keys_file (a JWKS): tokens signed by the old key stay
// verifiable until they expire. Without a key file, in development, auth.dev_key_file is created
// once and reused.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "app/keys.hpp"
#include "app/service_clients.hpp"
#include "app/settings.hpp"

namespace store::user {

// RFC 7638 thumbprint (base64url SHA-256 of the canonical required members).
std::string JwkThumbprint(const boost::json::object& jwk);
// Loads (or, in development, creates) the signing key; throws std::runtime_error on failure.
KeyRing LoadKeyRing(const Settings& settings);
// The key sealing TOTP secrets (mfa.key_file; in development mfa.dev_key_file, created once);
// throws std::runtime_error when it is missing or not 32 bytes of base64.
std::string LoadMfaKey(const Settings& settings);
// The secrets of the client-credentials grant's clients (oauth.client.<id>.secret_file; a missing
// file is created once with 256 random bits when auth.generate_dev_key is on: development, where
// the calling service reads the same file); throws std::runtime_error when one is missing or
// shorter than 32 characters.
std::vector<ServiceClient> LoadServiceClients(const Settings& settings);

}  // namespace store::user
