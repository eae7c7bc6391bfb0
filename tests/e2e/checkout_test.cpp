// Buying through the nginx gateway, all real: store_user, store_catalog (its stock consumer on),
// the search service, store_cart, store_payment with the provider sandbox (deploy/psp-sandbox)
// sending its webhooks, store_order, the outbox relays of the user, catalog, payment and order
// services, and the notification service mailing the account's emails, the order confirmation and
// the payment receipt to MailDev. Every event goes through Kafka under topics of this run's own
// (events.topic_prefix of each service, the consumers' topic names), so the shop's own services
// (./store up) never see them.
//
// The journeys: a customer registers and verifies the address by the email's link, finds a product
// through search, checks out with a new address, express shipping and a 3-D Secure card,
// pays at the provider's page, the webhook confirms the order, the confirmation and receipt emails
// arrive, the history and the detail show it, the cart lost the ordered lines; the same key again
// gives the same order (also concurrently), another body with it a 422; online banking; a declined
// card, then another card on the same order; cash on delivery; a guest; a line sold out meanwhile
// (cancelled with the line named); an unpaid order expiring (the stock released); bad input
// refused with field errors and nothing written; another customer's order is a 404.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <atomic>
#include <fstream>
#include <iostream>
#include <future>
#include <thread>

#include "store/db/db.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/docstore.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/contract.hpp"
#include "store/testing/openapi.hpp"
#include "store/testing/kafka.hpp"
#include "store/testing/schema.hpp"
#include "store/messaging/envelope.hpp"
#include "support/http.hpp"
#include "support/maildev.hpp"
#include "support/mailer.hpp"
#include "support/process.hpp"
#include "support/purchase.hpp"
#include "support/shop.hpp"
#include "support/stack.hpp"

namespace {

namespace json = boost::json;
using e2e::HttpClient;
using e2e::HttpResponse;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

using e2e::Body;
using e2e::PayAtProvider;
using e2e::PayByBank;
using e2e::Purchase;
using e2e::Str;

Purchase* stack = nullptr;

class Checkout : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack = new Purchase({.static_root = STORE_STOREFRONT_DIST}); }
  static void TearDownTestSuite() {
    delete stack;
    stack = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << stack->Logs() << "\n";
  }
};

std::int64_t Minor(const json::value& money) { return money.at("minor").as_int64(); }


// A shopper: their own client (cookies kept for a guest's cart) and, once signed in, a token.
struct Shopper {
  std::unique_ptr<HttpClient> http = std::make_unique<HttpClient>("", true);
  std::string token;
  std::string email;

  std::vector<std::string> Auth(std::vector<std::string> more = {}) const {
    if (!token.empty()) more.push_back(e2e::Bearer(token));
    return more;
  }
  HttpResponse Get(const std::string& path, std::vector<std::string> headers = {}) {
    return http->Get(stack->Gw(path), Auth(std::move(headers)));
  }
  HttpResponse Post(const std::string& path, const json::value& body, std::vector<std::string> headers = {}) {
    return http->Send({.method = "POST", .url = stack->Gw(path), .headers = Auth(std::move(headers)), .body = json::serialize(body)});
  }
};

Shopper Customer(const std::string& name) {
  Shopper s;
  std::string stem = Lower(name);
  for (char& c : stem) c = c == ' ' ? '-' : c;
  s.email = store::testing::UniqueName(stem) + "@e2e-checkout.test";
  const std::string password = "a long checkout password 7";
  auto reg = s.http->Post(stack->Gw("/api/user/v1/auth/register"),
                         json::serialize(json::object{{"email", s.email}, {"password", password}, {"name", name}}));
  EXPECT_EQ(reg.status, 202) << reg.body;
  auto login = s.http->Post(stack->Gw("/api/user/v1/auth/login"), json::serialize(json::object{{"email", s.email}, {"password", password}}));
  EXPECT_EQ(login.status, 200) << login.body;
  s.token = Str(Body(login), "access_token");
  return s;
}

std::int64_t AddToCart(Shopper& s, const std::string& sku, int quantity) {
  auto r = s.Post("/api/cart/v1/cart/items", json::object{{"sku", sku}, {"quantity", quantity}});
  EXPECT_EQ(r.status, 200) << r.body;
  return Body(r).at("version").as_int64();
}

json::object Berlin(const std::string& name) {
  return {{"name", name}, {"line1", "Unter den Linden 1"}, {"city", "Berlin"}, {"postal_code", "10117"}, {"country", "DE"}};
}

std::string NewKey() { return store::testing::UniqueName("checkout-key"); }

json::value WaitForOrder(Shopper& s, const std::string& id, const std::function<bool(const json::value&)>& done,
                         std::vector<std::string> headers = {}) {
  json::value last;
  e2e::WaitUntil(
      [&] {
        auto r = s.Get("/api/order/v1/orders/" + id, headers);
        if (r.status != 200) return false;
        last = Body(r);
        return done(last);
      },
      std::chrono::seconds(30));
  return last;
}

bool HasStatus(const json::value& o, std::string_view status) { return Str(o, "status") == status; }


std::int64_t OnHand(const std::string& sku, const std::string& column) {
  store::db::Database db(stack->catalog_db());
  auto row = db.RunSync([&](store::db::Connection& c) { return c.QueryOne("SELECT " + column + " AS v FROM stock WHERE sku = ?", sku); });
  return row && *row ? (*row)->Int("v") : -1;
}

TEST_F(Checkout, CustomerPaysByCardWith3dsAndTheOrderIsConfirmedMailedAndListed) {
  // Registered, then verified by the link in the email MailDev received.
  Shopper ann = Customer("Ann Buyer");
  const std::string verify_page = stack->Gw("/verify-email?token=");
  const std::string link = e2e::LinkAfter(Str(e2e::WaitForMail(stack->maildev(), ann.email, verify_page), "text"), verify_page);
  ASSERT_FALSE(link.empty()) << "no verification email\n" << stack->Logs();
  auto verified = ann.Post("/api/user/v1/auth/verify-email", json::object{{"token", e2e::TokenOf(link)}});
  EXPECT_EQ(verified.status, 200) << verified.body;
  EXPECT_TRUE(Body(ann.Get("/api/user/v1/me")).at("email_verified").as_bool());

  // Found through search (once indexed), its product page read, the variants added to the cart.
  std::string slug;
  EXPECT_TRUE(e2e::WaitUntil(
      [&] {
        auto found = Body(ann.Get("/api/catalog/v1/search?q=aurora"));
        if (!found.is_object()) return false;
        for (const auto& item : found.at("items").as_array())
          if (Str(item, "title") == "Aurora Phone") slug = Str(item, "slug");
        return !slug.empty();
      },
      std::chrono::seconds(60)))
      << "search did not find the phone\n" << stack->Logs();
  auto page = Body(ann.Get("/api/catalog/v1/products/" + slug + "/page"));
  ASSERT_TRUE(page.is_object());
  AddToCart(ann, Str(page.at("variants").at(0), "sku"), 1);  // AUR-128
  const std::int64_t version = AddToCart(ann, "BOR-1", 2);

  // The options for Germany: the three methods (pickup is Germany's), express's price, 19 % tax.
  auto options = ann.Get("/api/order/v1/checkout/options?country=DE&shipping_method=express");
  ASSERT_EQ(options.status, 200) << options.body;
  auto o = Body(options);
  EXPECT_EQ(o.at("cart_version").as_int64(), version);
  EXPECT_EQ(o.at("shipping_methods").as_array().size(), 3u);
  const std::int64_t subtotal = 49900 + 2 * 12900;
  EXPECT_EQ(Minor(o.at("totals").at("subtotal")), subtotal);
  EXPECT_EQ(Minor(o.at("totals").at("shipping")), 995);
  EXPECT_EQ(Minor(o.at("totals").at("total")), subtotal + 995);
  EXPECT_EQ(Str(o.at("totals").at("taxes").at(0), "rate"), "19.00%");
  const std::int64_t total = Minor(o.at("totals").at("total"));

  // Place: 201, placed, then the payment's page once the stock is reserved.
  const std::string key = NewKey();
  json::object body{{"cart_version", version},       {"expected_total", total},   {"address", Berlin("Ann Buyer")},
                    {"shipping_method", "express"}, {"payment_method", "card"}};
  auto placed = ann.Post("/api/order/v1/orders", body, {"Idempotency-Key: " + key});
  ASSERT_EQ(placed.status, 201) << placed.body << stack->Logs();
  const auto order = Body(placed);
  const std::string id = Str(order, "id");
  const std::string number = Str(order, "number");
  EXPECT_EQ(Str(order, "status"), "placed");
  EXPECT_EQ(number.size(), 12u);
  EXPECT_EQ(Minor(order.at("totals").at("total")), total);

  // The same key again: the same answer, also from four at once; another body with it: 422.
  auto again = ann.Post("/api/order/v1/orders", body, {"Idempotency-Key: " + key});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(Str(Body(again), "id"), id);
  EXPECT_EQ(again.Header("idempotent-replayed").value_or(""), "true");
  std::vector<std::future<HttpResponse>> racing;
  for (int i = 0; i < 4; ++i)
    racing.push_back(std::async(std::launch::async, [&] {
      HttpClient c;
      return c.Send({.method = "POST", .url = stack->Gw("/api/order/v1/orders"),
                     .headers = {e2e::Bearer(ann.token), "Idempotency-Key: " + key}, .body = json::serialize(body)});
    }));
  for (auto& f : racing) {
    auto r = f.get();
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(Str(Body(r), "id"), id);
  }
  json::object other = body;
  other["shipping_method"] = "standard";
  EXPECT_EQ(ann.Post("/api/order/v1/orders", other, {"Idempotency-Key: " + key}).status, 422);

  auto waiting = WaitForOrder(ann, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  ASSERT_EQ(Str(waiting, "status"), "awaiting_payment") << json::serialize(waiting) << stack->Logs();
  EXPECT_EQ(OnHand("AUR-128", "reserved"), 1);
  const std::string hosted = Str(waiting.at("next_action"), "url");
  ASSERT_FALSE(hosted.empty());
  const std::string back = PayAtProvider(*ann.http, hosted, "4000002760003184");
  EXPECT_NE(back.find("/api/payment/v1/payments/intents/"), std::string::npos) << back;

  auto confirmed = WaitForOrder(ann, id, [](const json::value& v) { return HasStatus(v, "confirmed"); });
  ASSERT_EQ(Str(confirmed, "status"), "confirmed") << json::serialize(confirmed) << stack->Logs();
  EXPECT_EQ(Str(confirmed.at("payment").at("card"), "last4"), "3184");
  EXPECT_FALSE(Str(confirmed.at("payment"), "receipt_url").empty());
  std::vector<std::string> timeline;
  for (const auto& h : confirmed.at("history").as_array()) timeline.push_back(Str(h, "status"));
  EXPECT_EQ(timeline, (std::vector<std::string>{"placed", "reserved", "awaiting_payment", "paid", "confirmed"}));
  EXPECT_EQ(Str(confirmed.at("shipping_address"), "postal_code"), "10117");
  EXPECT_EQ(confirmed.at("lines").as_array().size(), 2u);

  // The stock committed, the cart without the ordered lines, the emails in MailDev.
  EXPECT_TRUE(e2e::WaitUntil([&] { return OnHand("AUR-128", "on_hand") == 9 && OnHand("AUR-128", "reserved") == 0; },
                             std::chrono::seconds(20)));
  EXPECT_TRUE(e2e::WaitUntil([&] { return Body(ann.Get("/api/cart/v1/cart")).at("lines").as_array().empty(); }, std::chrono::seconds(20)));
  auto confirmation = e2e::WaitForMail(stack->maildev(), ann.email, "thank you for your order " + number);
  EXPECT_FALSE(confirmation.empty()) << "the confirmation email names the order number";
  const std::string mail_text = Str(confirmation, "text");
  for (const char* part : {"Aurora Phone", "Borealis Headphones", "Incl. tax 19.00%", "10117 Berlin", "Express delivery", "ending in 3184"})
    EXPECT_NE(mail_text.find(part), std::string::npos) << part << " missing in:\n" << mail_text;
  auto receipt = e2e::WaitForMail(stack->maildev(), ann.email, "receipt");
  EXPECT_FALSE(receipt.empty());

  // History: newest first, this order in it; another customer sees neither.
  auto history = ann.Get("/api/order/v1/orders");
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(Str(Body(history).at("data").at(0), "id"), id);
  Shopper eve = Customer("Eve Other");
  EXPECT_EQ(eve.Get("/api/order/v1/orders/" + id).status, 404);
  EXPECT_TRUE(Body(eve.Get("/api/order/v1/orders")).at("data").as_array().empty());
}

TEST_F(Checkout, BadInputIsRefusedWithFieldErrorsAndWritesNothing) {
  Shopper bob = Customer("Bob Careful");
  const std::int64_t version = AddToCart(bob, "BOR-1", 1);
  auto place = [&](json::object address, std::string method = "standard") {
    return bob.Post("/api/order/v1/orders",
                    json::object{{"cart_version", version}, {"address", std::move(address)}, {"shipping_method", method}, {"payment_method", "card"}},
                    {"Idempotency-Key: " + NewKey()});
  };
  auto zz = Berlin("Bob");
  zz["country"] = "ZZ";
  auto r = place(zz);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("address.country"), std::string::npos) << r.body;
  auto bad_postcode = Berlin("Bob");
  bad_postcode["postal_code"] = "1011";
  r = place(bad_postcode);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("address.postal_code"), std::string::npos) << r.body;
  auto paris = Berlin("Bob");
  paris["country"] = "FR";
  paris["postal_code"] = "75001";
  r = place(paris, "pickup");  // click-and-collect is Berlin's
  EXPECT_EQ(r.status, 400) << r.body;
  r = bob.Post("/api/order/v1/orders", json::object{{"cart_version", version}, {"address", Berlin("Bob")}, {"shipping_method", "standard"},
                                                    {"payment_method", "card"}});
  EXPECT_EQ(r.status, 400) << "no Idempotency-Key";
  r = bob.Post("/api/order/v1/orders",
               json::object{{"cart_version", version}, {"address", Berlin("Bob")}, {"shipping_method", "standard"},
                            {"payment_method", "card"}, {"unit_price", 1}},
               {"Idempotency-Key: " + NewKey()});
  EXPECT_EQ(r.status, 400) << "a price from the browser is not taken";
  // The cart changed since the shopper looked: 409 naming the version.
  r = bob.Post("/api/order/v1/orders",
               json::object{{"cart_version", version - 1}, {"address", Berlin("Bob")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
               {"Idempotency-Key: " + NewKey()});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("cart_version"), std::string::npos);
  EXPECT_TRUE(Body(bob.Get("/api/order/v1/orders")).at("data").as_array().empty()) << "nothing was written";
}

TEST_F(Checkout, ALineSoldOutMeanwhileCancelsTheOrderNamingIt) {
  Shopper cid = Customer("Cid Late");
  const std::int64_t version = AddToCart(cid, "AUR-B-128", 2);
  {  // the last units go elsewhere between the cart and the checkout
    store::db::Database db(stack->catalog_db());
    ASSERT_TRUE(db.RunSync([](store::db::Connection& c) { return c.Execute("UPDATE stock SET on_hand = reserved + 1 WHERE sku = 'AUR-B-128'"); }));
  }
  auto placed = cid.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Cid")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                         {"Idempotency-Key: " + NewKey()});
  // The catalog's reservation is the one judge of stock: placed, then cancelled naming the line.
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto cancelled = WaitForOrder(cid, Str(Body(placed), "id"), [](const json::value& v) { return HasStatus(v, "cancelled"); });
  EXPECT_EQ(Str(cancelled, "status"), "cancelled");
  EXPECT_EQ(Str(cancelled.at("unavailable_lines").at(0), "sku"), "AUR-B-128");
  EXPECT_EQ(cancelled.at("unavailable_lines").at(0).at("requested").as_int64(), 2);
  EXPECT_NE(Str(cancelled, "status_reason").find("insufficient_stock"), std::string::npos) << Str(cancelled, "status_reason");
  EXPECT_TRUE(Str(cancelled.at("payment"), "id").empty()) << "no payment was set up";
  auto mail = e2e::WaitForMail(stack->maildev(), cid.email, "was cancelled");
  EXPECT_NE(Str(mail, "text").find("insufficient_stock"), std::string::npos) << Str(mail, "text");
}

TEST_F(Checkout, CashOnDeliveryIsConfirmedWithoutPayment) {
  Shopper dan = Customer("Dan Cash");
  const std::int64_t version = AddToCart(dan, "AUR-256", 1);
  const std::int64_t on_hand = OnHand("AUR-256", "on_hand"), reserved = OnHand("AUR-256", "reserved");
  auto placed = dan.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Dan")}, {"shipping_method", "pickup"},
                                      {"payment_method", "cash_on_delivery"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(Minor(Body(placed).at("totals").at("shipping")), 0);
  auto confirmed = WaitForOrder(dan, Str(Body(placed), "id"), [](const json::value& v) { return HasStatus(v, "confirmed"); });
  EXPECT_EQ(Str(confirmed, "status"), "confirmed") << stack->Logs();
  EXPECT_TRUE(confirmed.at("next_action").is_null());
  // Confirmed unpaid, so its stock is committed at the confirmation (order.confirmed), not left to expire.
  EXPECT_TRUE(e2e::WaitUntil([&] { return OnHand("AUR-256", "on_hand") == on_hand - 1 && OnHand("AUR-256", "reserved") == reserved; },
                             std::chrono::seconds(20)));
}

TEST_F(Checkout, OnlineBankingIsApprovedAtTheBankAndConfirmsTheOrder) {
  Shopper bea = Customer("Bea Bank");
  const std::int64_t version = AddToCart(bea, "BOR-1", 1);
  auto placed = bea.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Bea")}, {"shipping_method", "standard"},
                                      {"payment_method", "online_banking"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = Str(Body(placed), "id");
  auto waiting = WaitForOrder(bea, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  ASSERT_EQ(Str(waiting, "status"), "awaiting_payment") << stack->Logs();
  // The bank settles a moment after the approval (the sandbox's settle delay), then the webhook comes.
  const std::string back = PayByBank(*bea.http, Str(waiting.at("next_action"), "url"), "sandbox_bank");
  EXPECT_NE(back.find("/api/payment/v1/payments/intents/"), std::string::npos) << back;
  auto confirmed = WaitForOrder(bea, id, [](const json::value& v) { return HasStatus(v, "confirmed"); });
  ASSERT_EQ(Str(confirmed, "status"), "confirmed") << json::serialize(confirmed) << stack->Logs();
  EXPECT_EQ(Str(confirmed.at("payment"), "method"), "online_banking");
  EXPECT_EQ(confirmed.at("payment").as_object().if_contains("card"), nullptr) << "no card for a bank payment";
  EXPECT_FALSE(e2e::WaitForMail(stack->maildev(), bea.email, "thank you for your order " + Str(confirmed, "number")).empty());
}

TEST_F(Checkout, ADeclinedCardThenAnotherCardOnTheSameOrder) {
  Shopper fay = Customer("Fay Retry");
  const std::int64_t version = AddToCart(fay, "BOR-1", 1);
  auto placed = fay.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Fay")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = Str(Body(placed), "id");
  auto waiting = WaitForOrder(fay, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  const std::string hosted = Str(waiting.at("next_action"), "url");
  ASSERT_FALSE(hosted.empty()) << stack->Logs();
  PayAtProvider(*fay.http, hosted, "4000000000000002");  // declined
  auto failed = WaitForOrder(fay, id, [](const json::value& v) {
    for (const auto& h : v.at("history").as_array())
      if (Str(h, "status") == "payment_failed") return true;
    return false;
  });
  EXPECT_EQ(Str(failed, "status"), "awaiting_payment") << "a decline leaves the order waiting for another try";
  PayAtProvider(*fay.http, hosted, "4242424242424242");
  auto confirmed = WaitForOrder(fay, id, [](const json::value& v) { return HasStatus(v, "confirmed"); });
  EXPECT_EQ(Str(confirmed, "status"), "confirmed") << stack->Logs();
}

TEST_F(Checkout, AGuestChecksOutWithAnEmailAndSeesTheOrderWithItsToken) {
  Shopper guest;  // cookies kept: the cart's cart_token (Path=/api) reaches the order service too
  guest.email = store::testing::UniqueName("guest") + "@e2e-checkout.test";
  const std::int64_t version = AddToCart(guest, "BOR-1", 1);
  auto no_email = guest.Post("/api/order/v1/orders",
                             json::object{{"cart_version", version}, {"address", Berlin("Gus")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                             {"Idempotency-Key: " + NewKey()});
  EXPECT_EQ(no_email.status, 400);
  EXPECT_NE(no_email.body.find("email"), std::string::npos);
  auto placed = guest.Post("/api/order/v1/orders",
                           json::object{{"cart_version", version}, {"email", guest.email}, {"address", Berlin("Gus Guest")},
                                        {"shipping_method", "standard"}, {"payment_method", "card"}},
                           {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body << stack->Logs();
  const std::string id = Str(Body(placed), "id");
  const std::string token = Str(Body(placed), "guest_token");
  const std::string number = Str(Body(placed), "number");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(guest.Get("/api/order/v1/orders/" + id).status, 404) << "not without the order's token";
  auto waiting = WaitForOrder(guest, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); }, {"Order-Token: " + token});
  ASSERT_EQ(Str(waiting, "status"), "awaiting_payment") << stack->Logs();
  PayAtProvider(*guest.http, Str(waiting.at("next_action"), "url"), "4242424242424242");
  auto confirmed = WaitForOrder(guest, id, [](const json::value& v) { return HasStatus(v, "confirmed"); }, {"Order-Token: " + token});
  EXPECT_EQ(Str(confirmed, "status"), "confirmed");
  // The confirmation email's link carries the token (the same one: nothing of it is stored).
  auto mail = e2e::WaitForMail(stack->maildev(), guest.email, "thank you for your order " + number);
  EXPECT_NE(Str(mail, "text").find("/account/orders/" + id + "?token=" + token), std::string::npos) << Str(mail, "text");
  HttpClient later;
  auto found = later.Post(stack->Gw("/api/order/v1/order-lookup"),
                          json::serialize(json::object{{"number", number}, {"email", guest.email}, {"token", token}}));
  EXPECT_EQ(found.status, 200) << found.body;
  auto wrong = later.Post(stack->Gw("/api/order/v1/order-lookup"),
                          json::serialize(json::object{{"number", number}, {"email", "someone@e2e-checkout.test"}, {"token", token}}));
  EXPECT_EQ(wrong.status, 404);
}

TEST_F(Checkout, AnUnpaidOrderExpiresAndItsStockIsReleased) {
  Shopper hal = Customer("Hal Slow");
  const std::int64_t version = AddToCart(hal, "AUR-256", 1);
  const std::int64_t reserved_before = OnHand("AUR-256", "reserved");
  auto placed = hal.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Hal")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = Str(Body(placed), "id");
  WaitForOrder(hal, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  EXPECT_EQ(OnHand("AUR-256", "reserved"), reserved_before + 1);
  {  // the payment window passes (orders.payment_window: 30 minutes)
    store::db::Database db(stack->order_db());
    ASSERT_TRUE(db.RunSync([&](store::db::Connection& c) {
      return c.Execute("UPDATE orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND, next_step_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = ?", id);
    }));
  }
  auto cancelled = WaitForOrder(hal, id, [](const json::value& v) { return HasStatus(v, "cancelled"); });
  EXPECT_EQ(Str(cancelled, "status"), "cancelled");
  EXPECT_TRUE(e2e::WaitUntil([&] { return OnHand("AUR-256", "reserved") == reserved_before; }, std::chrono::seconds(20)))
      << "the reservation released";
}

TEST_F(Checkout, APaymentArrivingAfterTheOrderWasCancelledIsRefundedAndTheOrderStaysCancelled) {
  Shopper ivy = Customer("Ivy Late");
  const std::int64_t version = AddToCart(ivy, "BOR-1", 1);
  auto placed = ivy.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Ivy")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = Str(Body(placed), "id");
  auto waiting = WaitForOrder(ivy, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  const std::string payment_id = Str(waiting.at("payment"), "id");
  // Paid at the provider; its webhook comes 1.5 s later. Meanwhile the payment window closes.
  PayAtProvider(*ivy.http, Str(waiting.at("next_action"), "url"), "4242424242424242");
  {
    store::db::Database db(stack->order_db());
    ASSERT_TRUE(db.RunSync([&](store::db::Connection& c) {
      return c.Execute("UPDATE orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND, next_step_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = ?", id);
    }));
  }
  auto refunded = WaitForOrder(ivy, id, [](const json::value& v) {
    for (const auto& h : v.at("history").as_array())
      if (Str(h, "status") == "refund_pending") return true;
    return false;
  });
  EXPECT_EQ(Str(refunded, "status"), "cancelled") << json::serialize(refunded) << stack->Logs();
  // The payment service gives the money back (order.cancelled: void, or refund once captured).
  EXPECT_TRUE(e2e::WaitUntil(
      [&] {
        auto r = ivy.Get("/api/payment/v1/payments/intents/" + payment_id);
        return r.status == 200 && Str(Body(r), "status") == "refunded";
      },
      std::chrono::seconds(30)))
      << ivy.Get("/api/payment/v1/payments/intents/" + payment_id).body << stack->Logs();
  // The shopper is told: the cancellation, and the refund.
  EXPECT_FALSE(e2e::WaitForMail(stack->maildev(), ivy.email, "was cancelled").empty());
  EXPECT_FALSE(e2e::WaitForMail(stack->maildev(), ivy.email, "refund of").empty());
}

// 200 shoppers race for the last 100 units of one SKU with real checkouts (guest carts, card
// payments at the provider's page): exactly 100 orders are confirmed and paid, the other 100 are
// cancelled naming the line, with no payment set up; the stock ends at 0 on hand, 0 reserved.
TEST_F(Checkout, TwoHundredShoppersRaceForTheLastHundredUnits) {
  {  // a variant of its own with 100 units
    store::db::Database db(stack->catalog_db());
    ASSERT_TRUE(db.RunSync([](store::db::Connection& c) -> store::core::Status {
      TRY_STATUS(c.Execute("INSERT INTO variants (sku, product_id, options, price_minor, currency, position) VALUES "
                           "('BOR-RACE', 'bbbbbbbb-2222-4222-8222-222222222222', '{\"edition\":\"race\"}', 9900, 'EUR', 1)"));
      TRY_STATUS(c.Execute("INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES ('BOR-RACE', 'bbbbbbbb-2222-4222-8222-222222222222', 100, 0)"));
      return {};
    }));
  }
  constexpr int kShoppers = 200;
  std::vector<Shopper> shoppers(kShoppers);
  std::vector<std::int64_t> versions(kShoppers);
  // Every cart first (the cart refuses an add once nothing is available), then every checkout at once.
  for (int i = 0; i < kShoppers; ++i) versions[i] = AddToCart(shoppers[i], "BOR-RACE", 1);
  struct Outcome {
    std::string status, reason, payment_id;
    bool unavailable_named = false;
  };
  std::vector<Outcome> outcomes(kShoppers);
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i; (i = next++) < kShoppers;) {
      Shopper& s = shoppers[i];
      auto placed = s.Post("/api/order/v1/orders",
                           json::object{{"cart_version", versions[i]}, {"email", "racer" + std::to_string(i) + "@e2e-checkout.test"},
                                        {"address", Berlin("Racer")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                           {"Idempotency-Key: " + NewKey()});
      if (placed.status != 201) {
        outcomes[i].status = "http " + std::to_string(placed.status) + " " + placed.body;
        continue;
      }
      const std::string id = Str(Body(placed), "id"), token = Str(Body(placed), "guest_token");
      auto settled = WaitForOrder(s, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment") || HasStatus(v, "cancelled"); },
                                  {"Order-Token: " + token});
      if (HasStatus(settled, "awaiting_payment")) {
        PayAtProvider(*s.http, Str(settled.at("next_action"), "url"), "4242424242424242");
        settled = WaitForOrder(s, id, [](const json::value& v) { return HasStatus(v, "confirmed"); }, {"Order-Token: " + token});
      }
      outcomes[i] = {Str(settled, "status"), Str(settled, "status_reason"), Str(settled.at("payment"), "id"),
                     settled.at("unavailable_lines").is_array() && Str(settled.at("unavailable_lines").at(0), "sku") == "BOR-RACE"};
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  int confirmed = 0, cancelled = 0;
  for (const auto& o : outcomes) {
    if (o.status == "confirmed") {
      ++confirmed;
      EXPECT_FALSE(o.payment_id.empty());
    } else if (o.status == "cancelled") {
      ++cancelled;
      EXPECT_TRUE(o.unavailable_named) << o.reason;
      EXPECT_NE(o.reason.find("insufficient_stock"), std::string::npos) << o.reason;
      EXPECT_TRUE(o.payment_id.empty()) << "no payment for an order without stock";
    } else {
      ADD_FAILURE() << "an order ended " << o.status;
    }
  }
  EXPECT_EQ(confirmed, 100);
  EXPECT_EQ(cancelled, 100);
  EXPECT_TRUE(e2e::WaitUntil([] { return OnHand("BOR-RACE", "on_hand") == 0 && OnHand("BOR-RACE", "reserved") == 0; },
                             std::chrono::seconds(30)))
      << "on hand " << OnHand("BOR-RACE", "on_hand") << ", reserved " << OnHand("BOR-RACE", "reserved");
}

// The same purchases in the storefront, in Debian's chromium (web/storefront/tests/checkout.mjs): a
// guest's cart, the checkout page with a refused postcode, express shipping and its VAT, the
// provider's page with a 3-D Secure card, back to the order's page, which turns confirmed by itself;
// a customer with a saved address, a declined card then another, the order in "Your orders".
TEST_F(Checkout, AGuestChecksOutInTheStorefrontInChromium) {
  e2e::TempDir dir("store-e2e-storefront-checkout");
  const std::string log = dir.path() + "/browser.log";
  const int code = e2e::RunCommand({STORE_NODE, e2e::SourceDir() + "/web/storefront/tests/checkout.mjs"},
                                   {{"STORE_URL", stack->Gw("")}, {"CHROMIUM", STORE_CHROMIUM}, {"STORE_E2E_ARTIFACTS", dir.path()}}, log);
  std::ifstream in(log);
  std::cout << in.rdbuf();
  EXPECT_EQ(code, 0) << "the browser journey failed (above); the services' logs:\n" << stack->Logs();
}

// Last: every event the order service published in the journeys above, against its contract.
TEST_F(Checkout, EveryPublishedOrderEventMatchesItsContract) {
  std::map<std::string, int> seen;
  for (const std::string topic : {"order.placed.v1", "order.confirmed.v1", "order.cancelled.v1"}) {
    for (const auto& m : store::testing::ReadAll(stack->prefix() + topic, std::chrono::seconds(10))) {
      auto event = store::messaging::DecodeEvent(m.value);
      ASSERT_TRUE(event) << m.value;
      EXPECT_EQ(event->type, topic);
      ASSERT_TRUE(event->data.is_object());
      store::testing::ExpectEventMatchesSchema(topic, event->data.as_object());
      ++seen[topic];
    }
  }
  EXPECT_GE(seen["order.placed.v1"], 7);
  EXPECT_GE(seen["order.confirmed.v1"], 4);
  EXPECT_GE(seen["order.cancelled.v1"], 3);
}

TEST_F(Checkout, TheOpenApiContractMatchesTheRunningRoutes) {
  Shopper kim = Customer("Kim Contract");
  auto spec = store::testing::ReadOpenApi(STORE_ORDER_OPENAPI);
  HttpClient direct;
  for (const auto& [path, methods] : spec.Routes()) {
    std::string concrete = store::testing::ConcretePath(path, {}, "00000000-0000-4000-8000-000000000000");
    for (const auto& method : store::testing::HttpMethods()) {
      auto r = direct.Send({.method = store::testing::UpperCase(method), .url = stack->order_url() + concrete,
                            .headers = {e2e::Bearer(kim.token)}, .body = method == "get" ? std::optional<std::string>() : std::string("{}")});
      if (!methods.contains(method)) {
        EXPECT_EQ(r.status, 405) << method << " " << path;
        continue;
      }
      EXPECT_TRUE(methods.at(method).contains(static_cast<int>(r.status))) << method << " " << path << " answered " << r.status << " " << r.body;
    }
  }
  auto violations = store::testing::CheckRequestPolicy(spec, stack->order_url(), {.tokens = {{"", kim.token}}});
  EXPECT_TRUE(violations.empty()) << store::testing::Join(violations);
}

}  // namespace
