#include "store/core/ids.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace store::core {
namespace {
constexpr char kHex[] = "0123456789abcdef";

// xoshiro256** (Blackman & Vigna): fast, 2^256 period, per thread so no locking.
class Xoshiro256 {
 public:
  Xoshiro256() {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(s_), sizeof s_) != 1) throw std::runtime_error("RAND_bytes failed");
  }
  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

void FillRandom(unsigned char* out, std::size_t n) {
  thread_local Xoshiro256 rng;
  while (n > 0) {
    std::uint64_t v = rng.Next();
    std::size_t take = n < 8 ? n : 8;
    std::memcpy(out, &v, take);
    out += take;
    n -= take;
  }
}
}  // namespace

std::string RandomHex(std::size_t bytes) {
  std::string out(bytes * 2, '0');
  unsigned char raw[64];
  for (std::size_t done = 0; done < bytes;) {
    std::size_t n = bytes - done < sizeof raw ? bytes - done : sizeof raw;
    FillRandom(raw, n);
    for (std::size_t i = 0; i < n; ++i) {
      out[2 * (done + i)] = kHex[raw[i] >> 4];
      out[2 * (done + i) + 1] = kHex[raw[i] & 0xF];
    }
    done += n;
  }
  return out;
}

std::string NewUuid() {
  std::array<unsigned char, 16> b{};
  FillRandom(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xF]);
  }
  return out;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return true;
}

}  // namespace store::core
