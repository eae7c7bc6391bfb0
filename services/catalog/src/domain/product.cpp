#include "domain/product.hpp"

#include <cctype>
#include <cmath>
#include <map>

namespace store::catalog {

std::string_view NameOf(ProductStatus status) {
  switch (status) {
    case ProductStatus::draft: return "draft";
    case ProductStatus::active: return "active";
    case ProductStatus::archived: return "archived";
  }
  return "draft";
}

std::optional<ProductStatus> ParseProductStatus(std::string_view text) {
  if (text == "draft") return ProductStatus::draft;
  if (text == "active") return ProductStatus::active;
  if (text == "archived") return ProductStatus::archived;
  return std::nullopt;
}

bool IsValidSku(std::string_view sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (char ch : sku)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')) return false;
  return true;
}

std::string_view NameOf(SpecKind kind) {
  switch (kind) {
    case SpecKind::number: return "number";
    case SpecKind::text: return "text";
    case SpecKind::boolean: return "bool";
  }
  return "text";
}

std::optional<SpecKind> ParseSpecKind(std::string_view text) {
  if (text == "number") return SpecKind::number;
  if (text == "text") return SpecKind::text;
  if (text == "bool") return SpecKind::boolean;
  return std::nullopt;
}

std::vector<SpecWrite> ValidateSpecs(const std::vector<SpecDef>& defs, const std::vector<std::pair<std::string, SpecInput>>& values,
                                     bool creating, std::vector<core::FieldError>& errors) {
  std::map<std::string, const SpecDef*, std::less<>> by_key;
  for (const auto& d : defs) by_key[d.key] = &d;
  std::vector<SpecWrite> writes;
  for (const auto& [key, value] : values) {
    std::string field = "specs." + key;
    auto def = by_key.find(key);
    if (def == by_key.end()) {
      errors.push_back({field, "is not a specification of this product type"});
      continue;
    }
    if (std::holds_alternative<std::nullptr_t>(value)) {
      if (def->second->required) errors.push_back({field, "is required"});
      else writes.push_back({key, {}, {}, {}, true});
      continue;
    }
    switch (def->second->kind) {
      case SpecKind::number:
        if (auto* d = std::get_if<double>(&value)) {
          if (!std::isfinite(*d) || std::fabs(*d) >= 1e14) errors.push_back({field, "is out of range"});
          else writes.push_back({key, *d, {}, {}});
        } else {
          errors.push_back({field, "must be a number"});
        }
        break;
      case SpecKind::boolean:
        if (auto* b = std::get_if<bool>(&value)) writes.push_back({key, {}, {}, *b});
        else errors.push_back({field, "must be true or false"});
        break;
      case SpecKind::text: {
        auto* s = std::get_if<std::string>(&value);
        if (!s || s->empty() || s->size() > 500) errors.push_back({field, "must be a string of 1..500 characters"});
        else writes.push_back({key, {}, *s, {}});
        break;
      }
    }
  }
  if (creating)
    for (const auto& d : defs) {
      bool given = false;
      for (const auto& v : values) given = given || v.first == d.key;
      if (d.required && !given) errors.push_back({"specs." + d.key, "is required"});
    }
  return writes;
}

std::vector<std::int64_t> PathIds(std::string_view path) {
  std::vector<std::int64_t> ids;
  std::int64_t cur = -1;
  for (char ch : path) {
    if (ch >= '0' && ch <= '9') cur = (cur < 0 ? 0 : cur * 10) + (ch - '0');
    else if (cur >= 0) {
      ids.push_back(cur);
      cur = -1;
    }
  }
  return ids;
}

std::string ChildPath(std::string_view parent_path, std::int64_t id) {
  return std::string(parent_path) + std::to_string(id) + "/";
}

std::int64_t TypeUsage::ValuesOf(std::string_view key) const {
  for (const auto& [k, n] : values)
    if (k == key) return n;
  return 0;
}

void CheckTypeChange(const std::vector<SpecDef>& current, const std::vector<SpecDef>& next, const TypeUsage& usage,
                     std::vector<core::FieldError>& errors) {
  auto counted = [](std::int64_t n) { return std::to_string(n) + (n == 1 ? " product has" : " products have"); };
  for (const auto& old : current) {
    bool kept = false;
    for (const auto& d : next) kept = kept || d.key == old.key;
    if (const auto n = usage.ValuesOf(old.key); !kept && n > 0)
      errors.push_back({"specs", counted(n) + " a value for '" + old.key + "': it cannot be removed"});
  }
  for (std::size_t i = 0; i < next.size(); ++i) {
    const SpecDef& d = next[i];
    const std::string at = "specs[" + std::to_string(i) + "]";
    const std::int64_t n = usage.ValuesOf(d.key);
    const SpecDef* old = nullptr;
    for (const auto& c : current)
      if (c.key == d.key) old = &c;
    if (old && old->kind != d.kind && n > 0)
      errors.push_back({at + ".kind", counted(n) + " a " + std::string(NameOf(old->kind)) + " value for it: its kind cannot change"});
    if (d.required && (!old || !old->required) && n < usage.products)
      errors.push_back({at + ".required", std::to_string(usage.products - n) + " of the type's " + std::to_string(usage.products) +
                                              " products have no value for it: give them one first"});
  }
}

}  // namespace store::catalog
