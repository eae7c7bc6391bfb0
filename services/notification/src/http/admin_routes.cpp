#include "http/admin_routes.hpp"

#include <boost/json.hpp>
#include <algorithm>
#include <charconv>

#include "app/ports.hpp"
#include "store/core/clock.hpp"

namespace store::notification {
namespace json = boost::json;
using boost::asio::awaitable;
using core::Errc;
using http::Request;
using http::Response;

namespace {

// DATETIME(3) text "2026-11-24 09:07:02.123" -> RFC 3339 "2026-11-24T09:07:02.123Z".
json::value Time(const std::optional<std::string>& t) {
  if (!t) return nullptr;
  std::string s = *t;
  if (s.size() >= 19) s[10] = 'T';
  return json::value(s + "Z");
}

json::object Summary(const Delivery& d) {
  return json::object{{"id", d.id},
                      {"event_id", d.event_id},
                      {"event_type", d.event_type},
                      {"template", d.template_name},
                      {"channel", d.channel},
                      {"locale", d.locale},
                      {"recipient", d.recipient},
                      {"status", d.status},
                      {"attempts", d.attempts},
                      {"last_error", d.last_error ? json::value(*d.last_error) : json::value(nullptr)},
                      {"next_attempt_at", d.status == "sent" || d.status == "failed" ? json::value(nullptr) : Time(d.next_attempt_at)},
                      {"created_at", Time(d.created_at)},
                      {"updated_at", Time(d.updated_at)},
                      {"sent_at", Time(d.sent_at)}};
}

core::Result<std::uint64_t> ParseId(std::string_view text, std::string_view field) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty() || v == 0)
    return core::Fail(core::Error::Invalid("bad " + std::string(field), {{std::string(field), "must be a positive integer"}}));
  return v;
}

core::Result<DeliveryFilter> ParseFilter(const Request& req) {
  DeliveryFilter f;
  std::vector<core::FieldError> errors;
  if (auto s = req.Query("status")) {
    if (*s != "pending" && *s != "retrying" && *s != "sent" && *s != "failed")
      errors.push_back({"status", "must be pending, retrying, sent or failed"});
    f.status = *s;
  }
  if (auto c = req.Query("channel")) {
    if (*c != "email" && *c != "sms") errors.push_back({"channel", "must be email or sms"});
    f.channel = *c;
  }
  if (auto t = req.Query("template")) f.template_name = *t;
  if (auto r = req.Query("recipient")) f.recipient = *r;
  if (auto s = req.Query("since")) {
    // Years are bounded first: core::ParseTimestamp overflows system_clock's nanoseconds past 2262.
    int year = s->size() >= 4 && std::all_of(s->begin(), s->begin() + 4, ::isdigit) ? std::stoi(s->substr(0, 4)) : 0;
    auto at = year >= 1970 && year <= 2200 ? core::ParseTimestamp(*s) : std::nullopt;
    if (at) f.since = *at;
    else errors.push_back({"since", "must be an RFC 3339 date-time between 1970 and 2200"});
  }
  if (auto l = req.Query("limit")) {
    auto n = ParseId(*l, "limit");
    if (!n || *n > 200) errors.push_back({"limit", "must be within 1..200"});
    else f.limit = static_cast<int>(*n);
  }
  if (auto c = req.Query("cursor")) {
    auto n = ParseId(*c, "cursor");
    if (!n) errors.push_back({"cursor", "must be a cursor from next_cursor"});
    else f.before_id = *n;
  }
  if (!errors.empty()) return core::Fail(core::Error::Invalid("invalid query", std::move(errors)));
  return f;
}

}  // namespace

void AddAdminRoutes(http::Router& router, DeliveryLog& log, AdminGuard guard) {
  router.Get("/v1/notifications/deliveries", [&log, guard](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await guard(req));
    CO_TRY(filter, ParseFilter(req));
    CO_TRY(rows, co_await log.List(filter));
    json::array items;
    for (const auto& d : rows) items.push_back(Summary(d));
    json::value next = nullptr;
    if (static_cast<int>(rows.size()) == filter.limit && !rows.empty()) next = std::to_string(rows.back().id);
    co_return Response::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
  });

  router.Get("/v1/notifications/deliveries/{id}", [&log, guard](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await guard(req));
    CO_TRY(id, ParseId(*req.PathParam("id"), "id"));
    CO_TRY(found, co_await log.Find(id));
    if (!found) co_return core::Error::NotFound("no such delivery");
    const auto& [delivery, attempts] = *found;
    json::object body = Summary(delivery);
    body["message"] = json::object{{"subject", delivery.subject}, {"text", delivery.text}, {"html", delivery.html}};
    json::array list;
    for (const auto& a : attempts)
      list.push_back(json::object{{"attempt", a.attempt},
                                  {"started_at", Time(a.started_at)},
                                  {"finished_at", Time(a.finished_at)},
                                  {"outcome", a.outcome},
                                  {"error", a.error ? json::value(*a.error) : json::value(nullptr)}});
    body["attempt_log"] = std::move(list);
    co_return Response::Json(200, body);
  });

  router.Post("/v1/notifications/deliveries/{id}/resend", [&log, guard](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await guard(req));
    CO_TRY(id, ParseId(*req.PathParam("id"), "id"));
    CO_TRY(after, co_await log.Resend(id));
    co_return Response::Json(202, Summary(after));
  });
}

}  // namespace store::notification
