// Reading a catalog request: the JSON body as an object, typed fields with every error at once
// (problem+json "errors"), If-Match versions, integer path and query parameters; and answering
// with an ETag. Shared by the route files of http/.
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"
#include "store/http/message.hpp"

namespace store::catalog {

// Collects field errors while reading one JSON object.
class Fields {
 public:
  explicit Fields(const boost::json::object& body) : body_(body) {}
  bool Has(std::string_view key) const { return body_.contains(key); }
  bool IsNull(std::string_view key) const {
    auto* v = body_.if_contains(key);
    return v && v->is_null();
  }
  // A string of min..max bytes; a missing (or null) key is an error only when required.
  std::optional<std::string> String(std::string_view key, bool required, std::size_t min, std::size_t max);
  std::optional<std::int64_t> Int(std::string_view key, bool required, std::int64_t min, std::int64_t max);
  void Add(std::string_view field, std::string message) { errors_.push_back({std::string(field), std::move(message)}); }
  // Another object's errors under "<prefix>.<field>".
  void AddAll(std::string_view prefix, const std::vector<core::FieldError>& errors) {
    for (const auto& e : errors) Add(std::string(prefix) + "." + e.field, e.message);
  }
  std::vector<core::FieldError>& errors() { return errors_; }
  bool ok() const { return errors_.empty(); }
  core::Status Check(std::string_view what = "the request has invalid fields") const {
    if (errors_.empty()) return {};
    return std::unexpected(core::Error::Invalid(std::string(what), errors_));
  }

 private:
  const boost::json::object& body_;
  std::vector<core::FieldError> errors_;
};

core::Result<boost::json::object> BodyObject(const http::Request& req);
// If-Match: "7" / W/"7" -> 7; a value that is not a version never matches (-1); absent or * -> nullopt.
std::optional<std::int64_t> IfMatch(const http::Request& req);
// An optional integer query parameter (400 naming it when it is not one).
core::Result<std::int64_t> QueryInt(const http::Request& req, std::string_view name, std::int64_t def);
// A positive integer path parameter (404 otherwise: no such resource).
core::Result<std::int64_t> PathInt(const http::Request& req, std::string_view name);
http::Response JsonWithETag(int status, const boost::json::object& body, std::int64_t version);

}  // namespace store::catalog
