// Product and category rules: statuses, SKUs, typed specifications checked against the product
// type's definitions, the materialised category path. Pure: no I/O, no JSON.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "store/core/result.hpp"

namespace store::catalog {

enum class ProductStatus { draft, active, archived };
std::string_view NameOf(ProductStatus status);
std::optional<ProductStatus> ParseProductStatus(std::string_view text);

// 1..64 of letters, digits, - _ .
bool IsValidSku(std::string_view sku);

// --- specifications --------------------------------------------------------------------------
enum class SpecKind { number, text, boolean };
std::string_view NameOf(SpecKind kind);  // "number" | "text" | "bool" (as stored and published)
std::optional<SpecKind> ParseSpecKind(std::string_view text);

struct SpecDef {
  std::string key;
  SpecKind kind = SpecKind::text;
  bool required = false;
};

// A spec value as a client sent it: null (remove), a number, a string, a boolean, or something
// else (an array or object: always wrong).
struct OtherValue {
  bool operator==(const OtherValue&) const = default;
};
using SpecInput = std::variant<std::nullptr_t, double, std::string, bool, OtherValue>;

// One change to a product's specs: a typed value, or the removal of an optional one.
struct SpecWrite {
  std::string key;
  std::optional<double> number;
  std::optional<std::string> text;
  std::optional<bool> flag;
  bool remove = false;
};

// Checks `values` against the type's `defs` (unknown key, wrong kind, a required one missing on
// create or set to null, numbers finite and below 1e14, text 1..500): field errors "specs.<key>"
// are appended to `errors`; the writes are meaningful only when no error was added.
std::vector<SpecWrite> ValidateSpecs(const std::vector<SpecDef>& defs, const std::vector<std::pair<std::string, SpecInput>>& values,
                                     bool creating, std::vector<core::FieldError>& errors);

// What the products of one type hold: how many there are, and per spec key how many have a value.
struct TypeUsage {
  std::int64_t products = 0;
  std::vector<std::pair<std::string, std::int64_t>> values;  // spec key -> products with a value
  std::int64_t ValuesOf(std::string_view key) const;
};

// A product type's specification list replaced by `next`, checked against what its products
// hold; field errors "specs[i].<field>" (or "specs" for a removed key) are appended to `errors`:
// a key that products have values for is not removed and keeps its kind; a field is required
// (new, or made so) only when every product of the type has a value for it. Names, units, the
// order and making a field optional always may change.
void CheckTypeChange(const std::vector<SpecDef>& current, const std::vector<SpecDef>& next, const TypeUsage& usage,
                     std::vector<core::FieldError>& errors);

// --- categories --------------------------------------------------------------------------------
// The tree is stored as a materialised path of ids: "/1/4/17/" (root first).
std::vector<std::int64_t> PathIds(std::string_view path);
std::string ChildPath(std::string_view parent_path, std::int64_t id);  // "/" for a root's parent
// True when a category at `own_path` would move under itself (the new parent is it or below it).
inline bool IsSelfOrDescendant(std::string_view candidate_path, std::string_view own_path) {
  return candidate_path.starts_with(own_path);
}

}  // namespace store::catalog
