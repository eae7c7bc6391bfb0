#include "http/json_io.hpp"

#include <boost/json.hpp>
#include <chrono>

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
                 {"mfa_enabled", u.HasSecondFactor()},
                 {"created_at", Iso(u.created_at)}};
  if (u.pending_email) o["pending_email"] = *u.pending_email;
  if (admin_view) o["disabled"] = u.disabled;
  return o;
}

json::object TokensJson(const Tokens& t) {
  json::array roles;
  for (const auto& r : t.roles) roles.emplace_back(r);
  return {{"access_token", t.access_token}, {"token_type", "Bearer"},
          {"expires_in", t.expires_in},     {"refresh_token", t.refresh_token},
          {"refresh_expires_in", t.refresh_expires_in}, {"session_id", t.session_id},
          {"roles", roles},                 {"user", ProfileJson(t.user)}};
}

json::object SessionJson(const Session& s, const std::string& current_session_id) {
  return {{"id", s.id},
          {"created_at", Iso(s.created_at)},
          {"last_used_at", Iso(s.last_used_at)},
          {"expires_at", Iso(s.expires_at)},
          {"remember_me", s.remember_me},
          {"method", s.method},
          {"ip", s.ip},
          {"user_agent", s.user_agent},
          {"current", s.id == current_session_id}};
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

ClientInfo Client(const http::Request& req, const Settings& s) {
  ClientInfo c;
  c.ip = std::string(req.Header(s.client_ip_header));
  if (c.ip.empty() || c.ip.size() > 64) c.ip = "direct";
  c.user_agent = std::string(req.Header("User-Agent"));
  return c;
}

http::Response Accepted() { return http::Response::Json(202, json::object{{"status", "accepted"}}); }

}  // namespace store::user
