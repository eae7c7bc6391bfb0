// store_cart over HTTP, as ./store up runs it: beside the real catalog (store_catalog), on
// FerretDB, with customer tokens verified against a JWKS. Guest carts, customer carts, the
// limits and refusals, merge on login, price changes, lost races, the catalog stopping, hostile
// input, and the OpenAPI contract.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "cart_service.hpp"
#include "store/auth/secrets.hpp"
#include "store/docstore/docstore.hpp"
#include "store/testing/contract.hpp"
#include "store/testing/openapi.hpp"

namespace {

using store::cart::testing::Answer;
using store::cart::testing::Add;
using store::cart::testing::As;
using store::cart::testing::CartService;
using store::cart::testing::CatalogProcess;
using store::testing::RunAwaitable;
using namespace std::chrono_literals;

// One catalog and one cart service for the whole suite (each test uses its own carts); the
// tests that stop the catalog start it again.
class CartApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    catalog_ = new CatalogProcess();
    cart_ = new CartService(*catalog_, {{"CART_LIMITS_MAX_LINES", "2"}});
  }
  static void TearDownTestSuite() {
    delete cart_;
    delete catalog_;
  }
  void TearDown() override {
    catalog_->SetPrice("BE-1", 1999);
    catalog_->SetOnHand("AL-1", 3);
    catalog_->SetOnHand("BE-1", 50);
  }
  static std::string Unique(const std::string& what) { return store::testing::UniqueName(what); }
  static CatalogProcess* catalog_;
  static CartService* cart_;
};
CatalogProcess* CartApiTest::catalog_ = nullptr;
CartService* CartApiTest::cart_ = nullptr;

TEST_F(CartApiTest, AGuestGetsATokenOnTheFirstAddAndReviewsTheCatalogsCurrentOffers) {
  auto none = cart_->Call("GET", "/v1/cart");
  ASSERT_EQ(none.status, 200) << cart_->Log();
  EXPECT_EQ(none.Cart().at("version").as_int64(), 0);
  EXPECT_TRUE(none.Cart().at("lines").as_array().empty());
  EXPECT_TRUE(none.set_cookie.empty()) << "reading creates nothing";

  auto added = cart_->Call("POST", "/v1/cart/items", Add("AL-1", 2));
  ASSERT_EQ(added.status, 200) << added.body;
  const std::string token = added.Token();
  ASSERT_EQ(token.size(), 43u) << added.set_cookie;
  EXPECT_NE(added.set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(added.set_cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(added.set_cookie.find("Path=/api;"), std::string::npos);
  EXPECT_NE(added.set_cookie.find("Max-Age=2592000"), std::string::npos) << "30 days";
  const auto& cart = added.Cart();
  EXPECT_EQ(cart.at("version").as_int64(), 1);
  EXPECT_EQ(cart.at("item_count").as_int64(), 2);
  EXPECT_EQ(cart.at("currency").as_string(), "EUR");
  EXPECT_EQ(cart.at("subtotal").at("minor").as_int64(), 2 * 45900);
  EXPECT_FALSE(cart.at("stale").as_bool());
  const auto& line = cart.at("lines").at(0).as_object();
  EXPECT_EQ(line.at("title").as_string(), "Phone alpha");
  EXPECT_EQ(line.at("slug").as_string(), "alpha");
  EXPECT_EQ(line.at("options").at(0).at("value").as_string(), "128GB");
  EXPECT_EQ(line.at("unit_price").at("minor").as_int64(), 45900);
  EXPECT_EQ(line.at("line_total").at("minor").as_int64(), 91800);
  EXPECT_EQ(line.at("availability").as_string(), "low_stock");  // 3 available: "only 3 left"
  EXPECT_EQ(line.at("available").as_int64(), 3);
  EXPECT_TRUE(line.at("previous_price").is_null());

  // The same SKU again raises the line, never beyond the stock available now.
  const As guest{token, ""};
  auto more = cart_->Call("POST", "/v1/cart/items", Add("AL-1", 1), guest);
  ASSERT_EQ(more.status, 200) << more.body;
  EXPECT_EQ(more.Quantity("AL-1"), 3);
  EXPECT_EQ(more.Token(), token) << "the cookie is refreshed, not replaced";
  auto short_of_stock = cart_->Call("POST", "/v1/cart/items", Add("AL-1", 1), guest);
  EXPECT_EQ(short_of_stock.status, 409);
  EXPECT_EQ(short_of_stock.content_type, "application/problem+json");
  const std::string detail(short_of_stock.body.at("detail").as_string());
  EXPECT_NE(detail.find("AL-1"), std::string::npos) << detail;
  EXPECT_NE(detail.find("only 3"), std::string::npos) << detail;
  // Sold out, archived, unknown: refused, nothing changed.
  EXPECT_EQ(cart_->Call("POST", "/v1/cart/items", Add("AL-2", 1), guest).status, 409);
  EXPECT_EQ(cart_->Call("POST", "/v1/cart/items", Add("OLD-1", 1), guest).status, 422);
  auto unknown = cart_->Call("POST", "/v1/cart/items", Add("NOPE-1", 1), guest);
  EXPECT_EQ(unknown.status, 422);
  EXPECT_NE(std::string(unknown.body.at("detail").as_string()).find("NOPE-1"), std::string::npos);
  auto after = cart_->Call("GET", "/v1/cart", "", guest);
  EXPECT_EQ(after.Cart().at("version").as_int64(), 2) << "refused changes saved nothing";

  // Change the quantity, remove, empty.
  auto lowered = cart_->Call("PUT", "/v1/cart/items/AL-1", R"({"quantity":1})", guest);
  ASSERT_EQ(lowered.status, 200) << lowered.body;
  EXPECT_EQ(lowered.Quantity("AL-1"), 1);
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 4), guest).status, 200);
  auto removed = cart_->Call("DELETE", "/v1/cart/items/AL-1", "", guest);
  ASSERT_EQ(removed.status, 200);
  EXPECT_EQ(removed.Quantity("AL-1"), 0);
  EXPECT_EQ(removed.Quantity("BE-1"), 4);
  EXPECT_EQ(cart_->Call("DELETE", "/v1/cart/items/AL-1", "", guest).status, 404);
  EXPECT_EQ(cart_->Call("PUT", "/v1/cart/items/BE-1", R"({"quantity":0})", guest).Quantity("BE-1"), 0);
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 1), guest).status, 200);
  auto emptied = cart_->Call("DELETE", "/v1/cart", "", guest);
  ASSERT_EQ(emptied.status, 200);
  EXPECT_TRUE(emptied.Cart().at("lines").as_array().empty());

  // The store names the cart by the token's SHA-256; the token itself is stored nowhere.
  store::docstore::DocStore docs(cart_->docstore());
  auto carts = docs.collection("carts");
  boost::json::object by_hash{{"_id", "guest:" + store::auth::Sha256Hex(token)}};
  auto doc = RunAwaitable(carts.FindOne(by_hash));
  ASSERT_TRUE(doc && *doc) << "the guest cart is stored under the token's hash";
  EXPECT_EQ(boost::json::serialize(**doc).find(token), std::string::npos);
}

TEST_F(CartApiTest, TheLimitsHoldLinesPerCartAndQuantityPerLine) {
  const As ann{"", cart_->TokenFor(Unique("ann"))};
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("AL-1", 1), ann).status, 200);
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 98), ann).status, 409);  // 50 in stock
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 1), ann).status, 200);
  // Two lines at most in this suite (limits.max_lines = 2).
  auto full = cart_->Call("POST", "/v1/cart/items", Add("BE-2", 1), ann);
  EXPECT_EQ(full.status, 422) << full.body;
  EXPECT_NE(std::string(full.body.at("detail").as_string()).find("full"), std::string::npos) << full.body;
  // At most 99 per line: in one request (400), or added up (422).
  auto over_line = cart_->Call("POST", "/v1/cart/items", Add("BE-1", 100), ann);
  EXPECT_EQ(over_line.status, 400) << over_line.body;
  EXPECT_EQ(over_line.body.at("errors").at(0).at("field").as_string(), "quantity");
  catalog_->SetOnHand("BE-1", 500);
  auto added_up = cart_->Call("POST", "/v1/cart/items", Add("BE-1", 99), ann);
  EXPECT_EQ(added_up.status, 422) << added_up.body;
  EXPECT_EQ(cart_->Call("GET", "/v1/cart", "", ann).Quantity("BE-1"), 1);
}

TEST_F(CartApiTest, ACustomersCartComesFromTheTokenAndNobodyElseReachesIt) {
  const std::string ann_id = Unique("ann"), bob_id = Unique("bob");
  const As ann{"", cart_->TokenFor(ann_id)}, bob{"", cart_->TokenFor(bob_id)};
  auto added = cart_->Call("POST", "/v1/cart/items", Add("BE-1", 2), ann);
  ASSERT_EQ(added.status, 200) << added.body << cart_->Log();
  EXPECT_TRUE(added.set_cookie.empty()) << "a customer's cart needs no cookie";

  // A guest's cart, to try from the other side.
  auto guest_added = cart_->Call("POST", "/v1/cart/items", Add("AL-1", 1));
  const As guest{guest_added.Token(), ""};

  // Bob, a guest, a forged token, another guest's token: each reaches its own cart only.
  EXPECT_EQ(cart_->Call("GET", "/v1/cart", "", bob).Quantity("BE-1"), 0);
  EXPECT_EQ(cart_->Call("GET", "/v1/cart", "", guest).Quantity("BE-1"), 0);
  EXPECT_EQ(cart_->Call("GET", "/v1/cart", "", As{"", ann.bearer + "x"}).status, 401);
  EXPECT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 1), As{"", "not-a-token"}).status, 401);
  const As other_guest{store::auth::NewSecretToken(), ""};
  EXPECT_EQ(cart_->Call("GET", "/v1/cart", "", other_guest).Quantity("AL-1"), 0);
  // Bob and the guest on every changing route: Ann's cart does not move.
  for (const As& who : {bob, other_guest}) {
    cart_->Call("PUT", "/v1/cart/items/BE-1", R"({"quantity":1})", who);
    cart_->Call("DELETE", "/v1/cart/items/BE-1", "", who);
    cart_->Call("DELETE", "/v1/cart", "", who);
    cart_->Call("POST", "/v1/cart/prices/acknowledge", "", who);
  }
  cart_->Call("POST", "/v1/cart/merge", "{}", As{guest.cart_token, bob.bearer});  // Bob takes the guest cart...
  auto ann_cart = cart_->Call("GET", "/v1/cart", "", ann);
  EXPECT_EQ(ann_cart.Quantity("BE-1"), 2);
  EXPECT_EQ(ann_cart.Cart().at("version").as_int64(), 1);
  EXPECT_EQ(cart_->Call("GET", "/v1/cart", "", bob).Quantity("AL-1"), 1);  // ...into his own cart only
  // A guest with a cart token and a customer token sees the customer cart.
  EXPECT_EQ(cart_->Call("GET", "/v1/cart", "", As{other_guest.cart_token, ann.bearer}).Quantity("BE-1"), 2);
}

TEST_F(CartApiTest, GuestLogsInAndMergesWithCappedLinesOnceEvenWhenRetried) {
  const As ann{"", cart_->TokenFor(Unique("ann"))};
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("AL-1", 2), ann).status, 200);
  auto g = cart_->Call("POST", "/v1/cart/items", Add("AL-1", 2));
  ASSERT_EQ(g.status, 200);
  const std::string token = g.Token();
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 3), As{token, ""}).status, 200);

  const As logged_in{token, ann.bearer};
  auto merged = cart_->Call("POST", "/v1/cart/merge", R"({"mode":"merge"})", logged_in);
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_NE(merged.set_cookie.find("Max-Age=0"), std::string::npos) << "the guest cookie is cleared";
  const auto& report = merged.body.at("merged").as_array();
  ASSERT_EQ(report.size(), 2u);
  EXPECT_EQ(report[0].at("sku").as_string(), "AL-1");
  EXPECT_EQ(report[0].at("outcome").as_string(), "capped");  // 2 + 2 > 3 available
  EXPECT_EQ(report[0].at("quantity").as_int64(), 3);
  EXPECT_FALSE(report[0].at("reason").as_string().empty());
  EXPECT_EQ(report[1].at("outcome").as_string(), "added");
  Answer cart{200, merged.body.at("cart"), "", ""};
  EXPECT_EQ(cart.Quantity("AL-1"), 3);
  EXPECT_EQ(cart.Quantity("BE-1"), 3);

  // The guest cart is gone; a retried merge (double submit) changes nothing.
  EXPECT_TRUE(cart_->Call("GET", "/v1/cart", "", As{token, ""}).Cart().at("lines").as_array().empty());
  auto again = cart_->Call("POST", "/v1/cart/merge", "", logged_in);
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(again.body.at("merged").as_array().empty());
  EXPECT_EQ(Answer({200, again.body.at("cart"), "", ""}).Quantity("BE-1"), 3);
  // Merging needs a customer.
  EXPECT_EQ(cart_->Call("POST", "/v1/cart/merge", "", As{token, ""}).status, 401);

  // "Replace my cart with the guest cart" and "keep my cart".
  auto g2 = cart_->Call("POST", "/v1/cart/items", Add("BE-1", 1));
  auto replaced = cart_->Call("POST", "/v1/cart/merge", R"({"mode":"replace"})", As{g2.Token(), ann.bearer});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(Answer({200, replaced.body.at("cart"), "", ""}).Quantity("AL-1"), 0);
  EXPECT_EQ(Answer({200, replaced.body.at("cart"), "", ""}).Quantity("BE-1"), 1);
  auto g3 = cart_->Call("POST", "/v1/cart/items", Add("AL-1", 1));
  auto kept = cart_->Call("POST", "/v1/cart/merge", R"({"mode":"keep"})", As{g3.Token(), ann.bearer});
  ASSERT_EQ(kept.status, 200);
  EXPECT_EQ(Answer({200, kept.body.at("cart"), "", ""}).Quantity("AL-1"), 0);
  EXPECT_TRUE(cart_->Call("GET", "/v1/cart", "", As{g3.Token(), ""}).Cart().at("lines").as_array().empty());
  EXPECT_EQ(cart_->Call("POST", "/v1/cart/merge", R"({"mode":"both"})", ann).status, 400);
}

TEST_F(CartApiTest, APriceChangeIsFlaggedUntilTheShopperHasSeenIt) {
  const As ann{"", cart_->TokenFor(Unique("ann"))};
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 2), ann).status, 200);
  catalog_->SetPrice("BE-1", 2499);
  auto review = cart_->Call("GET", "/v1/cart", "", ann);
  const auto& line = review.Cart().at("lines").at(0);
  EXPECT_EQ(line.at("unit_price").at("minor").as_int64(), 2499);
  EXPECT_EQ(line.at("previous_price").at("minor").as_int64(), 1999);
  EXPECT_EQ(review.Cart().at("subtotal").at("minor").as_int64(), 4998);
  auto seen = cart_->Call("POST", "/v1/cart/prices/acknowledge", "", ann);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_TRUE(seen.Cart().at("lines").at(0).at("previous_price").is_null());
  EXPECT_TRUE(cart_->Call("GET", "/v1/cart", "", ann).Cart().at("lines").at(0).at("previous_price").is_null());
}

// Two tabs add at once: every acknowledged add is in the cart (a stale version is re-applied on
// the server, or answered 409 and not applied).
TEST_F(CartApiTest, ConcurrentChangesToOneCartNeverLoseAnAcknowledgedOne) {
  const As ann{"", cart_->TokenFor(Unique("ann"))};
  constexpr int kTabs = 2, kEach = 10;
  std::vector<std::future<int>> tabs;
  for (int t = 0; t < kTabs; ++t)
    tabs.push_back(std::async(std::launch::async, [&] {
      store::cart::testing::CartClient client(cart_->url());
      int ok = 0;
      for (int i = 0; i < kEach; ++i) {
        auto r = client.Call("POST", "/v1/cart/items", Add("BE-1", 1), ann);
        EXPECT_TRUE(r.status == 200 || r.status == 409) << r.status << " " << r.body;
        ok += r.status == 200;
      }
      return ok;
    }));
  int acknowledged = 0;
  for (auto& t : tabs) acknowledged += t.get();
  EXPECT_GT(acknowledged, 0);
  auto final_cart = cart_->Call("GET", "/v1/cart", "", ann);
  EXPECT_EQ(final_cart.Quantity("BE-1"), acknowledged);
  EXPECT_EQ(final_cart.Cart().at("version").as_int64(), acknowledged);
}

TEST_F(CartApiTest, WithTheCatalogStoppedTheCartShowsTheLastPricesAndRefusesWhatItCannotCheck) {
  const As ann{"", cart_->TokenFor(Unique("ann"))};
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 2), ann).status, 200);
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("AL-1", 1), ann).status, 200);
  catalog_->Stop();
  auto review = cart_->Call("GET", "/v1/cart", "", ann);
  ASSERT_EQ(review.status, 200) << review.body;
  EXPECT_TRUE(review.Cart().at("stale").as_bool());
  EXPECT_EQ(review.Cart().at("subtotal").at("minor").as_int64(), 2 * 1999 + 45900) << "the last prices seen";
  EXPECT_EQ(review.Cart().at("lines").at(0).at("availability").as_string(), "unknown");
  auto add = cart_->Call("POST", "/v1/cart/items", Add("BE-1", 1), ann);
  EXPECT_EQ(add.status, 503) << add.body;
  EXPECT_EQ(cart_->Call("PUT", "/v1/cart/items/BE-1", R"({"quantity":3})", ann).status, 503);
  auto removed = cart_->Call("DELETE", "/v1/cart/items/AL-1", "", ann);
  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(removed.Quantity("BE-1"), 2);
  catalog_->Start();
  ASSERT_TRUE(store::testing::WaitUntil([&] { return cart_->Call("POST", "/v1/cart/items", Add("BE-1", 1), ann).status == 200; }));
  EXPECT_FALSE(cart_->Call("GET", "/v1/cart", "", ann).Cart().at("stale").as_bool());
}

// Hostile input on every route: 4xx problem+json, never a 5xx, nothing stored (a guest gets no
// cart, a customer's cart keeps its version).
TEST_F(CartApiTest, HostileInputIsRefusedWithProblemsAndChangesNothing) {
  const As ann{"", cart_->TokenFor(Unique("ann"))};
  ASSERT_EQ(cart_->Call("POST", "/v1/cart/items", Add("BE-1", 1), ann).status, 200);
  std::string ten_thousand_lines = R"({"sku":"BE-1","quantity":1,"lines":[)";
  for (int i = 0; i < 10000; ++i) ten_thousand_lines += std::string(i ? "," : "") + R"({"sku":"BE-1","quantity":1})";
  ten_thousand_lines += "]}";
  const std::vector<std::pair<std::string, std::string>> bad_adds = {
      {"{", "bad JSON"},
      {"[1,2]", "not an object"},
      {R"({"sku":{"$ne":null},"quantity":1})", "operator object for a string"},
      {R"({"sku":"BE-1","quantity":{"$gt":0}})", "operator object for a number"},
      {R"({"sku":"BE-1","quantity":-1})", "negative"},
      {R"({"sku":"BE-1","quantity":0})", "zero"},
      {R"({"sku":"BE-1","quantity":1e30})", "huge"},
      {R"({"sku":"BE-1","quantity":99999999999999999999})", "beyond 64 bits"},
      {R"({"sku":"BE-1","quantity":1.5})", "fraction"},
      {R"({"sku":"BE-1","quantity":"2"})", "string number"},
      {R"({"sku":"BE-1","quantity":1,"price":{"minor":1,"currency":"EUR"}})", "a price"},
      {R"({"sku":"BE-1","quantity":1,"currency":"USD"})", "a currency"},
      {R"({"sku":"../../x","quantity":1})", "path characters"},
      {R"({"sku":"","quantity":1})", "empty SKU"},
      {R"({"quantity":1})", "no SKU"},
      {ten_thousand_lines, "10,000 lines"},
  };
  for (const As& who : {ann, As{}}) {
    for (const auto& [body, what] : bad_adds) {
      auto r = cart_->Call("POST", "/v1/cart/items", body, who);
      EXPECT_EQ(r.status / 100, 4) << what << ": " << r.status;
      EXPECT_EQ(r.content_type, "application/problem+json") << what;
      EXPECT_TRUE(r.set_cookie.empty()) << what << ": a refused request makes no cart";
    }
    for (const std::string& body : {std::string("{"), std::string(R"({"quantity":-1})"), std::string(R"({"quantity":100})"),
                                    std::string(R"({"quantity":{"$ne":1}})"), std::string(R"({"quantity":1,"sku":"AL-1"})")}) {
      auto r = cart_->Call("PUT", "/v1/cart/items/BE-1", body, who);
      EXPECT_EQ(r.status / 100, 4) << body << ": " << r.status;
    }
    EXPECT_EQ(cart_->Call("PUT", "/v1/cart/items/BE-1", R"({"quantity":1})", who, "text/plain").status, 415);
    EXPECT_EQ(cart_->Call("PUT", "/v1/cart/items/%24ne", R"({"quantity":1})", who).status / 100, 4);
    EXPECT_EQ(cart_->Call("DELETE", "/v1/cart/items/" + std::string(65, 'A'), "", who).status, 400);
  }
  EXPECT_EQ(cart_->Call("POST", "/v1/cart/merge", R"({"mode":{"$ne":null}})", ann).status, 400);
  EXPECT_EQ(cart_->Call("POST", "/v1/cart/merge", R"({"guest":"x"})", ann).status, 400);
  // A malformed cart token is no token: no cart is read or made with it.
  EXPECT_EQ(cart_->Call("GET", "/v1/cart", "", As{R"({"$ne":null})", ""}).Cart().at("version").as_int64(), 0);
  auto ann_cart = cart_->Call("GET", "/v1/cart", "", ann);
  EXPECT_EQ(ann_cart.Cart().at("version").as_int64(), 1);
  EXPECT_EQ(ann_cart.Quantity("BE-1"), 1);
}

TEST_F(CartApiTest, TheOpenApiContractMatchesTheRunningRoutes) {
  auto spec = store::testing::ReadOpenApi(STORE_CART_OPENAPI);
  const std::string customer = cart_->TokenFor(Unique("contract"));
  const std::vector<std::string> verbs = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  for (const auto& [path, methods] : spec.Routes()) {
    std::string concrete = store::testing::ConcretePath(path, {{"sku", "BE-1"}}, "");
    for (const auto& verb : verbs) {
      std::string lower = verb;
      for (char& c : lower) c = static_cast<char>(std::tolower(c));
      auto r = cart_->Call(verb, concrete, "", As{"", customer});
      if (!methods.contains(lower)) {
        EXPECT_EQ(r.status, 405) << verb << " " << path;
        continue;
      }
      EXPECT_TRUE(methods.at(lower).contains(r.status)) << verb << " " << path << " answered " << r.status << " " << r.body;
    }
  }
  auto violations = store::testing::CheckRequestPolicy(spec, cart_->url(), {.tokens = {{"", customer}}, .path_values = {{"sku", "BE-1"}}});
  EXPECT_TRUE(violations.empty()) << store::testing::Join(violations);
}

// Reviews may use offers up to catalog.review_offer_ttl old; changes always ask the catalog.
TEST(CartReviewOffers, ReviewsUseOffersAtMostTheTtlOldAndChangesTheCurrentOnes) {
  CatalogProcess catalog;
  CartService cart(catalog, {{"CART_CATALOG_REVIEW_OFFER_TTL", "2s"}});
  const As ann{"", cart.TokenFor(store::testing::UniqueName("ann"))};
  ASSERT_EQ(cart.Call("POST", "/v1/cart/items", Add("BE-1", 1), ann).status, 200) << cart.Log();
  ASSERT_EQ(cart.Call("GET", "/v1/cart", "", ann).Cart().at("lines").at(0).at("unit_price").at("minor").as_int64(), 1999);
  catalog.SetPrice("BE-1", 2222);
  catalog.SetOnHand("BE-1", 1);
  // The review a moment later may still show the offer it read (within the ttl)...
  auto soon = cart.Call("GET", "/v1/cart", "", ann);
  EXPECT_EQ(soon.Cart().at("lines").at(0).at("unit_price").at("minor").as_int64(), 1999);
  // ...but a change checks the catalog's current stock: only 1 left.
  EXPECT_EQ(cart.Call("POST", "/v1/cart/items", Add("BE-1", 1), ann).status, 409);
  // After the ttl the review shows the new price, flagged.
  EXPECT_TRUE(store::testing::WaitUntil([&] {
    return cart.Call("GET", "/v1/cart", "", ann).Cart().at("lines").at(0).at("unit_price").at("minor").as_int64() == 2222;
  }, 5s));
  auto later = cart.Call("GET", "/v1/cart", "", ann);
  EXPECT_EQ(later.Cart().at("lines").at(0).at("previous_price").at("minor").as_int64(), 1999);
}

// Guest carts expire guest.ttl after their last change: the service's sweep deletes them.
TEST(CartExpiry, TheServiceSweepsExpiredGuestCarts) {
  CatalogProcess catalog;
  // The relay drops published events at once: a cart with events in its outbox is not swept.
  CartService cart(catalog, {{"CART_GUEST_TTL", "1s"}, {"CART_GUEST_SWEEP_INTERVAL", "200ms"}, {"CART_RELAY_DROP_DELAY", "0s"}});
  auto added = cart.Call("POST", "/v1/cart/items", Add("BE-1", 1));
  ASSERT_EQ(added.status, 200) << added.body << cart.Log();
  EXPECT_NE(added.set_cookie.find("Max-Age=1;"), std::string::npos) << added.set_cookie;
  const As guest{added.Token(), ""};
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", guest).Quantity("BE-1"), 1);
  store::docstore::DocStore docs(cart.docstore());
  auto carts = docs.collection("carts");
  boost::json::object by_hash{{"_id", "guest:" + store::auth::Sha256Hex(guest.cart_token)}};
  EXPECT_TRUE(store::testing::WaitUntil([&] {
    auto doc = RunAwaitable(carts.FindOne(by_hash));
    return doc && !*doc;
  }, 10s)) << "the expired guest cart was not deleted";
}

}  // namespace
