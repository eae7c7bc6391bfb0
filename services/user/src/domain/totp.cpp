#include "domain/totp.hpp"

#include <sodium.h>

#include <cctype>
#include <stdexcept>

#include "store/auth/jws.hpp"
#include "store/auth/secrets.hpp"
#include "store/core/text.hpp"

namespace store::user {

namespace {
constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int Base32Value(char c) {
  c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string Base32Encode(std::string_view raw) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    const int v = Base32Value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<unsigned>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

std::string Hotp(std::string_view secret, std::uint64_t counter, int digits) {
  std::string message(8, '\0');
  for (int i = 7; i >= 0; --i, counter >>= 8) message[static_cast<std::size_t>(i)] = static_cast<char>(counter & 0xFF);
  const std::string mac = auth::HmacSha1(secret, message);
  const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(mac[i])); };
  const std::size_t offset = byte(mac.size() - 1) & 0x0F;  // dynamic truncation
  std::uint32_t value = ((byte(offset) & 0x7F) << 24) | (byte(offset + 1) << 16) | (byte(offset + 2) << 8) | byte(offset + 3);
  std::string code(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, value /= 10) code[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  return code;
}

std::optional<std::int64_t> MatchTotp(std::string_view secret, std::string_view code, std::int64_t unix_seconds,
                                      std::int64_t last_used) {
  std::string digits;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || digits.size() == kTotpDigits) return std::nullopt;
    digits += c;
  }
  if (digits.size() != kTotpDigits) return std::nullopt;
  const std::int64_t now = TotpStep(unix_seconds);
  std::optional<std::int64_t> matched;
  for (std::int64_t step = now - 1; step <= now + 1; ++step)  // every candidate compared: no early exit
    if (step > last_used && auth::SecureEquals(Hotp(secret, static_cast<std::uint64_t>(step)), digits)) matched = step;
  return matched;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  return "otpauth://totp/" + core::PercentEncode(issuer) + ":" + core::PercentEncode(account) + "?secret=" + Base32Encode(secret) +
         "&issuer=" + core::PercentEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

std::string NewRecoveryCode() {
  std::string code = Base32Encode(auth::RandomBytes(7)).substr(0, 10);  // 50 of the 56 bits
  for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return code.substr(0, 5) + "-" + code.substr(5);
}

std::optional<std::string> NormalizeRecoveryCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    if (Base32Value(c) < 0 || out.size() == 10) return std::nullopt;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (out.size() != 10) return std::nullopt;
  return out;
}

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  if (key_.size() != kKeyBytes) throw std::invalid_argument("a secret box key has 32 bytes");
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return auth::Base64UrlEncode(out);
}

core::Result<std::string> SecretBox::Open(std::string_view sealed) const {
  auto raw = auth::Base64UrlDecode(sealed);
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return core::Fail(core::Errc::internal, "a sealed secret is malformed");
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
  const std::size_t length = raw->size() - crypto_secretbox_NONCEBYTES;
  std::string plain(length - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + crypto_secretbox_NONCEBYTES, length,
                                 nonce, reinterpret_cast<const unsigned char*>(key_.data())) != 0)
    return core::Fail(core::Errc::internal, "a sealed secret does not open with the configured key (mfa.key_file)");
  return plain;
}

}  // namespace store::user
