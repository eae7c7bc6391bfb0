// Small helpers shared by the catalog's use cases (JSON fields, validation errors, SQL lists).
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"
#include "store/db/db.hpp"

namespace store::catalog::util {

using core::FieldError;

// Collects field errors while validating one request body.
class Fields {
 public:
  explicit Fields(const boost::json::object& body) : body_(body) {}
  bool Has(std::string_view key) const { return body_.contains(key); }
  bool IsNull(std::string_view key) const { auto* v = body_.if_contains(key); return v && v->is_null(); }
  // A string of min..max characters (bytes); a missing key is an error only when required.
  std::optional<std::string> String(std::string_view key, bool required, std::size_t min, std::size_t max) {
    const auto* v = body_.if_contains(key);
    if (!v || v->is_null()) {
      if (required) Add(key, "is required");
      return std::nullopt;
    }
    if (!v->is_string()) {
      Add(key, "must be a string");
      return std::nullopt;
    }
    std::string s(v->as_string());
    if (s.size() < min || s.size() > max) {
      Add(key, "must be " + std::to_string(min) + ".." + std::to_string(max) + " characters");
      return std::nullopt;
    }
    return s;
  }
  std::optional<std::int64_t> Int(std::string_view key, bool required, std::int64_t min, std::int64_t max) {
    const auto* v = body_.if_contains(key);
    if (!v || v->is_null()) {
      if (required) Add(key, "is required");
      return std::nullopt;
    }
    std::optional<std::int64_t> n;
    if (v->is_int64()) n = v->as_int64();
    else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(v->as_uint64());
    if (!n) {
      Add(key, "must be an integer");
      return std::nullopt;
    }
    if (*n < min || *n > max) {
      Add(key, "must be within " + std::to_string(min) + ".." + std::to_string(max));
      return std::nullopt;
    }
    return n;
  }
  void Add(std::string_view field, std::string message) { errors_.push_back({std::string(field), std::move(message)}); }
  std::vector<FieldError>& errors() { return errors_; }
  bool ok() const { return errors_.empty(); }
  core::Status Check(std::string_view what = "the request has invalid fields") const {
    if (errors_.empty()) return {};
    return std::unexpected(core::Error::Invalid(std::string(what), errors_));
  }

 private:
  const boost::json::object& body_;
  std::vector<FieldError> errors_;
};

inline boost::json::object MoneyJson(std::int64_t minor, std::string_view currency) {
  return {{"minor", minor}, {"currency", currency}};
}

// "?,?,?" for an IN list of n values.
inline std::string Placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

// A DECIMAL as a JSON number: an integer when it has no fraction.
inline boost::json::value DecimalJson(const std::string& text) {
  double d = std::strtod(text.c_str(), nullptr);
  if (d == static_cast<double>(static_cast<std::int64_t>(d)) && d > -9e15 && d < 9e15) return static_cast<std::int64_t>(d);
  return d;
}

// Ids in a materialised path "/1/4/17/" -> {1, 4, 17}.
inline std::vector<std::int64_t> PathIds(std::string_view path) {
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

}  // namespace store::catalog::util
