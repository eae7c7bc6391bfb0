// The JSON spelling of the catalog's values, shared by the HTTP DTOs (http/dto.cpp) and the event
// payloads (adapters/outbox_events.cpp), so a price or a spec reads the same on both.
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <string_view>
#include <variant>

#include "app/model.hpp"

namespace store::catalog {

// {"minor": 1999, "currency": "EUR"}
inline boost::json::object MoneyJson(std::int64_t minor, std::string_view currency) {
  return {{"minor", minor}, {"currency", currency}};
}

// A spec value: a number (an integer when it has no fraction), a string, a bool, or null.
inline boost::json::value SpecValueJson(const SpecValue& v) {
  if (auto* d = std::get_if<double>(&v)) {
    if (*d == static_cast<double>(static_cast<std::int64_t>(*d)) && *d > -9e15 && *d < 9e15) return static_cast<std::int64_t>(*d);
    return *d;
  }
  if (auto* s = std::get_if<std::string>(&v)) return boost::json::string(*s);
  if (auto* b = std::get_if<bool>(&v)) return *b;
  return nullptr;
}

inline boost::json::object OptionsJson(const VariantOptions& options) {
  boost::json::object o;
  for (const auto& [k, v] : options) o[k] = v;
  return o;
}

inline boost::json::array CrumbsJson(const std::vector<CategoryRef>& crumbs) {
  boost::json::array a;
  for (const auto& c : crumbs) a.push_back(boost::json::object{{"id", c.id.value()}, {"slug", c.slug}, {"name", c.name}});
  return a;
}

inline boost::json::value OptionalBrandJson(const std::optional<Brand>& b) {
  if (!b) return nullptr;
  return boost::json::object{{"id", b->id}, {"name", b->name}, {"slug", b->slug}};
}

}  // namespace store::catalog
