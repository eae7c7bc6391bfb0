// /v1/admin/*: finding accounts and disabling/enabling them. Every route needs the admin role
// (403 for a customer).
#include <boost/json.hpp>
#include <cstdlib>

#include "domain/rules.hpp"
#include "http/json_io.hpp"
#include "http/routes.hpp"
#include "store/messaging/envelope.hpp"

namespace store::user {

namespace json = boost::json;
using boost::asio::awaitable;
using core::Error;
using core::FieldError;
using http::Request;
using http::Response;

namespace {

struct UserQuery {
  std::string q;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

// ?q=&limit=&offset= of the account search; 400 naming each bad parameter.
core::Result<UserQuery> ParseUserQuery(const Request& req) {
  std::vector<FieldError> errors;
  UserQuery query;
  query.q = req.Query("q").value_or("");
  if (!ValidText(query.q, 100)) errors.push_back({"q", "must be at most 100 characters of text"});
  auto number = [&](const char* name, std::int64_t def, std::int64_t lo, std::int64_t hi) -> std::int64_t {
    auto v = req.Query(name);
    if (!v) return def;
    char* end = nullptr;
    long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n < lo || n > hi) {
      errors.push_back({name, "must be an integer within " + std::to_string(lo) + ".." + std::to_string(hi)});
      return def;
    }
    return n;
  };
  query.limit = number("limit", 50, 1, 200);
  query.offset = number("offset", 0, 0, 1'000'000);
  if (!errors.empty()) return core::Fail(Error::Invalid("invalid query", errors));
  return query;
}

}  // namespace

void AddAdminRoutes(http::Router& router, const RouteDeps& deps) {
  const RouteDeps d = deps;  // each handler holds a copy (references to parts that outlive the router)

  router.Get("/v1/admin/users", [d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.authenticator.RequireRole(req, "admin"));
    CO_TRY(query, ParseUserQuery(req));
    CO_TRY(users, co_await d.accounts.SearchUsers(query.q, query.limit, query.offset));
    json::array items;
    for (const auto& u : users) items.push_back(ProfileJson(u, true));
    co_return Response::Json(200, json::object{{"users", items}});
  });

  router.Get("/v1/admin/users/{id}", [d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.authenticator.RequireRole(req, "admin"));
    std::string id(*req.PathParam("id"));
    if (!messaging::IsUuid(id)) co_return Error::NotFound("no such account");
    CO_TRY(detail, co_await d.accounts.Customer(id));
    json::array addresses, sessions;
    for (const auto& a : detail.addresses) addresses.push_back(AddressJson(a));
    for (const auto& s : detail.sessions) sessions.push_back(SessionJson(s));
    co_return Response::Json(200, json::object{{"user", ProfileJson(detail.user, true)},
                                               {"addresses", std::move(addresses)},
                                               {"sessions", std::move(sessions)}});
  });

  auto set_disabled = [d](bool disabled) {
    return [d, disabled](Request& req) -> awaitable<Response> {
      CO_TRY(claims, co_await d.authenticator.RequireRole(req, "admin"));
      std::string id(*req.PathParam("id"));
      if (!messaging::IsUuid(id)) co_return Error::NotFound("no such account");
      if (disabled && id == claims.subject) co_return Error::Unprocessable("an admin cannot disable their own account");
      CO_TRY(user, co_await d.accounts.SetDisabled(id, disabled));
      co_return Response::Json(200, ProfileJson(user, true));
    };
  };
  router.Post("/v1/admin/users/{id}/disable", set_disabled(true));
  router.Post("/v1/admin/users/{id}/enable", set_disabled(false));

  // A customer lost their phone and their recovery codes: the second factor goes, their sessions end.
  router.Delete("/v1/admin/users/{id}/mfa", [d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.authenticator.RequireRole(req, "admin"));
    std::string id(*req.PathParam("id"));
    if (!messaging::IsUuid(id)) co_return Error::NotFound("no such account");
    CO_TRY_STATUS(co_await d.accounts.ResetSecondFactor(id));
    co_return Response::Empty(204);
  });
}

}  // namespace store::user
