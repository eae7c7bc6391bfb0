#include "http/json_io.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "domain/rules.hpp"
#include "store/core/clock.hpp"

namespace store::user {

namespace json = boost::json;
using core::Errc;
using core::Error;
using core::FieldError;

std::string Iso(std::int64_t ms) {
  return core::FormatTimestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

json::object ProfileJson(const User& u, bool admin_view) {
  json::array roles;
  for (const auto& r : u.roles) roles.emplace_back(r);
  json::object o{{"id", u.id},
                 {"email", u.email},
                 {"email_verified", u.email_verified},
                 {"name", u.name},
                 {"phone", u.phone ? json::value(*u.phone) : json::value(nullptr)},
                 {"locale", u.locale},
                 {"sms_opt_in", u.sms_opt_in},
                 {"roles", roles},
                 {"has_password", u.password_hash.has_value()},
                 {"created_at", Iso(u.created_at)}};
  if (u.pending_email) o["pending_email"] = *u.pending_email;
  if (admin_view) o["disabled"] = u.disabled;
  return o;
}

json::object TokensJson(const Tokens& t) {
  return {{"access_token", t.access_token}, {"token_type", "Bearer"},
          {"expires_in", t.expires_in},     {"refresh_token", t.refresh_token},
          {"refresh_expires_in", t.refresh_expires_in}, {"session_id", t.session_id},
          {"user", ProfileJson(t.user)}};
}

json::object AddressJson(const Address& a) {
  return {{"id", a.id},
          {"label", a.label},
          {"name", a.name},
          {"line1", a.line1},
          {"line2", a.line2},
          {"city", a.city},
          {"region", a.region},
          {"postal_code", a.postal_code},
          {"country", a.country},
          {"phone", a.phone ? json::value(*a.phone) : json::value(nullptr)},
          {"default_shipping", a.default_shipping},
          {"default_billing", a.default_billing}};
}

core::Result<json::object> Body(const http::Request& req, std::initializer_list<const char*> allowed, bool may_be_empty) {
  if (may_be_empty && req.body().empty()) return json::object{};
  // A body declared as another media type never gets here: libs/http answers 415 for every service.
  TRY(value, req.Json());
  if (!value.is_object()) return core::Fail(Error::Invalid("the body must be a JSON object"));
  std::vector<FieldError> fields;
  std::set<std::string_view> names(allowed.begin(), allowed.end());
  for (const auto& kv : value.as_object())
    if (!names.contains(kv.key())) fields.push_back({std::string(kv.key()), "is not a field of this request"});
  if (!fields.empty()) return core::Fail(Error::Invalid("unknown fields", fields));
  return value.as_object();
}

std::optional<std::string> Fields::Str(const char* name, bool required, std::size_t max_chars, bool allow_empty) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) {
    if (required) errors.push_back({name, "is required"});
    return std::nullopt;
  }
  if (!it->value().is_string()) {
    errors.push_back({name, "must be a string"});
    return std::nullopt;
  }
  std::string s(it->value().as_string());
  if (!allow_empty && s.empty() && required) {
    errors.push_back({name, "must not be empty"});
    return std::nullopt;
  }
  auto n = Utf8Length(s);
  if (!n) {
    errors.push_back({name, "must be valid UTF-8"});
    return std::nullopt;
  }
  if (*n > max_chars) {
    errors.push_back({name, "must have at most " + std::to_string(max_chars) + " characters"});
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Fields::Text(const char* name, bool required, std::size_t max_chars) {
  auto s = Str(name, required, max_chars, true);
  if (s && !ValidText(*s, max_chars)) {
    errors.push_back({name, "must not contain control characters"});
    return std::nullopt;
  }
  return s;
}

std::optional<bool> Fields::Bool(const char* name) {
  auto it = o.find(name);
  if (it == o.end()) return std::nullopt;
  if (!it->value().is_bool()) {
    errors.push_back({name, "must be true or false"});
    return std::nullopt;
  }
  return it->value().as_bool();
}

bool Fields::IsNull(const char* name) const {
  auto it = o.find(name);
  return it != o.end() && it->value().is_null();
}

core::Status Fields::Done() const {
  if (errors.empty()) return {};
  return core::Fail(Error::Invalid("invalid request", errors));
}

ClientInfo Client(const http::Request& req, const Settings& s) {
  ClientInfo c;
  c.ip = std::string(req.Header(s.client_ip_header));
  if (c.ip.empty() || c.ip.size() > 64) c.ip = "direct";
  c.user_agent = std::string(req.Header("User-Agent"));
  return c;
}

http::Response Accepted() { return http::Response::Json(202, json::object{{"status", "accepted"}}); }

}  // namespace store::user
