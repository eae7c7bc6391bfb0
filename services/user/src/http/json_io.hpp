// JSON <-> the user service's typed values, shared by the route files: strict request bodies and
// field readers that collect field errors (400 with errors[{field,message}]), the client's IP and
// user agent, and the JSON shapes of a profile, a tokens answer and an address.
// Thread-safety: free functions on values; Fields is per request.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "app/settings.hpp"
#include "domain/model.hpp"
#include "store/core/result.hpp"
#include "store/http/message.hpp"

namespace store::user {

// ISO 8601 UTC of unix milliseconds.
std::string Iso(std::int64_t ms);
// The profile; `admin_view` adds `disabled`.
boost::json::object ProfileJson(const User& u, bool admin_view = false);
boost::json::object TokensJson(const Tokens& t);
boost::json::object AddressJson(const Address& a);

// A strict JSON object body: only `allowed` fields (others are a 400, so a "roles" or
// "email_verified" smuggled into a body is refused, never applied); 415 for another content type.
core::Result<boost::json::object> Body(const http::Request& req, std::initializer_list<const char*> allowed,
                                       bool may_be_empty = false);

// Field readers collecting errors; Done() is the 400 naming every bad field at once.
struct Fields {
  const boost::json::object& o;
  std::vector<core::FieldError> errors;

  // A string of at most max_chars code points (valid UTF-8); nullopt when absent, null or bad.
  std::optional<std::string> Str(const char* name, bool required, std::size_t max_chars, bool allow_empty = false);
  // Str without control characters (names, address lines).
  std::optional<std::string> Text(const char* name, bool required, std::size_t max_chars);
  std::optional<bool> Bool(const char* name);
  bool IsNull(const char* name) const;
  core::Status Done() const;
};

// The client as the limits see it: the gateway's IP header (never X-Forwarded-For), else "direct".
ClientInfo Client(const http::Request& req, const Settings& s);

// The answer of register, resend, reset and email-change requests: the same bytes whether or not
// the address has an account (no enumeration).
http::Response Accepted();

}  // namespace store::user
