#include "domain/secrets.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace store::user {

void InitSodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

PasswordHasher::PasswordHasher(Argon2Params params) : params_(params) {
  params_.opslimit = std::max<std::uint64_t>(params_.opslimit, kMinArgon2Ops);
  params_.memlimit = std::max<std::size_t>(params_.memlimit, kMinArgon2Memory);
}

core::Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params_.opslimit, params_.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return core::Fail(core::Errc::unavailable, "argon2id: out of memory");
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view encoded, std::string_view password) const {
  std::string enc(encoded);  // NUL-terminated copy
  return crypto_pwhash_str_verify(enc.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view encoded) const {
  std::string enc(encoded);
  return crypto_pwhash_str_needs_rehash(enc.c_str(), params_.opslimit, params_.memlimit) != 0;
}

}  // namespace store::user
