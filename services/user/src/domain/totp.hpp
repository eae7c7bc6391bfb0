// The second factor's rules: time-based one-time passwords (TOTP, RFC 6238: HMAC-SHA1, 30 s
// steps, 6 digits — what every authenticator app reads from an otpauth:// URI), recovery codes,
// and the secret's sealing at rest. Pure functions; no I/O, no clock (times are passed in).
// Thread-safety: free functions and an immutable SecretBox; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/core/result.hpp"

namespace store::user {

inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

// RFC 4648 base32, upper case, no padding (the form authenticator apps take); decoding ignores
// case, spaces and padding; nullopt for any other character.
std::string Base32Encode(std::string_view raw);
std::optional<std::string> Base32Decode(std::string_view text);

// HOTP (RFC 4226) value of `counter`, `digits` decimal digits with leading zeros.
std::string Hotp(std::string_view secret, std::uint64_t counter, int digits = kTotpDigits);
// The time step of a unix time.
inline std::int64_t TotpStep(std::int64_t unix_seconds) { return unix_seconds / kTotpStepSeconds; }
// The step `code` belongs to, when it is the code of the current step or of the one just before
// or after it (a phone's clock a little off) AND that step is later than `last_used` (a code
// works once: RFC 6238 §5.2); nullopt otherwise. `code` may contain spaces.
std::optional<std::int64_t> MatchTotp(std::string_view secret, std::string_view code, std::int64_t unix_seconds,
                                      std::int64_t last_used);
// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret);

// A recovery code: 10 base32 characters (50 random bits) shown as "xxxxx-xxxxx".
std::string NewRecoveryCode();
// What is stored and compared: lower case, without spaces or dashes; nullopt when it cannot be a
// recovery code (not 10 base32 characters).
std::optional<std::string> NormalizeRecoveryCode(std::string_view code);

// Seals secrets at rest (libsodium secretbox: XSalsa20-Poly1305) under a 32-byte key; a sealed
// value is base64(nonce || ciphertext). Open fails (internal) on a value sealed under another key
// or altered.
class SecretBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  // Throws std::invalid_argument unless the key has kKeyBytes bytes.
  explicit SecretBox(std::string key);
  std::string Seal(std::string_view plaintext) const;
  core::Result<std::string> Open(std::string_view sealed) const;

 private:
  std::string key_;
};

}  // namespace store::user
