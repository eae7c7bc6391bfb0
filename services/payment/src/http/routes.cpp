#include "http/routes.hpp"

#include <boost/json/serialize.hpp>

#include "app/receipts.hpp"
#include "http/dto.hpp"
#include "store/core/money.hpp"
#include "store/http/fields.hpp"

namespace store::payment {
using http::Request;
using http::Response;

namespace {

bool Staff(const auth::AccessClaims& c) { return c.HasRole("admin") || c.HasRole("service"); }

// Object-level authorisation: the paying customer or staff; anyone else learns nothing (404).
core::Status MaySee(const auth::AccessClaims& c, const Intent& intent) {
  if (Staff(c) || c.subject == intent.customer_id) return {};
  return core::Fail(core::Error::NotFound("no such payment"));
}

core::Status RequireStaff(const auth::AccessClaims& c) {
  if (Staff(c)) return {};
  return core::Fail(core::Errc::forbidden, "this needs the admin or service role");
}

bool IsId(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') return false;
  return true;
}

// A path on the shop's own origin ("/checkout/complete?..."): never another site (open redirect).
bool IsShopPath(std::string_view s) {
  if (s.empty() || s.size() > 512 || s[0] != '/' || (s.size() > 1 && (s[1] == '/' || s[1] == '\\'))) return false;
  for (char ch : s)
    if (static_cast<unsigned char>(ch) < 0x21 || ch == '\\' || static_cast<unsigned char>(ch) == 0x7f) return false;
  return true;
}

std::string PathId(const Request& req) { return std::string(req.PathParam("id").value_or("")); }

core::Result<NewIntent> ParseCreate(const Request& req, std::int64_t max_amount) {
  TRY(body, http::ObjectBody(req, {"order_id", "customer_id", "amount", "method", "return_url", "order"}));
  http::Fields f(body);
  auto order_id = f.String("order_id", true, 1, 64);
  auto customer_id = f.String("customer_id", true, 1, 64);
  auto method = f.String("method", true, 1, 20);
  auto return_url = f.String("return_url", false, 1, 512);
  if (order_id && !IsId(*order_id, 64)) f.Add("order_id", "letters, digits, - _ .");
  if (customer_id && !IsId(*customer_id, 64)) f.Add("customer_id", "letters, digits, - _ .");
  if (method && !ParseMethod(*method)) f.Add("method", "one of card, online_banking, wallet, cash_on_delivery");
  if (return_url && !IsShopPath(*return_url)) f.Add("return_url", "a path on the shop's origin, starting with one /");
  NewIntent n;
  const auto* amount = body.if_contains("amount");
  if (!amount || !amount->is_object()) {
    f.Add("amount", "required: {\"minor\": integer, \"currency\": \"EUR\"}");
  } else {
    http::Fields a(amount->as_object());
    auto minor = a.Int("minor", true, 1, max_amount);
    auto currency = a.String("currency", true, 3, 3);
    if (currency && !core::Currency::Parse(*currency)) a.Add("currency", "three upper-case letters (ISO 4217)");
    f.AddAll("amount.", a.errors());
    if (a.ok()) n.amount = *minor, n.currency = *currency;
  }
  const auto* order = body.if_contains("order");
  if (order && !order->is_object() && !order->is_null()) f.Add("order", "an object (the receipt's facts)");
  std::string facts = order && order->is_object() ? boost::json::serialize(*order) : "{}";
  if (facts.size() > 64 * 1024) f.Add("order", "at most 64 KiB");
  TRY_STATUS(f.Check());
  n.order_id = *order_id;
  n.customer_id = *customer_id;
  n.method = *ParseMethod(*method);
  n.return_url = return_url.value_or("");
  n.order_facts = std::move(facts);
  return n;
}

core::Result<std::optional<std::int64_t>> ParseAmount(const Request& req, std::initializer_list<std::string_view> fields) {
  TRY(body, http::ObjectBody(req, fields, true));
  http::Fields f(body);
  auto amount = f.Int("amount", false, 1, 99'999'999);
  if (body.contains("reason")) f.String("reason", false, 0, 500);
  TRY_STATUS(f.Check());
  return amount;
}

std::string ReasonOf(const Request& req) {
  auto body = http::ObjectBody(req, {}, true);
  if (!body) return "";
  const auto* r = body->if_contains("reason");
  return r && r->is_string() ? std::string(r->as_string()) : "";
}

}  // namespace

void AddRoutes(http::Router& router, const HttpApi& api) {
  router.Post("/v1/payments/intents", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    CO_TRY_STATUS(RequireStaff(caller));
    CO_TRY(request, ParseCreate(req, api.payments.options().max_amount));
    std::function<awaitable<Response>()> run = [&]() -> awaitable<Response> {
      CO_TRY(intent, co_await api.payments.Create(request));
      co_return Response::Json(201, IntentJson(intent));
    };
    co_return co_await api.idempotent.Run(req, caller.subject, run);
  });
  router.Get("/v1/payments/intents", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    auto order_id = req.Query("order_id");
    if (!order_id || !IsId(*order_id, 64)) co_return Response(core::Error::Invalid("order_id is required", {{"order_id", "required"}}));
    CO_TRY(intent, co_await api.payments.ByOrder(*order_id));
    boost::json::array data;
    if (intent && MaySee(caller, *intent)) data.push_back(IntentJson(*intent));
    co_return Response::Json(200, boost::json::object{{"data", std::move(data)}});
  });
  router.Get("/v1/payments/intents/{id}", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    CO_TRY(intent, co_await api.payments.Get(PathId(req)));
    CO_TRY_STATUS(MaySee(caller, intent));
    co_return Response::Json(200, IntentJson(intent));
  });
  router.Post("/v1/payments/intents/{id}/confirm", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    CO_TRY(intent, co_await api.payments.Get(PathId(req)));
    CO_TRY_STATUS(MaySee(caller, intent));
    CO_TRY(body, http::ObjectBody(req, {"payment_method"}));
    http::Fields f(body);
    auto pm = f.String("payment_method", true, 3, 100);
    if (pm && !IsId(*pm, 100)) f.Add("payment_method", "the provider's payment method token");
    CO_TRY_STATUS(f.Check());
    std::function<awaitable<Response>()> run = [&]() -> awaitable<Response> {
      CO_TRY(confirmed, co_await api.payments.Confirm(intent.id, *pm));
      co_return Response::Json(200, IntentJson(confirmed));
    };
    co_return co_await api.idempotent.Run(req, caller.subject, run);
  });
  router.Get("/v1/payments/intents/{id}/return", [&api](Request& req) -> awaitable<Response> {
    auto id = PathId(req);
    if (!IsId(id, 36)) co_return Response(core::Error::NotFound("no such payment"));
    CO_TRY(intent, co_await api.payments.ShopperReturned(id));
    std::string where = api.shop_base_url + (intent.return_url.empty() ? "/" : intent.return_url);
    where.append(where.find('?') == std::string::npos ? "?" : "&").append("payment_id=").append(intent.id);
    Response r = Response::Empty(303);
    r.SetHeader("Location", where);
    r.SetHeader("Cache-Control", "no-store");
    co_return r;
  });
  router.Post("/v1/payments/intents/{id}/capture", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    CO_TRY_STATUS(RequireStaff(caller));
    CO_TRY(amount, ParseAmount(req, {"amount"}));
    std::function<awaitable<Response>()> run = [&]() -> awaitable<Response> {
      CO_TRY(intent, co_await api.payments.Capture(PathId(req), amount));
      co_return Response::Json(200, IntentJson(intent));
    };
    co_return co_await api.idempotent.Run(req, caller.subject, run);
  });
  router.Post("/v1/payments/intents/{id}/cancel", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    CO_TRY_STATUS(RequireStaff(caller));
    CO_TRY_STATUS(ParseAmount(req, {"reason"}));
    std::function<awaitable<Response>()> run = [&]() -> awaitable<Response> {
      std::string reason = ReasonOf(req);
      if (reason.empty()) reason = "cancelled by " + caller.subject;
      CO_TRY(intent, co_await api.payments.Cancel(PathId(req), reason));
      co_return Response::Json(200, IntentJson(intent));
    };
    co_return co_await api.idempotent.Run(req, caller.subject, run);
  });
  router.Post("/v1/payments/intents/{id}/refunds", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    CO_TRY_STATUS(RequireStaff(caller));
    CO_TRY(amount, ParseAmount(req, {"amount", "reason"}));
    std::function<awaitable<Response>()> run = [&]() -> awaitable<Response> {
      CO_TRY(intent, co_await api.payments.Get(PathId(req)));
      RefundRequest request{.intent_id = intent.id, .amount = amount, .reason = ReasonOf(req), .requested_by = caller.subject};
      CO_TRY(refund, co_await api.payments.RefundPayment(std::move(request)));
      co_return Response::Json(refund.status == "pending" ? 202 : 201, RefundJson(refund, intent.currency));
    };
    co_return co_await api.idempotent.Run(req, caller.subject, run);
  });
  router.Get("/v1/payments/intents/{id}/transactions", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    if (!caller.HasRole("admin")) co_return Response(core::Error{core::Errc::forbidden, "the transaction log is for admins"});
    CO_TRY(intent, co_await api.payments.Get(PathId(req)));
    CO_TRY(ledger, co_await api.store.Ledger(intent.id));
    CO_TRY(transitions, co_await api.store.Transitions(intent.id));
    CO_TRY(refunds, co_await api.store.Refunds(intent.id));
    co_return Response::Json(200, TransactionsJson(intent, ledger, transitions, refunds));
  });
  router.Get("/v1/payments/intents/{id}/receipt", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await api.authenticator.Authenticate(req));
    CO_TRY(intent, co_await api.payments.Get(PathId(req)));
    if (!caller.HasRole("admin") && caller.subject != intent.customer_id) co_return Response(core::Error::NotFound("no such payment"));
    CO_TRY(receipt, ReceiptOf(intent, api.shop_name));
    auto format = req.Query("format").value_or("html");
    if (format == "pdf") {
      CO_TRY(pdf, api.receipts.Pdf(receipt));
      Response r(200, std::move(pdf), "application/pdf");
      r.SetHeader("Content-Disposition", "attachment; filename=\"receipt-" + intent.id + ".pdf\"");
      r.SetHeader("Cache-Control", "private, no-store");
      co_return r;
    }
    if (format != "html") co_return Response(core::Error::Invalid("format is html or pdf", {{"format", "html or pdf"}}));
    Response r(200, api.receipts.Html(receipt), "text/html; charset=utf-8");
    r.SetHeader("Cache-Control", "private, no-store");
    r.SetHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    co_return r;
  });
  router.Post("/v1/payments/webhooks/{provider}", [&api](Request& req) -> awaitable<Response> {
    auto& provider = api.payments.provider();
    if (req.PathParam("provider").value_or("") != provider.name()) co_return Response(core::Error::NotFound("no such provider"));
    CO_TRY(applied, co_await api.payments.Webhook(req.Header(provider.signature_header()), req.body()));
    co_return Response::Json(200, boost::json::object{{"received", true}, {"applied", applied}});
  });
}

}  // namespace store::payment
