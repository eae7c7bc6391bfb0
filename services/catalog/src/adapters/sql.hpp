// Small SQL helpers of the catalog's MariaDB adapters.
#pragma once
#include <boost/json.hpp>
#include <cstdlib>
#include <string>

#include "app/model.hpp"

namespace store::catalog::sql {

// "?,?,?" for an IN list (or a multi-row VALUES) of n values.
inline std::string Placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

// A variant's options column (a JSON object of strings) in their stored order; nothing for bad JSON.
inline VariantOptions VariantOptionsOf(const std::string& text) {
  VariantOptions out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, val] : v.as_object())
    if (val.is_string()) out.emplace_back(std::string(k), std::string(val.as_string()));
  return out;
}

// A DECIMAL column's text as a number.
inline double Decimal(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

}  // namespace store::catalog::sql
