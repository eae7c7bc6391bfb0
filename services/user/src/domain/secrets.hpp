// Password hashing of the user service: Argon2id (libsodium crypto_pwhash). Random tokens, their
// SHA-256 for storage and constant-time comparison are libs/auth's (store/auth/secrets.hpp).
// Thread-safety: free functions and an immutable PasswordHasher; safe from any thread.
// PasswordHasher calls are slow on purpose (tens of ms, >= 19 MiB): run them on a BlockingPool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/core/result.hpp"

namespace store::user {

// Calls sodium_init() once; throws when libsodium cannot start (start-up failure).
void InitSodium();

struct Argon2Params {
  std::uint64_t opslimit = 3;                 // t (passes); at least 2
  std::size_t memlimit = 64ull * 1024 * 1024;  // bytes; at least 19 MiB
};
inline constexpr std::uint64_t kMinArgon2Ops = 2;
inline constexpr std::size_t kMinArgon2Memory = 19ull * 1024 * 1024;

class PasswordHasher {
 public:
  // Parameters below the minimums are raised to them.
  explicit PasswordHasher(Argon2Params params);
  // "$argon2id$v=19$m=...,t=...,p=1$salt$hash" (a fresh random salt each time).
  core::Result<std::string> Hash(std::string_view password) const;
  bool Verify(std::string_view encoded, std::string_view password) const;
  // True when `encoded` was made with other parameters (rehash after a successful login).
  bool NeedsRehash(std::string_view encoded) const;
  const Argon2Params& params() const { return params_; }

 private:
  Argon2Params params_;
};

}  // namespace store::user
