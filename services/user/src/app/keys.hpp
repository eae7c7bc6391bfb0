// The signing key of access tokens and the public keys published at /.well-known/jwks.json.
// Loaded at start-up from files by adapters/key_files.hpp (LoadKeyRing); the use cases only sign
// with it. Immutable after start-up: safe to share between threads.
#pragma once

#include "store/auth/auth.hpp"

namespace store::user {

struct KeyRing {
  auth::SigningKey current;
  auth::KeySet public_keys;  // current + previous
};

}  // namespace store::user
