// The shopper's journey to a cart through the nginx gateway, against the real services: a guest
// finds two products by search, adds both to a cart (the cart service sets the guest cookie),
// registers, logs in, merges the guest cart into the customer cart and sees one cart with both.
//
// The stack: e2e::Shop (support/shop.hpp), the services behind nginx with two products.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/testing/engines.hpp"
#include "support/http.hpp"
#include "support/process.hpp"
#include "support/shop.hpp"

namespace {

namespace json = boost::json;
using e2e::HttpClient;
using e2e::HttpResponse;

json::value Body(const HttpResponse& r) { return json::parse(r.body); }

// What a shopper does: searches for `q` (until search has indexed the product), opens the hit
// titled `title` (its product page) and picks its first variant; answers that SKU.
std::string FindSku(HttpClient& browser, e2e::Shop& stack, const std::string& q, const std::string& title) {
  std::string slug;
  EXPECT_TRUE(e2e::WaitUntil([&] {
    auto r = browser.Get(stack.Gw("/api/catalog/v1/search?q=" + q));
    if (r.status != 200) return false;
    const json::value answer = Body(r);
    for (const auto& item : answer.at("items").as_array())
      if (item.at("title").as_string() == title) {
        slug = json::value_to<std::string>(item.at("slug"));
        return true;
      }
    return false;
  }, std::chrono::seconds(60))) << "search did not find " << title << "\n" << stack.Logs();
  auto page = browser.Get(stack.Gw("/api/catalog/v1/products/" + slug + "/page"));
  EXPECT_EQ(page.status, 200) << page.body;
  if (page.status != 200) return "";
  return json::value_to<std::string>(Body(page).at("variants").at(0).at("sku"));
}

std::int64_t Quantity(const json::value& cart, const std::string& sku) {
  for (const auto& l : cart.at("lines").as_array())
    if (l.at("sku").as_string() == sku) return l.at("quantity").as_int64();
  return 0;
}

TEST(CartE2E, AGuestFindsTwoProductsAddsThemRegistersLogsInMergesAndSeesOneCartWithBoth) {
  e2e::Shop stack;
  HttpClient browser(e2e::NextLoopbackIp(), /*cookies_and_redirects=*/true);  // keeps the cart cookie

  const std::string phone = FindSku(browser, stack, "aurora", "Aurora Phone");
  const std::string headphones = FindSku(browser, stack, "borealis", "Borealis Headphones");
  ASSERT_EQ(phone, "AUR-128");
  ASSERT_EQ(headphones, "BOR-1");

  auto first = browser.Post(stack.Gw("/api/cart/v1/cart/items"), json::serialize(json::object{{"sku", phone}, {"quantity", 1}}));
  ASSERT_EQ(first.status, 200) << first.body << "\n" << stack.Logs();
  ASSERT_TRUE(first.Header("set-cookie").has_value());
  EXPECT_NE(first.Header("set-cookie")->find("cart_token="), std::string::npos);
  auto second =
      browser.Post(stack.Gw("/api/cart/v1/cart/items"), json::serialize(json::object{{"sku", headphones}, {"quantity", 2}}));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Body(second).at("item_count").as_int64(), 3) << "the cookie named the same guest cart";

  const std::string email = store::testing::UniqueName("shopper") + "@example.com";
  const std::string password = "a long journey password 7";
  auto reg = browser.Post(stack.Gw("/api/user/v1/auth/register"),
                          json::serialize(json::object{{"email", email}, {"password", password}, {"name", "Shopper"}}));
  ASSERT_EQ(reg.status, 202) << reg.body;
  auto login = browser.Post(stack.Gw("/api/user/v1/auth/login"), json::serialize(json::object{{"email", email}, {"password", password}}));
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string bearer = e2e::Bearer(json::value_to<std::string>(Body(login).at("access_token")));

  // Right after login the storefront merges the guest cart (its cookie) into the customer cart.
  auto merged = browser.Post(stack.Gw("/api/cart/v1/cart/merge"), json::serialize(json::object{{"mode", "merge"}}), {bearer});
  ASSERT_EQ(merged.status, 200) << merged.body << "\n" << stack.Logs();
  EXPECT_EQ(Body(merged).at("merged").as_array().size(), 2u);

  auto cart = browser.Get(stack.Gw("/api/cart/v1/cart"), {bearer});
  ASSERT_EQ(cart.status, 200) << cart.body;
  const auto mine = Body(cart);
  EXPECT_EQ(mine.at("lines").as_array().size(), 2u);
  EXPECT_EQ(Quantity(mine, phone), 1);
  EXPECT_EQ(Quantity(mine, headphones), 2);
  EXPECT_EQ(mine.at("subtotal").at("minor").as_int64(), 49900 + 2 * 12900);
  EXPECT_EQ(mine.at("lines").at(0).at("title").as_string(), "Aurora Phone");
  // The guest cart is gone (its cookie was cleared); the same browser without a token has none.
  auto guest = browser.Get(stack.Gw("/api/cart/v1/cart"));
  ASSERT_EQ(guest.status, 200);
  EXPECT_TRUE(Body(guest).at("lines").as_array().empty());
}

}  // namespace
