// Secrets shared by every service: random tokens from the OS's cryptographic source (OpenSSL
// RAND_bytes, never core's id generator, whose ids are unique but not secret), their SHA-256 for
// storage (a stored token hash is useless to whoever reads the database), and a constant-time
// comparison. The user service's refresh, reset and verification tokens and the cart service's
// guest cart tokens are made and stored this way; the payment service checks its providers'
// webhook signatures with HmacSha256Hex + SecureEquals; the user service's one-time passwords
// (RFC 6238) are HmacSha1 over RandomBytes.
// Thread-safety: free functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace store::auth {

// `bytes` random bytes, base64url without padding (32 bytes: 256 bits, 43 characters of
// [A-Za-z0-9-_]). Throws std::runtime_error when the random source fails.
std::string NewSecretToken(std::size_t bytes = 32);
// `bytes` raw random bytes from the same source.
std::string RandomBytes(std::size_t bytes);
// Raw SHA-256 (32 bytes).
std::string Sha256(std::string_view text);
// Lower-case hex SHA-256 (64 characters): what a database stores instead of a token.
std::string Sha256Hex(std::string_view text);
// Lower-case hex HMAC-SHA256 of `message` under `key` (webhook signatures: Stripe's v1 scheme).
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// Raw HMAC-SHA1 (20 bytes): the MAC of HOTP/TOTP (RFC 4226, 6238), which authenticator apps use.
std::string HmacSha1(std::string_view key, std::string_view message);
// Constant-time equality of two strings of the same length (false otherwise).
bool SecureEquals(std::string_view a, std::string_view b);

}  // namespace store::auth
