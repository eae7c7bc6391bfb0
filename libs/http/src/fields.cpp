#include "store/http/fields.hpp"

#include <boost/json.hpp>
#include <climits>

#include "store/core/text.hpp"

namespace store::http {

using core::Error;

core::Result<boost::json::object> ObjectBody(const Request& req, std::initializer_list<std::string_view> allowed,
                                             bool may_be_empty) {
  if (may_be_empty && req.body().empty()) return boost::json::object{};
  TRY(value, req.Json());
  if (!value.is_object()) return core::Fail(Error::Invalid("the body must be a JSON object"));
  if (allowed.size() > 0) {
    std::vector<core::FieldError> unknown;
    for (const auto& kv : value.as_object()) {
      bool known = false;
      for (auto name : allowed) known = known || name == kv.key();
      if (!known) unknown.push_back({std::string(kv.key()), "is not a field of this request"});
    }
    if (!unknown.empty()) return core::Fail(Error::Invalid("unknown fields", std::move(unknown)));
  }
  return std::move(value.as_object());
}

bool Fields::IsNull(std::string_view key) const {
  const auto* v = body_.if_contains(key);
  return v && v->is_null();
}

const boost::json::value* Fields::Find(std::string_view key, bool required) {
  const auto* v = body_.if_contains(key);
  if (v && !v->is_null()) return v;
  if (required) Add(key, "is required");
  return nullptr;
}

std::optional<std::string> Fields::String(std::string_view key, bool required, std::size_t min, std::size_t max) {
  const auto* v = Find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Add(key, "must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  auto n = core::Utf8Length(s);
  if (!n) {
    Add(key, "must be valid UTF-8");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    if (s.empty()) Add(key, "must not be empty");
    else if (min == 0) Add(key, "must have at most " + std::to_string(max) + " characters");
    else Add(key, "must have " + std::to_string(min) + ".." + std::to_string(max) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Fields::Text(std::string_view key, bool required, std::size_t min, std::size_t max) {
  auto s = String(key, required, min, max);
  if (!s) return s;
  for (unsigned char c : *s)
    if (c < 0x20 || c == 0x7F) {
      Add(key, "must not contain control characters");
      return std::nullopt;
    }
  return s;
}

std::optional<std::int64_t> Fields::Int(std::string_view key, bool required, std::int64_t min, std::int64_t max) {
  const auto* v = Find(key, required);
  if (!v) return std::nullopt;
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

std::optional<bool> Fields::Bool(std::string_view key) {
  const auto* v = body_.if_contains(key);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    Add(key, "must be true or false");
    return std::nullopt;
  }
  return v->as_bool();
}

void Fields::AddAll(std::string_view prefix, const std::vector<core::FieldError>& errors) {
  for (const auto& e : errors) Add(std::string(prefix) + "." + e.field, e.message);
}

core::Status Fields::Check(std::string_view what) const {
  if (errors_.empty()) return {};
  return core::Fail(Error::Invalid(std::string(what), errors_));
}

}  // namespace store::http
