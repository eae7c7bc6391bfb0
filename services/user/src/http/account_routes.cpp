// /v1/me*: the signed-in customer's own account — profile, email change, password change,
// sessions and the address book. Every route needs a valid bearer token; ids of another
// account's objects are 404s.
#include <boost/json.hpp>

#include "domain/rules.hpp"
#include "http/json_io.hpp"
#include "http/routes.hpp"
#include "store/address/address.hpp"
#include "store/messaging/envelope.hpp"

namespace store::user {

namespace json = boost::json;
using boost::asio::awaitable;
using core::Error;
using http::Request;
using http::Response;

namespace {

core::Result<ProfilePatch> ParseProfilePatch(const Request& req) {
  TRY(body, http::ObjectBody(req, {"name", "phone", "locale", "sms_opt_in"}));
  http::Fields f(body);
  ProfilePatch patch;
  patch.name = f.Text("name", false, 0, 100);
  if (f.IsNull("phone")) {
    patch.phone = std::optional<std::string>{};
  } else if (auto phone = f.String("phone", false, 0, 16)) {
    if (!ValidPhone(*phone)) f.Add("phone", "must be an E.164 number such as +4930123456");
    patch.phone = phone;
  }
  patch.locale = f.String("locale", false, 0, 35);
  if (patch.locale && !ValidLocale(*patch.locale)) f.Add("locale", "must be a language tag such as en or de-AT");
  patch.sms_opt_in = f.Bool("sms_opt_in");
  TRY_STATUS(f.Check());
  return patch;
}

struct EmailChange {
  std::string new_email;
  std::string password;
};

core::Result<EmailChange> ParseEmailChange(const Request& req) {
  TRY(body, http::ObjectBody(req, {"new_email", "password"}));
  http::Fields f(body);
  EmailChange change;
  change.new_email = f.String("new_email", true, 1, 254).value_or("");
  change.password = f.String("password", false, 0, 4096).value_or("");
  if (!change.new_email.empty() && !NormalizeEmail(change.new_email))
    f.Add("new_email", "must be a valid email address");
  TRY_STATUS(f.Check());
  return change;
}

struct PasswordChange {
  std::string current;
  std::string next;
};

core::Result<PasswordChange> ParsePasswordChange(const Request& req) {
  TRY(body, http::ObjectBody(req, {"current_password", "new_password"}));
  http::Fields f(body);
  PasswordChange change;
  change.current = f.String("current_password", true, 1, 4096).value_or("");
  change.next = f.String("new_password", true, 1, 4096).value_or("");
  TRY_STATUS(f.Check());
  return change;
}

// {"password"?, "code"?}: the second factor's routes (each declares which it needs).
struct CodeRequest {
  std::string password;
  std::string code;
};

core::Result<CodeRequest> ParseCodeRequest(const Request& req, bool password, bool code) {
  auto body = password && code ? http::ObjectBody(req, {"password", "code"})
              : password       ? http::ObjectBody(req, {"password"}, true)
                               : http::ObjectBody(req, {"code"});
  if (!body) return std::unexpected(std::move(body.error()));
  http::Fields f(*body);
  CodeRequest r;
  if (password) r.password = f.String("password", false, 0, 4096).value_or("");
  if (code) r.code = f.String("code", true, 1, 32).value_or("");
  TRY_STATUS(f.Check());
  return r;
}

json::object MfaStatusJson(const MfaStatus& s) {
  json::object o{{"enabled", s.enabled},
                 {"recovery_codes_left", s.recovery_codes_left},
                 {"required", s.required},
                 {"session_verified", s.session_verified}};
  o["enabled_at"] = s.enabled_at ? json::value(Iso(*s.enabled_at)) : json::value(nullptr);
  o["grace_ends_at"] = s.grace_ends_at ? json::value(Iso(*s.grace_ends_at)) : json::value(nullptr);
  return o;
}

// A secret shown once (a TOTP key, recovery codes): never kept by a cache.
Response SecretAnswer(json::object body) {
  auto res = Response::Json(200, std::move(body));
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

Response RecoveryCodesAnswer(const std::vector<std::string>& codes) {
  json::array list;
  for (const auto& c : codes) list.emplace_back(c);
  return SecretAnswer({{"recovery_codes", std::move(list)}});
}

// An address; its country must be one of addresses.countries and its postcode must fit the
// country (libs/address), stored in the country's canonical form ("1234ab" -> "1234 AB").
core::Result<Address> ParseAddress(const json::object& body, const Settings& settings) {
  http::Fields f(body);
  Address a;
  a.label = f.Text("label", false, 0, 50).value_or("");
  a.name = f.Text("name", true, 0, 100).value_or("");
  a.line1 = f.Text("line1", true, 0, 200).value_or("");
  a.line2 = f.Text("line2", false, 0, 200).value_or("");
  a.city = f.Text("city", true, 0, 100).value_or("");
  a.region = f.Text("region", false, 0, 100).value_or("");
  // Optional here: a country without postcodes (HK, AE) takes none; the country's rule decides.
  auto postal_code = f.Text("postal_code", false, 0, 20);
  bool postal_code_refused = !postal_code && f.Has("postal_code") && !f.IsNull("postal_code");  // already named
  auto country = f.String("country", true, 1, 2);
  if (country) {
    for (const auto& e : address::CheckCountryAndPostcode(*country, postal_code.value_or(""), settings.address_countries)) {
      if (e.field == "postcode") {
        if (!postal_code_refused) f.Add("postal_code", e.message);
      } else {
        f.Add(e.field, e.message);
      }
    }
    a.postal_code = address::NormalisePostcode(*country, postal_code.value_or(""));
    a.country = *country;
  }
  a.phone = f.String("phone", false, 0, 16);
  if (a.phone && !ValidPhone(*a.phone)) f.Add("phone", "must be an E.164 number such as +4930123456");
  a.default_shipping = f.Bool("default_shipping").value_or(false);
  a.default_billing = f.Bool("default_billing").value_or(false);
  for (const char* required : {"name", "line1", "city"}) {
    auto it = body.find(required);
    if (it != body.end() && it->value().is_string() && it->value().as_string().empty())
      f.Add(required, "must not be empty");
  }
  TRY_STATUS(f.Check());
  return a;
}

const std::initializer_list<std::string_view> kAddressFields = {"label", "line1", "line2", "city", "region", "postal_code",
                                                               "country", "phone", "default_shipping", "default_billing",
                                                               "name", "id"};

// An address body; `path_id` is the id of a PUT (a body id must match it), nullopt for a POST
// (the service chooses the id).
core::Result<Address> ParseAddressBody(const Request& req, const std::optional<std::string>& path_id, const Settings& settings) {
  TRY(body, http::ObjectBody(req, kAddressFields));
  if (!path_id && body.contains("id")) return core::Fail(Error::Invalid("invalid request", {{"id", "is chosen by the service"}}));
  if (auto it = body.find("id");
      path_id && it != body.end() && !(it->value().is_string() && it->value().as_string() == *path_id))
    return core::Fail(Error::Invalid("invalid request", {{"id", "must match the path"}}));
  TRY(address, ParseAddress(body, settings));
  if (path_id) address.id = *path_id;
  return address;
}

}  // namespace

void AddAccountRoutes(http::Router& router, const RouteDeps& deps) {
  const RouteDeps d = deps;  // each handler holds a copy (references to parts that outlive the router)

  router.Get("/v1/me", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(user, co_await d.accounts.Profile(claims.subject));
    co_return Response::Json(200, ProfileJson(user));
  });

  router.Patch("/v1/me", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(patch, ParseProfilePatch(req));
    CO_TRY(user, co_await d.accounts.UpdateProfile(claims.subject, patch));
    co_return Response::Json(200, ProfileJson(user));
  });

  router.Post("/v1/me/email", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(change, ParseEmailChange(req));
    CO_TRY_STATUS(co_await d.accounts.RequestEmailChange(claims.subject, change.new_email, change.password));
    co_return Accepted();
  });

  router.Post("/v1/me/password", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(change, ParsePasswordChange(req));
    CO_TRY_STATUS(co_await d.accounts.ChangePassword(claims.subject, claims.session_id, change.current, change.next));
    co_return Response::Empty(204);
  });

  router.Get("/v1/me/sessions", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(sessions, co_await d.accounts.Sessions(claims.subject));
    json::array list;
    for (const auto& s : sessions) list.push_back(SessionJson(s, claims.session_id));
    co_return Response::Json(200, json::object{{"sessions", list}});
  });

  router.Delete("/v1/me/sessions/{id}", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    std::string id(*req.PathParam("id"));
    if (!messaging::IsUuid(id)) co_return Error::NotFound("no such session");
    const std::string reason = "ended";
    CO_TRY_STATUS(co_await d.accounts.EndSession(claims.subject, id, reason));
    co_return Response::Empty(204);
  });

  // The second factor (TOTP): status, enrolment (begin with the password, confirm with a first
  // code), new recovery codes, turning it off.
  router.Get("/v1/me/mfa", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(status, co_await d.accounts.SecondFactor(claims.subject, claims.session_id));
    co_return Response::Json(200, MfaStatusJson(status));
  });

  router.Post("/v1/me/mfa/totp", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(body, ParseCodeRequest(req, true, false));
    CO_TRY(enrolment, co_await d.accounts.BeginTotp(claims.subject, claims.session_id, body.password));
    co_return SecretAnswer({{"secret", enrolment.secret}, {"otpauth_uri", enrolment.otpauth_uri}});
  });

  router.Post("/v1/me/mfa/totp/confirm", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(body, ParseCodeRequest(req, false, true));
    CO_TRY(codes, co_await d.accounts.ConfirmTotp(claims.subject, claims.session_id, body.code, Client(req, d.settings)));
    co_return RecoveryCodesAnswer(codes);
  });

  router.Post("/v1/me/mfa/recovery-codes", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(body, ParseCodeRequest(req, false, true));
    CO_TRY(codes, co_await d.accounts.NewRecoveryCodes(claims.subject, body.code, Client(req, d.settings)));
    co_return RecoveryCodesAnswer(codes);
  });

  router.Post("/v1/me/mfa/disable", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(body, ParseCodeRequest(req, true, true));
    CO_TRY_STATUS(co_await d.accounts.DisableTotp(claims.subject, body.password, body.code, Client(req, d.settings)));
    co_return Response::Empty(204);
  });

  router.Get("/v1/me/addresses", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(list, co_await d.accounts.ListAddresses(claims.subject));
    json::array items;
    for (const auto& a : list) items.push_back(AddressJson(a));
    co_return Response::Json(200, json::object{{"addresses", items}});
  });

  router.Post("/v1/me/addresses", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    const std::optional<std::string> no_id;
    CO_TRY(address, ParseAddressBody(req, no_id, d.settings));
    CO_TRY(created, co_await d.accounts.CreateAddress(claims.subject, address));
    auto res = Response::Json(201, AddressJson(created));
    res.SetHeader("Location", "/v1/me/addresses/" + created.id);
    co_return res;
  });

  router.Put("/v1/me/addresses/{id}", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    std::optional<std::string> id(*req.PathParam("id"));
    if (!messaging::IsUuid(*id)) co_return Error::NotFound("no such address");
    CO_TRY(address, ParseAddressBody(req, id, d.settings));
    CO_TRY(updated, co_await d.accounts.UpdateAddress(claims.subject, address));
    co_return Response::Json(200, AddressJson(updated));
  });

  router.Delete("/v1/me/addresses/{id}", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    std::string id(*req.PathParam("id"));
    if (!messaging::IsUuid(id)) co_return Error::NotFound("no such address");
    CO_TRY_STATUS(co_await d.accounts.DeleteAddress(claims.subject, id));
    co_return Response::Empty(204);
  });
}

}  // namespace store::user
