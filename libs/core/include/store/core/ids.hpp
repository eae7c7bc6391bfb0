// Strong id types: an OrderId cannot be passed where a UserId is expected.
//   struct UserTag {}; using UserId = store::core::Id<UserTag>;
// NewUuid() makes a random RFC 4122 v4 id (used for event ids, request ids, aggregate ids).
#pragma once

#include <compare>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace store::core {

template <class Tag, class Rep = std::string>
class Id {
 public:
  Id() = default;
  explicit Id(Rep value) : value_(std::move(value)) {}
  const Rep& value() const { return value_; }
  auto operator<=>(const Id&) const = default;

 private:
  Rep value_{};
};

// Ids here are UNIQUE, not SECRET: they come from a per-thread xoshiro256** generator seeded
// from the OS random source (an OpenSSL call per id was the largest cost of a trivial request).
// Secrets (session, reset and verification tokens) use libsodium's randombytes instead.

// A random v4 UUID in canonical text form.
std::string NewUuid();
// True for the canonical 8-4-4-4-12 hex form (either case); the one UUID check of the project.
bool IsUuid(std::string_view text);
// `bytes` random bytes as lowercase hex (W3C trace ids: 16, span ids: 8, request ids).
std::string RandomHex(std::size_t bytes);

}  // namespace store::core

template <class Tag, class Rep>
struct std::hash<store::core::Id<Tag, Rep>> {
  std::size_t operator()(const store::core::Id<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
