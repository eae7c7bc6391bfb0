// Reading a JSON request body, the one way for every service: the body as an object (400 when it
// is not one; with a field list, any other field is a 400 naming it, so a "roles" smuggled into a
// body is refused, never applied), and typed field readers that collect every field error, so a
// client gets one 400 problem+json naming all its bad fields at once ("errors":[{field,message}]).
//
//   TRY(body, http::ObjectBody(req, {"name", "slug"}));
//   http::Fields f(body);
//   auto name = f.String("name", true, 1, 200);      // required, 1..200 characters
//   auto slug = f.String("slug", false, 1, 120);     // optional
//   if (slug && !ValidSlug(*slug)) f.Add("slug", "must be lowercase letters, digits and dashes");
//   TRY_STATUS(f.Check());
//
// Lengths are characters (code points), as the databases' VARCHAR columns count them. A missing
// key and a JSON null read the same (nullopt; an error only when required); IsNull tells them
// apart where null means "clear it".
// Thread-safety: a Fields is per request; it refers to the object it reads (keep it alive).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"
#include "store/http/message.hpp"

namespace store::http {

// The request's JSON body as an object. `allowed` empty: any field; otherwise every other field
// is a 400 naming it. `may_be_empty`: an empty body reads as {}.
core::Result<boost::json::object> ObjectBody(const Request& req, std::initializer_list<std::string_view> allowed = {},
                                             bool may_be_empty = false);

class Fields {
 public:
  explicit Fields(const boost::json::object& body) : body_(body) {}

  bool Has(std::string_view key) const { return body_.contains(key); }
  bool IsNull(std::string_view key) const;
  // A string of min..max characters (valid UTF-8: JSON text always is).
  std::optional<std::string> String(std::string_view key, bool required, std::size_t min, std::size_t max);
  // String without control characters (names, address lines: text shown to people).
  std::optional<std::string> Text(std::string_view key, bool required, std::size_t min, std::size_t max);
  std::optional<std::int64_t> Int(std::string_view key, bool required, std::int64_t min, std::int64_t max);
  // true/false; a missing key is nullopt (never required: a flag has a default).
  std::optional<bool> Bool(std::string_view key);

  void Add(std::string_view field, std::string message) { errors_.push_back({std::string(field), std::move(message)}); }
  // Another object's errors under "<prefix>.<field>".
  void AddAll(std::string_view prefix, const std::vector<core::FieldError>& errors);
  const std::vector<core::FieldError>& errors() const { return errors_; }
  bool ok() const { return errors_.empty(); }
  // The 400 naming every bad field, or success.
  core::Status Check(std::string_view what = "the request has invalid fields") const;

 private:
  // The value of `key`, or nullptr for a missing key or null (an error when required).
  const boost::json::value* Find(std::string_view key, bool required);

  const boost::json::object& body_;
  std::vector<core::FieldError> errors_;
};

}  // namespace store::http
