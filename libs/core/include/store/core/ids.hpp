// Strong id types: an OrderId cannot be passed where a UserId is expected.
//   struct UserTag {}; using UserId = store::core::Id<UserTag>;
// NewUuid() makes a random RFC 4122 v4 id (used for event ids, request ids, aggregate ids).
#pragma once

#include <compare>
#include <functional>
#include <string>
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

// A random v4 UUID in canonical text form (from the OS random source).
std::string NewUuid();
// 16 random bytes as 32 lowercase hex characters (W3C trace ids, request ids).
std::string RandomHex(std::size_t bytes);

}  // namespace store::core

template <class Tag, class Rep>
struct std::hash<store::core::Id<Tag, Rep>> {
  std::size_t operator()(const store::core::Id<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
