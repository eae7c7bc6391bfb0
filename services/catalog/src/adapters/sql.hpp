// Small SQL helpers of the catalog's MariaDB adapters.
#pragma once
#include <cstdlib>
#include <string>

namespace store::catalog::sql {

// "?,?,?" for an IN list (or a multi-row VALUES) of n values.
inline std::string Placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

// A DECIMAL column's text as a number.
inline double Decimal(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

}  // namespace store::catalog::sql
