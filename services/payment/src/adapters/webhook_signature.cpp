#include "adapters/webhook_signature.hpp"

#include <charconv>
#include <vector>

#include "store/auth/secrets.hpp"

namespace store::payment {

core::Status VerifySignature(std::string_view header, std::string_view body, std::string_view secret,
                             std::chrono::system_clock::time_point now, std::chrono::seconds tolerance) {
  std::optional<std::int64_t> t;
  std::string_view t_text;
  std::vector<std::string_view> signatures;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    auto name = part.substr(0, eq);
    auto value = part.substr(eq + 1);
    if (name == "t") {
      std::int64_t parsed = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (ec == std::errc() && end == value.data() + value.size()) t = parsed, t_text = value;
    } else if (name == "v1") {
      signatures.push_back(value);
    }
  }
  if (!t || signatures.empty()) return core::Fail(core::Error::Invalid("the webhook's signature header is missing or malformed"));
  auto age = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() - *t;
  if (age > tolerance.count() || age < -tolerance.count())
    return core::Fail(core::Error::Invalid("the webhook's timestamp is outside the tolerance"));
  std::string signed_payload(t_text);
  signed_payload += '.';
  signed_payload += body;
  auto expected = auth::HmacSha256Hex(secret, signed_payload);
  for (auto s : signatures)
    if (auth::SecureEquals(s, expected)) return {};
  return core::Fail(core::Error::Invalid("the webhook's signature does not match"));
}

std::string SignatureHeader(std::string_view body, std::string_view secret, std::int64_t t) {
  std::string signed_payload = std::to_string(t) + "." + std::string(body);
  return "t=" + std::to_string(t) + ",v1=" + auth::HmacSha256Hex(secret, signed_payload);
}

}  // namespace store::payment
