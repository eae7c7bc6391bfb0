// Component tests of the catalog on real MariaDB, Redis and Kafka (in-process service behind a
// real HTTP server), plus the store_catalog executable itself for the OpenAPI contract and
// store_catalog_demo for the demo generator.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "domain/image.hpp"
#include "fixture.hpp"
#include "store/testing/schema.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/contract.hpp"
#include "store/testing/openapi.hpp"
#include "store/testing/process.hpp"

namespace store::catalog::testing {
namespace {

using http::Verb;
using store::testing::WaitUntil;

std::vector<json::object> OutboxEvents(CatalogFixture& f, const std::string& topic) {
  std::vector<json::object> out;
  for (auto& r : f.Query("SELECT topic, payload FROM outbox ORDER BY id")) {
    if (r.Text("topic") != topic) continue;
    out.push_back(json::parse(r.Text("payload")).as_object());
  }
  return out;
}


TEST(CatalogComponent, CategoryTreeBrowseWithDescendantsBreadcrumbsSortAndPages) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  MakePhone(f, c, s.smartphones, "Alpha Phone", 50000, {{"A-1", 5}});
  MakePhone(f, c, s.smartphones, "Charlie Phone", 30000, {{"C-1", 5}});
  MakePhone(f, c, s.tablets, "Bravo Tab", 70000, {{"B-1", 0}});
  auto draft = c.Send(Verb::post, "/v1/admin/products",
                      R"({"title":"Hidden Draft","product_type":"smartphone","category_id":)" + std::to_string(s.tablets) +
                          R"(,"specs":{"screen_size":5}})",
                      f.Admin());
  ASSERT_EQ(draft.status, 201) << draft.raw;

  auto tree = c.Send(Verb::get, "/v1/categories");
  ASSERT_EQ(tree.status, 200);
  EXPECT_EQ(tree.body.at("categories").at(0).at("children").at(0).at("children").as_array().size(), 2u);

  // The root lists the products of every descendant (active only), newest first by default.
  auto root = c.Send(Verb::get, "/v1/categories/electronics/products");
  ASSERT_EQ(root.status, 200) << root.raw;
  EXPECT_EQ(root.body.at("total").as_int64(), 3);
  auto titles = [](const Reply& r) {
    std::vector<std::string> t;
    for (auto& i : r.body.at("items").as_array()) t.emplace_back(i.at("title").as_string());
    return t;
  };
  EXPECT_EQ(titles(c.Send(Verb::get, "/v1/categories/electronics/products?sort=price_asc")),
            (std::vector<std::string>{"Charlie Phone", "Alpha Phone", "Bravo Tab"}));
  EXPECT_EQ(titles(c.Send(Verb::get, "/v1/categories/electronics/products?sort=price_desc")),
            (std::vector<std::string>{"Bravo Tab", "Alpha Phone", "Charlie Phone"}));
  EXPECT_EQ(titles(c.Send(Verb::get, "/v1/categories/electronics/products?sort=name")),
            (std::vector<std::string>{"Alpha Phone", "Bravo Tab", "Charlie Phone"}));
  EXPECT_EQ(titles(c.Send(Verb::get, "/v1/categories/smartphones/products?sort=name")),
            (std::vector<std::string>{"Alpha Phone", "Charlie Phone"}));
  auto page2 = c.Send(Verb::get, "/v1/categories/electronics/products?sort=name&page=2&per_page=2");
  EXPECT_EQ(titles(page2), (std::vector<std::string>{"Charlie Phone"}));
  EXPECT_EQ(page2.body.at("pages").as_int64(), 2);
  auto bravo = c.Send(Verb::get, "/v1/categories/tablets/products").body.at("items").at(0);
  EXPECT_FALSE(bravo.at("in_stock").as_bool());

  auto cat = c.Send(Verb::get, "/v1/categories/smartphones");
  ASSERT_EQ(cat.status, 200);
  auto& bc = cat.body.at("breadcrumbs").as_array();
  ASSERT_EQ(bc.size(), 3u);
  EXPECT_EQ(bc[0].at("slug").as_string(), "electronics");
  EXPECT_EQ(bc[2].at("slug").as_string(), "smartphones");

  auto bad = c.Send(Verb::get, "/v1/categories/electronics/products?sort=random&per_page=1000");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.at("errors").as_array().size(), 2u);
  EXPECT_EQ(c.Send(Verb::get, "/v1/categories/nope/products").status, 404);

  // Moving a subtree keeps "with descendants" right; a category cannot move under itself.
  auto phones = c.Send(Verb::get, "/v1/categories/phones");
  auto moved = c.Send(Verb::patch, "/v1/admin/categories/" + std::to_string(s.tablets),
                      R"({"parent_id":)" + std::to_string(s.smartphones) + "}", {{"Authorization", f.Admin()[0].second}, {"If-Match", "\"1\""}});
  ASSERT_EQ(moved.status, 200) << moved.raw;
  EXPECT_EQ(c.Send(Verb::get, "/v1/categories/smartphones/products").body.at("total").as_int64(), 3);
  auto loop = c.Send(Verb::patch, "/v1/admin/categories/" + std::to_string(s.phones), R"({"parent_id":)" + std::to_string(s.tablets) + "}",
                     {{"Authorization", f.Admin()[0].second}, {"If-Match", phones.etag}});
  EXPECT_EQ(loop.status, 422) << loop.raw;
  EXPECT_EQ(c.Send(Verb::delete_, "/v1/admin/categories/" + std::to_string(s.tablets), "", f.Admin()).status, 409);
}

TEST(CatalogComponent, ValidationReportsFieldErrorsAndChangesNothing) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  auto r = c.Send(Verb::post, "/v1/admin/products",
                  R"({"product_type":"smartphone","category_id":)" + std::to_string(s.smartphones) +
                      R"(,"specs":{"screen_size":"big","warp_drive":1},"variants":[{"sku":"bad sku!","price":{"minor":100,"currency":"USD"}}]})",
                  f.Admin());
  ASSERT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.content_type, "application/problem+json");
  std::set<std::string> fields;
  for (auto& e : r.body.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  for (const char* want : {"title", "variants[0].sku", "variants[0].price.currency"}) EXPECT_TRUE(fields.count(want)) << want << " in " << r.raw;
  auto r2 = c.Send(Verb::post, "/v1/admin/products",
                   R"({"title":"X","product_type":"smartphone","category_id":)" + std::to_string(s.smartphones) +
                       R"(,"specs":{"screen_size":"big","warp_drive":1,"five_g":"yes"}})",
                   f.Admin());
  ASSERT_EQ(r2.status, 400) << r2.raw;
  fields.clear();
  for (auto& e : r2.body.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"specs.screen_size", "specs.warp_drive", "specs.five_g"}));
  auto r3 = c.Send(Verb::post, "/v1/admin/products",
                   R"({"title":"X","product_type":"smartphone","category_id":)" + std::to_string(s.smartphones) + R"(,"specs":{}})", f.Admin());
  EXPECT_EQ(r3.status, 400);
  EXPECT_NE(r3.raw.find("specs.screen_size"), std::string::npos);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/products", "[1,2]", f.Admin()).status, 400);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/products", "{not json", f.Admin()).status, 400);
  EXPECT_EQ(f.Query("SELECT COUNT(*) AS n FROM products")[0].Int("n"), 0);
  EXPECT_EQ(f.Query("SELECT COUNT(*) AS n FROM outbox")[0].Int("n"), 0);
  // Duplicate slug and SKU are 409.
  MakePhone(f, c, s.smartphones, "Same", 100, {{"S-1", 1}});
  auto dup = c.Send(Verb::post, "/v1/admin/products",
                    R"({"title":"Same","product_type":"smartphone","category_id":)" + std::to_string(s.smartphones) + R"(,"specs":{"screen_size":5}})",
                    f.Admin());
  EXPECT_EQ(dup.status, 409);
}

TEST(CatalogComponent, MarkdownIsRenderedSanitized) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  json::object body{{"title", "Markdown Phone"},
                    {"product_type", "smartphone"},
                    {"category_id", s.smartphones},
                    {"status", "active"},
                    {"specs", {{"screen_size", 6}}},
                    {"description",
                     "# Big\n\n*fast* and **strong** <script>alert(1)</script>\n\n- one\n- two\n\n[ok](https://example.com) "
                     "[evil](javascript:alert(1)) <img src=x onerror=alert(1)> `code`"}};
  auto r = c.Send(Verb::post, "/v1/admin/products", json::serialize(body), f.Admin());
  ASSERT_EQ(r.status, 201) << r.raw;
  std::string html(r.body.at("product").at("description_html").as_string());
  EXPECT_NE(html.find("<h1>Big</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<em>fast</em>"), std::string::npos);
  EXPECT_NE(html.find("<strong>strong</strong>"), std::string::npos);
  EXPECT_NE(html.find("<li>one</li>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://example.com\">ok</a>"), std::string::npos);
  EXPECT_NE(html.find("<code>code</code>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  auto ev = OutboxEvents(f, "product.upserted.v1").back();
  std::string text(ev.at("data").at("description").as_string());
  EXPECT_EQ(text.find('*'), std::string::npos) << text;
  EXPECT_NE(text.find("fast and strong"), std::string::npos) << text;
}

TEST(CatalogComponent, ProductPageIsCachedAndInvalidatedOnEveryChange) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  auto p = MakePhone(f, c, s.smartphones, "Cache Phone", 49900, {{"CP-1", 3}, {"CP-2", 0}});
  std::string id(p.at("product").at("id").as_string());
  auto page = c.Send(Verb::get, "/v1/products/cache-phone/page");
  ASSERT_EQ(page.status, 200) << page.raw;
  EXPECT_EQ(page.x_cache, "miss");
  EXPECT_EQ(c.Send(Verb::get, "/v1/products/cache-phone/page").x_cache, "hit");
  EXPECT_EQ(c.Send(Verb::get, "/v1/products/" + id + "/page").body, page.body);  // by id as well
  auto& b = page.body.as_object();
  EXPECT_EQ(b.at("breadcrumbs").as_array().size(), 3u);
  EXPECT_EQ(b.at("variants").as_array().size(), 2u);
  EXPECT_EQ(b.at("variants").at(0).at("available").as_int64(), 3);
  EXPECT_FALSE(b.at("variants").at(1).at("in_stock").as_bool());
  EXPECT_EQ(b.at("specs").at(0).at("key").as_string(), "screen_size");
  EXPECT_EQ(b.at("specs").at(0).at("unit").as_string(), "in");
  EXPECT_EQ(b.at("product").at("brand").at("name").as_string(), "Samsung");

  // Edit the product: the next page read is a miss with the new title.
  auto admin_get = c.Send(Verb::get, "/v1/admin/products/" + id, "", f.Admin());
  ASSERT_EQ(admin_get.status, 200);
  auto patched = c.Send(Verb::patch, "/v1/admin/products/" + id, R"({"title":"Cache Phone Pro"})",
                        {{"Authorization", f.Admin()[0].second}, {"If-Match", admin_get.etag}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  auto after = c.Send(Verb::get, "/v1/products/cache-phone/page");
  EXPECT_EQ(after.x_cache, "miss");
  EXPECT_EQ(after.body.at("product").at("title").as_string(), "Cache Phone Pro");

  // Stock: the page shows the new availability.
  c.Send(Verb::get, "/v1/products/cache-phone/page");
  auto st = c.Send(Verb::put, "/v1/admin/skus/CP-2/stock", R"({"on_hand":7})", f.Admin());
  ASSERT_EQ(st.status, 200) << st.raw;
  EXPECT_EQ(c.Send(Verb::get, "/v1/products/cache-phone/page").body.at("variants").at(1).at("available").as_int64(), 7);

  // A reservation changes availability too.
  auto res = c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-cache","lines":[{"sku":"CP-1","quantity":2}]})", f.Service());
  ASSERT_EQ(res.status, 201) << res.raw;
  EXPECT_EQ(c.Send(Verb::get, "/v1/products/cache-phone/page").body.at("variants").at(0).at("available").as_int64(), 1);

  // Renaming a category rewrites the breadcrumbs of the pages below it.
  c.Send(Verb::get, "/v1/products/cache-phone/page");
  auto cat = c.Send(Verb::get, "/v1/categories/phones");
  auto ren = c.Send(Verb::patch, "/v1/admin/categories/" + std::to_string(s.phones), R"({"name":"Mobile Phones"})",
                    {{"Authorization", f.Admin()[0].second}, {"If-Match", cat.etag}});
  ASSERT_EQ(ren.status, 200) << ren.raw;
  auto crumbs = c.Send(Verb::get, "/v1/products/cache-phone/page");
  EXPECT_EQ(crumbs.x_cache, "miss");
  EXPECT_EQ(crumbs.body.at("breadcrumbs").at(1).at("name").as_string(), "Mobile Phones");

  // Archived: gone from the public page (and from the cache).
  auto again = c.Send(Verb::get, "/v1/admin/products/" + id, "", f.Admin());
  auto arch = c.Send(Verb::post, "/v1/admin/products/" + id + "/archive", "", {{"Authorization", f.Admin()[0].second}, {"If-Match", again.etag}});
  ASSERT_EQ(arch.status, 200) << arch.raw;
  EXPECT_EQ(c.Send(Verb::get, "/v1/products/cache-phone/page").status, 404);
  EXPECT_EQ(c.Send(Verb::get, "/v1/products/no-such-thing/page").status, 404);
}

// What a cart asks: the current offer of each SKU, whatever the product's status, with the stock
// available after reservations; unknown SKUs absent; a bad list is a 400 naming `skus`.
TEST(CatalogComponent, OffersOfSkusForCartsAndOrders) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  auto p = MakePhone(f, c, s.smartphones, "Offer Phone", 45900, {{"OF-1", 5}, {"OF-2", 0}});
  auto res = c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-offer","lines":[{"sku":"OF-1","quantity":2}]})", f.Service());
  ASSERT_EQ(res.status, 201) << res.raw;

  auto offers = c.Send(Verb::get, "/v1/skus?skus=OF-2,NOPE-1,OF-1,OF-1");
  ASSERT_EQ(offers.status, 200) << offers.raw;
  const auto& items = offers.body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);  // NOPE-1 absent, OF-1 once
  EXPECT_EQ(items[0].at("sku").as_string(), "OF-1");
  EXPECT_EQ(items[0].at("available").as_int64(), 3);  // 5 on hand, 2 reserved
  EXPECT_EQ(items[0].at("price").at("minor").as_int64(), 45900);
  EXPECT_EQ(items[0].at("price").at("currency").as_string(), "EUR");
  EXPECT_EQ(items[0].at("status").as_string(), "active");
  EXPECT_EQ(items[0].at("title").as_string(), "Offer Phone");
  EXPECT_EQ(items[0].at("options").at("storage").as_string(), "128GB");
  EXPECT_EQ(items[0].at("product_id"), p.at("product").at("id"));
  EXPECT_TRUE(items[0].at("image_url").is_null());
  EXPECT_EQ(items[1].at("available").as_int64(), 0);

  // Archived: still answered, so a cart can say the line is no longer sold.
  std::string id(p.at("product").at("id").as_string());
  auto current = c.Send(Verb::get, "/v1/admin/products/" + id, "", f.Admin());
  ASSERT_EQ(c.Send(Verb::post, "/v1/admin/products/" + id + "/archive", "", {{"Authorization", f.Admin()[0].second}, {"If-Match", current.etag}}).status, 200);
  EXPECT_EQ(c.Send(Verb::get, "/v1/skus?skus=OF-1").body.at("items").at(0).at("status").as_string(), "archived");

  std::string many;
  for (int i = 0; i < 101; ++i) many += (i ? ",S-" : "S-") + std::to_string(i);
  for (const std::string& bad : {std::string(""), std::string("?skus="), std::string("?skus=A,,B"), std::string("?skus=a%20b"),
                                 std::string("?skus=") + std::string(65, 'x'), "?skus=" + many}) {
    auto r = c.Send(Verb::get, "/v1/skus" + bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.raw;
    if (r.status == 400) {
      EXPECT_EQ(r.body.at("errors").at(0).at("field").as_string(), "skus") << bad;
    }
  }
}

TEST(CatalogComponent, OptimisticConcurrencyAndAdminRole) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  auto p = MakePhone(f, c, s.smartphones, "Concurrent Phone", 100, {{"CC-1", 1}});
  std::string id(p.at("product").at("id").as_string());
  std::int64_t v = p.at("product").at("version").as_int64();
  auto ok = c.Send(Verb::patch, "/v1/admin/products/" + id, R"({"title":"A","version":)" + std::to_string(v) + "}", f.Admin());
  ASSERT_EQ(ok.status, 200) << ok.raw;
  auto stale_body = c.Send(Verb::patch, "/v1/admin/products/" + id, R"({"title":"B","version":)" + std::to_string(v) + "}", f.Admin());
  EXPECT_EQ(stale_body.status, 409);
  auto stale_header = c.Send(Verb::patch, "/v1/admin/products/" + id, R"({"title":"B"})",
                             {{"Authorization", f.Admin()[0].second}, {"If-Match", "\"" + std::to_string(v) + "\""}});
  EXPECT_EQ(stale_header.status, 412);
  EXPECT_EQ(c.Send(Verb::patch, "/v1/admin/products/" + id, R"({"title":"B"})", f.Admin()).status, 400);
  auto st = c.Send(Verb::get, "/v1/skus/CC-1/stock");
  EXPECT_EQ(c.Send(Verb::put, "/v1/admin/skus/CC-1/stock", R"({"on_hand":5})", {{"Authorization", f.Admin()[0].second}, {"If-Match", "\"999\""}}).status, 412);
  EXPECT_EQ(c.Send(Verb::put, "/v1/admin/skus/CC-1/stock", R"({"on_hand":5})", {{"Authorization", f.Admin()[0].second}, {"If-Match", st.etag}}).status, 200);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/products/" + id).status, 401);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/products/" + id, "", {{"Authorization", "Bearer forged.token.here"}}).status, 401);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/products/" + id, "", {{"Authorization", "Bearer " + f.Token({"customer"})}}).status, 403);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/categories", R"({"name":"X"})", {{"Authorization", "Bearer " + f.Token({"customer"})}}).status, 403);
  EXPECT_EQ(f.Query("SELECT title FROM products")[0].Text("title"), "A");
}

TEST(CatalogComponent, TheAdminListHasEveryStatusAndFindsByTitleSlugOrSkuInACategoryTree) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  MakePhone(f, c, s.smartphones, "Listed Alpha", 100, {{"LA-1", 1}});
  auto beta = MakePhone(f, c, s.smartphones, "Listed Beta 50%", 100, {{"LB-1", 0}});
  MakePhone(f, c, s.tablets, "Listed Gamma", 100, {{"LG-1", 3}});
  std::string beta_id(beta.at("product").at("id").as_string());
  ASSERT_EQ(c.Send(Verb::post, "/v1/admin/products/" + beta_id + "/archive", "", f.Admin()).status, 200);
  auto list = [&](const std::string& query) {
    auto r = c.Send(Verb::get, "/v1/admin/products" + query, "", f.Admin());
    EXPECT_EQ(r.status, 200) << query << ": " << r.raw;
    std::vector<std::string> titles;
    for (const auto& item : r.body.at("items").as_array()) titles.emplace_back(item.at("title").as_string());
    return std::make_pair(titles, r.body);
  };
  auto [all, body] = list("");
  EXPECT_EQ(all, (std::vector<std::string>{"Listed Gamma", "Listed Beta 50%", "Listed Alpha"})) << "newest first, archived too";
  EXPECT_EQ(body.at("total").as_int64(), 3);
  EXPECT_EQ(body.at("items").as_array()[1].at("status").as_string(), "archived");
  EXPECT_EQ(list("?status=archived").first, (std::vector<std::string>{"Listed Beta 50%"}));
  EXPECT_EQ(list("?status=active&category=phones").first, (std::vector<std::string>{"Listed Gamma", "Listed Alpha"})) << "the subtree";
  EXPECT_EQ(list("?category=tablets").first, (std::vector<std::string>{"Listed Gamma"}));
  EXPECT_EQ(list("?q=alpha").first, (std::vector<std::string>{"Listed Alpha"})) << "a part of the title, any case";
  EXPECT_EQ(list("?q=listed-gamma").first, (std::vector<std::string>{"Listed Gamma"})) << "a part of the slug";
  EXPECT_EQ(list("?q=LB-1").first, (std::vector<std::string>{"Listed Beta 50%"})) << "a whole SKU";
  EXPECT_EQ(list("?q=50%25").first, (std::vector<std::string>{"Listed Beta 50%"})) << "% is literal";
  EXPECT_TRUE(list("?q=%25%25").first.empty());
  auto page = list("?per_page=2&page=2");
  EXPECT_EQ(page.first, (std::vector<std::string>{"Listed Alpha"}));
  EXPECT_EQ(page.second.at("pages").as_int64(), 2);
  for (const char* bad : {"?status=deleted", "?page=0", "?per_page=500", "?page=x"})
    EXPECT_EQ(c.Send(Verb::get, std::string("/v1/admin/products") + bad, "", f.Admin()).status, 400) << bad;
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/products?category=no-such", "", f.Admin()).status, 404);
  // The admin's view of one: the Markdown source and each variant's units, which the public page hides.
  auto admin_view = c.Send(Verb::get, "/v1/admin/products/" + beta_id, "", f.Admin());
  ASSERT_EQ(admin_view.status, 200);
  EXPECT_EQ(admin_view.body.at("product").at("description_md").as_string(), "A **great** phone.");
  EXPECT_EQ(admin_view.body.at("variants").at(0).at("on_hand").as_int64(), 0);
  EXPECT_EQ(admin_view.body.at("variants").at(0).at("reserved").as_int64(), 0);
  auto gamma_page = c.Send(Verb::get, "/v1/products/listed-gamma/page");
  ASSERT_EQ(gamma_page.status, 200);
  EXPECT_FALSE(gamma_page.body.at("product").as_object().contains("description_md"));
  EXPECT_FALSE(gamma_page.body.at("variants").at(0).as_object().contains("on_hand"));
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/products").status, 401);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/products", "", {{"Authorization", "Bearer " + f.Token({"customer"})}}).status, 403);
}

TEST(CatalogComponent, StockAdjustmentsKeepWhoWhyAndHowMuchAndTheLowStockListFindsTheShortSkus) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  MakePhone(f, c, s.smartphones, "Plenty Phone", 100, {{"PL-1", 50}});
  MakePhone(f, c, s.smartphones, "Short Phone", 100, {{"SH-1", 2}, {"SH-2", 0}});
  auto draft = MakePhone(f, c, s.smartphones, "Archived Phone", 100, {{"DR-1", 0}});
  const std::string draft_id(draft.at("product").at("id").as_string());
  ASSERT_EQ(c.Send(Verb::post, "/v1/admin/products/" + draft_id + "/archive", "", f.Admin()).status, 200);
  auto put = [&](const std::string& body) { return c.Send(Verb::put, "/v1/admin/skus/PL-1/stock", body, f.Admin()); };
  ASSERT_EQ(put(R"({"delta":12,"reason":"received","note":"delivery 4711"})").status, 200);
  ASSERT_EQ(put(R"({"on_hand":60})").status, 200) << "a count: its reason by default";
  // Refused, and nothing recorded: a delta without its reason, an unknown reason, a long note, below zero.
  EXPECT_EQ(put(R"({"delta":-1})").status, 400);
  EXPECT_EQ(put(R"({"delta":-1,"reason":"stolen"})").status, 400);
  EXPECT_EQ(put(R"({"delta":-1,"reason":"lost","note":")" + std::string(301, 'x') + "\"}").status, 400);
  EXPECT_EQ(put(R"({"delta":-100,"reason":"lost"})").status, 409);
  auto history = c.Send(Verb::get, "/v1/admin/skus/PL-1/adjustments", "", f.Admin());
  ASSERT_EQ(history.status, 200) << history.raw;
  const auto& items = history.body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << history.raw;
  EXPECT_EQ(items[0].at("reason").as_string(), "count") << "newest first";
  EXPECT_EQ(items[0].at("delta").as_int64(), -2);
  EXPECT_EQ(items[0].at("on_hand_after").as_int64(), 60);
  EXPECT_EQ(items[1].at("reason").as_string(), "received");
  EXPECT_EQ(items[1].at("delta").as_int64(), 12);
  EXPECT_EQ(items[1].at("note").as_string(), "delivery 4711");
  EXPECT_EQ(items[1].at("actor").as_string(), "user-1") << "the staff member's user id, from the token";
  EXPECT_EQ(f.Query("SELECT on_hand FROM stock WHERE sku = 'PL-1'")[0].Int("on_hand"), 60);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/skus/NO-SUCH/adjustments", "", f.Admin()).status, 404);

  auto low = [&](const std::string& query) {
    auto r = c.Send(Verb::get, "/v1/admin/stock/low" + query, "", f.Admin());
    EXPECT_EQ(r.status, 200) << query << ": " << r.raw;
    std::vector<std::string> skus;
    for (const auto& item : r.body.at("items").as_array()) skus.emplace_back(item.at("sku").as_string());
    return std::make_pair(skus, r.body);
  };
  auto [short_skus, body] = low("");
  EXPECT_EQ(short_skus, (std::vector<std::string>{"SH-2", "SH-1"})) << "active products only, fewest available first";
  EXPECT_EQ(body.at("threshold").as_int64(), 5) << "stock.low_threshold";
  EXPECT_EQ(body.at("items").as_array()[1].at("title").as_string(), "Short Phone");
  EXPECT_EQ(body.at("items").as_array()[1].at("available").as_int64(), 2);
  EXPECT_EQ(low("?threshold=0").first, (std::vector<std::string>{"SH-2"}));
  EXPECT_EQ(low("?threshold=100").first, (std::vector<std::string>{"SH-2", "SH-1", "PL-1"}));
  EXPECT_EQ(low("?threshold=100&per_page=1&page=2").first, (std::vector<std::string>{"SH-1"}));
  for (const char* bad : {"?threshold=-1", "?threshold=x", "?page=0", "?per_page=500"})
    EXPECT_EQ(c.Send(Verb::get, std::string("/v1/admin/stock/low") + bad, "", f.Admin()).status, 400) << bad;
  const auto customer = std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + f.Token({"customer"})}};
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/stock/low", "", customer).status, 403);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/skus/PL-1/adjustments", "", customer).status, 403);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/stock/low").status, 401);
}

TEST(CatalogComponent, TheMarkdownPreviewRendersLikeASavedDescriptionForStaffOnly) {
  CatalogFixture f;
  Caller c(f.Url());
  auto r = c.Send(Verb::post, "/v1/admin/markdown", R"({"markdown":"A **bold** [link](javascript:alert(1)) <script>x</script>"})", f.Admin());
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string html(r.body.at("html").as_string());
  EXPECT_NE(html.find("<strong>bold</strong>"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << "an unsafe link is dropped: " << html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << "raw HTML is dropped: " << html;
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/markdown", R"({"markdown":""})", f.Admin()).status, 200);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/markdown", R"({"markdown":1})", f.Admin()).status, 400);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/markdown", R"({"text":"x"})", f.Admin()).status, 400);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/markdown", R"({"markdown":")" + std::string(20001, 'a') + "\"}", f.Admin()).status, 400);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/markdown", R"({"markdown":"x"})").status, 401);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/markdown", R"({"markdown":"x"})", {{"Authorization", "Bearer " + f.Token({"customer"})}}).status, 403);
}

TEST(CatalogComponent, ImagesAreSniffedLimitedAndStoredInRenditions) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  auto p = MakePhone(f, c, s.smartphones, "Image Phone", 100, {{"IM-1", 1}});
  std::string id(p.at("product").at("id").as_string());
  RgbImage img{1200, 600, std::vector<std::uint8_t>(1200 * 600 * 3, 128)};
  std::string png = EncodePng(img);
  auto up = c.Send(Verb::post, "/v1/admin/products/" + id + "/images?alt=Front", png, f.Admin(), "application/octet-stream");
  ASSERT_EQ(up.status, 201) << up.raw;
  EXPECT_EQ(up.body.at("width").as_int64(), 1200);
  for (auto [size, w, h] : std::vector<std::tuple<std::string, int, int>>{{"160", 160, 80}, {"480", 480, 240}, {"1024", 1024, 512}}) {
    std::string url(up.body.at("renditions").at(size).as_string());
    ASSERT_TRUE(url.starts_with("/media/products/" + id + "/")) << url;
    std::ifstream in(f.media() / url.substr(7), std::ios::binary);
    ASSERT_TRUE(in) << url;
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(SniffImageType(bytes), ImageType::jpeg);
    auto decoded = DecodeImage(bytes);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->width, w);
    EXPECT_EQ(decoded->height, h);
  }
  auto page = c.Send(Verb::get, "/v1/products/image-phone/page");
  ASSERT_EQ(page.body.at("images").as_array().size(), 1u);
  EXPECT_EQ(page.body.at("images").at(0).at("alt").as_string(), "Front");
  auto ev = OutboxEvents(f, "product.upserted.v1").back();
  EXPECT_EQ(std::string(ev.at("data").at("image_url").as_string()), std::string(up.body.at("renditions").at("480").as_string()));

  auto text = c.Send(Verb::post, "/v1/admin/products/" + id + "/images", "<svg onload=alert(1)>", f.Admin(), "image/png");
  EXPECT_EQ(text.status, 415) << text.raw;
  std::string fake_png = std::string("\x89PNG\r\n\x1a\n", 8) + "garbage";
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/products/" + id + "/images", fake_png, f.Admin(), "image/png").status, 400);
  std::string huge(9 * 1024 * 1024, 'x');
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/products/" + id + "/images", huge, f.Admin(), "image/png").status, 413);
  EXPECT_EQ(c.Send(Verb::post, "/v1/admin/products/" + id + "/images", png, {}, "image/png").status, 401);

  std::string image_id = std::to_string(up.body.at("id").as_int64());
  EXPECT_EQ(c.Send(Verb::delete_, "/v1/admin/products/" + id + "/images/" + image_id, "", f.Admin()).status, 204);
  std::string url(up.body.at("renditions").at("480").as_string());
  EXPECT_FALSE(std::filesystem::exists(f.media() / url.substr(7)));
  EXPECT_TRUE(c.Send(Verb::get, "/v1/products/image-phone/page").body.at("images").as_array().empty());
}

// The model line (the products of one model share it; search shows them as one result): set on
// creation or by a change, cleared with null, refused when not a slug, and published.
TEST(CatalogComponent, AModelLineIsSetChangedClearedAndPublished) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  json::object body{{"title", "Line Phone Red"}, {"brand", "Samsung"}, {"product_type", "smartphone"}, {"category_id", s.smartphones},
                    {"status", "active"}, {"model_line", "line-phone"},
                    {"specs", {{"screen_size", 6.1}, {"five_g", true}, {"os", "Android"}}},
                    {"variants", json::array{json::object{{"sku", "LP-R"}, {"options", {{"storage", "128GB"}}},
                                                          {"price", {{"minor", 30000}, {"currency", "EUR"}}}, {"on_hand", 3}}}}};
  auto created = c.Send(Verb::post, "/v1/admin/products", json::serialize(body), f.Admin());
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body.at("product").at("model_line").as_string(), "line-phone");
  const std::string id(created.body.at("product").at("id").as_string());
  auto last_upsert = [&] { return OutboxEvents(f, "product.upserted.v1").back().at("data").as_object(); };
  store::testing::ExpectEventMatchesSchema("product.upserted.v1", last_upsert());
  EXPECT_EQ(last_upsert().at("model_line").as_string(), "line-phone");
  auto patch = [&](const std::string& json_body) {
    auto g = c.Send(Verb::get, "/v1/admin/products/" + id, "", f.Admin());
    return c.Send(Verb::patch, "/v1/admin/products/" + id, json_body, {{"Authorization", f.Admin()[0].second}, {"If-Match", g.etag}});
  };
  auto bad = patch(R"({"model_line":"Not A Line"})");
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_NE(bad.raw.find("model_line"), std::string::npos) << bad.raw;
  EXPECT_EQ(last_upsert().at("model_line").as_string(), "line-phone") << "nothing changed";
  auto moved = patch(R"({"model_line":"other-line"})");
  ASSERT_EQ(moved.status, 200) << moved.raw;
  EXPECT_EQ(moved.body.at("product").at("model_line").as_string(), "other-line");
  EXPECT_EQ(last_upsert().at("model_line").as_string(), "other-line");
  auto cleared = patch(R"({"model_line":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.raw;
  EXPECT_TRUE(cleared.body.at("product").at("model_line").is_null());
  EXPECT_TRUE(last_upsert().at("model_line").is_null());
  store::testing::ExpectEventMatchesSchema("product.upserted.v1", last_upsert());
  // Its page (the storefront's product page) names the line.
  ASSERT_EQ(patch(R"({"model_line":"line-phone"})").status, 200);
  auto slug = std::string(created.body.at("product").at("slug").as_string());
  EXPECT_EQ(c.Send(Verb::get, "/v1/products/" + slug + "/page").body.at("product").at("model_line").as_string(), "line-phone");
}

TEST(CatalogComponent, AProductTypeChangesAsFarAsItsProductsAllowAndRelabelsThem) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  auto phone = MakePhone(f, c, s.smartphones, "Type Phone", 30000, {{"TP-1", 2}});
  auto put = [&](const std::string& body, std::vector<std::pair<std::string, std::string>> extra = {}) {
    auto headers = f.Admin();
    headers.insert(headers.end(), extra.begin(), extra.end());
    return c.Send(Verb::put, "/v1/admin/product-types/smartphone", body, headers);
  };
  auto events_before = OutboxEvents(f, "product.upserted.v1").size();
  // Its products hold values for all three fields: "os" cannot go, "screen_size" keeps its kind,
  // and a new field cannot be required (the phone has no value for it). Nothing changes.
  auto refused = put(R"({"name":"Smartphone","specs":[
      {"key":"screen_size","name":"Screen size","kind":"text","unit":"in","required":true},
      {"key":"five_g","name":"5G","kind":"bool"},
      {"key":"ram","name":"RAM","kind":"number","required":true}]})");
  ASSERT_EQ(refused.status, 422) << refused.raw;
  for (const char* field : {"\"specs\"", "specs[0].kind", "specs[2].required"}) EXPECT_NE(refused.raw.find(field), std::string::npos) << field << refused.raw;
  auto types = c.Send(Verb::get, "/v1/product-types");
  ASSERT_EQ(types.status, 200);
  const auto& type = types.body.at("product_types").as_array()[0].as_object();
  EXPECT_EQ(type.at("specs").as_array().size(), 3u) << "nothing changed";
  EXPECT_EQ(type.at("version").as_int64(), 1);
  // Allowed: a new label and unit, the order, an optional new field, "os" made optional (it was).
  auto changed = put(R"({"name":"Mobile phone","version":1,"specs":[
      {"key":"os","name":"OS","kind":"text"},
      {"key":"screen_size","name":"Display","kind":"number","unit":"inch","required":true},
      {"key":"five_g","name":"5G","kind":"bool"},
      {"key":"ram","name":"RAM","kind":"number","unit":"GB"}]})");
  ASSERT_EQ(changed.status, 200) << changed.raw;
  EXPECT_EQ(changed.body.at("name").as_string(), "Mobile phone");
  EXPECT_EQ(changed.body.at("version").as_int64(), 2);
  EXPECT_EQ(changed.etag, "\"2\"");
  EXPECT_EQ(changed.body.at("specs").as_array()[0].at("key").as_string(), "os");
  // The phone's event shows the new labels (search indexes them).
  auto ups = OutboxEvents(f, "product.upserted.v1");
  ASSERT_EQ(ups.size(), events_before + 1);
  const auto& data = ups.back().at("data").as_object();
  store::testing::ExpectEventMatchesSchema("product.upserted.v1", data);
  EXPECT_EQ(data.at("product_id").as_string(), phone.at("product").at("id").as_string());
  bool relabelled = false;
  for (const auto& spec : data.at("specs").as_array())
    if (spec.at("key").as_string() == "screen_size")
      relabelled = spec.at("name").as_string() == "Display" && spec.at("unit").as_string() == "inch";
  EXPECT_TRUE(relabelled) << json::serialize(data);
  // Stale versions: the body's (409), If-Match (412); an unknown type 404; a customer 403.
  EXPECT_EQ(put(R"({"name":"X","version":1,"specs":[]})").status, 409);
  EXPECT_EQ(put(R"({"name":"X","specs":[]})", {{"If-Match", "\"1\""}}).status, 412);
  EXPECT_EQ(c.Send(Verb::put, "/v1/admin/product-types/nope", R"({"name":"X","specs":[]})", f.Admin()).status, 404);
  EXPECT_EQ(c.Send(Verb::put, "/v1/admin/product-types/smartphone", R"({"name":"X","specs":[]})",
                   {{"Authorization", "Bearer " + f.Token({"customer"})}}).status, 403);
  // Bad input: no specs list, a bad kind.
  auto bad = put(R"({"name":"X","specs":[{"key":"a","name":"A","kind":"colour"}]})");
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_NE(bad.raw.find("specs[0].kind"), std::string::npos) << bad.raw;
  EXPECT_EQ(put(R"({"name":"X"})").status, 400);
}

// What the admin's forms follow: the shop's currency and low-stock threshold, for staff only.
TEST(CatalogComponent, TheShopSettingsAreReadByStaffOnly) {
  CatalogFixture f;
  Caller c(f.Url());
  auto settings = c.Send(Verb::get, "/v1/admin/settings", "", f.Admin());
  ASSERT_EQ(settings.status, 200) << settings.raw;
  EXPECT_EQ(settings.body.at("currency").as_string(), "EUR");
  EXPECT_EQ(settings.body.at("low_stock_threshold").as_int64(), 5);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/settings", "", {{"Authorization", "Bearer " + f.Token({"customer"})}}).status, 403);
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/settings").status, 401);
}

TEST(CatalogComponent, EventsCarryTheProductAndFollowItsChanges) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  auto p = MakePhone(f, c, s.smartphones, "Event Phone", 59900, {{"EV-1", 1}, {"EV-2", 0}});
  std::string id(p.at("product").at("id").as_string());
  auto ups = OutboxEvents(f, "product.upserted.v1");
  ASSERT_EQ(ups.size(), 1u);
  auto d = ups[0].at("data").as_object();
  store::testing::ExpectEventMatchesSchema("product.upserted.v1", d);
  EXPECT_EQ(d.at("product_id").as_string(), id);
  EXPECT_EQ(d.at("version").as_int64(), 1);
  EXPECT_EQ(d.at("category_ids").as_array(), (json::array{s.electronics, s.phones, s.smartphones}));
  EXPECT_EQ(d.at("category").at("path").as_array().size(), 3u);
  EXPECT_EQ(d.at("price_min").at("minor").as_int64(), 59900);
  EXPECT_TRUE(d.at("in_stock").as_bool());
  EXPECT_EQ(d.at("variants").as_array().size(), 2u);
  EXPECT_DOUBLE_EQ(d.at("specs").at(0).at("value").as_double(), 6.1);
  EXPECT_EQ(d.at("specs").at(1).at("value").as_bool(), true);
  EXPECT_EQ(d.at("brand").at("name").as_string(), "Samsung");

  // Selling out the last available SKU flips in_stock: a new upsert with a higher version.
  auto r = c.Send(Verb::post, "/v1/reservations", R"({"order_id":"ev-o1","lines":[{"sku":"EV-1","quantity":1}]})", f.Service());
  ASSERT_EQ(r.status, 201) << r.raw;
  ups = OutboxEvents(f, "product.upserted.v1");
  ASSERT_EQ(ups.size(), 2u);
  EXPECT_FALSE(ups[1].at("data").at("in_stock").as_bool());
  EXPECT_EQ(ups[1].at("data").at("version").as_int64(), 2);
  auto changed = OutboxEvents(f, "stock.changed.v1");
  ASSERT_EQ(changed.size(), 1u);  // the initial stock is part of the product's creation (its upsert)
  store::testing::ExpectEventMatchesSchema("stock.changed.v1", changed[0].at("data").as_object());
  EXPECT_EQ(changed[0].at("data").at("available").as_int64(), 0);
  EXPECT_EQ(changed[0].at("data").at("reason").as_string(), "reserved");
  EXPECT_FALSE(changed[0].at("data").at("in_stock_product").as_bool());
  auto reserved = OutboxEvents(f, "stock.reserved.v1");
  ASSERT_EQ(reserved.size(), 1u);
  store::testing::ExpectEventMatchesSchema("stock.reserved.v1", reserved[0].at("data").as_object());
  // A stock change that does not flip in_stock does not republish the product.
  ASSERT_EQ(c.Send(Verb::put, "/v1/admin/skus/EV-2/stock", R"({"delta":4,"reason":"received"})", f.Admin()).status, 200);
  ASSERT_EQ(c.Send(Verb::put, "/v1/admin/skus/EV-2/stock", R"({"delta":1,"reason":"returned"})", f.Admin()).status, 200);
  ups = OutboxEvents(f, "product.upserted.v1");
  ASSERT_EQ(ups.size(), 3u);  // only the 0 -> 4 change flipped it back
  EXPECT_TRUE(ups[2].at("data").at("in_stock").as_bool());
  EXPECT_EQ(c.Send(Verb::put, "/v1/admin/skus/EV-1/stock", R"({"on_hand":0})", f.Admin()).status, 409);  // 1 reserved

  // Archive: product.archived plus an upsert with status archived, same version.
  auto g = c.Send(Verb::get, "/v1/admin/products/" + id, "", f.Admin());
  ASSERT_EQ(c.Send(Verb::post, "/v1/admin/products/" + id + "/archive", "", {{"Authorization", f.Admin()[0].second}, {"If-Match", g.etag}}).status, 200);
  auto archived = OutboxEvents(f, "product.archived.v1");
  ASSERT_EQ(archived.size(), 1u);
  store::testing::ExpectEventMatchesSchema("product.archived.v1", archived[0].at("data").as_object());
  ups = OutboxEvents(f, "product.upserted.v1");
  EXPECT_EQ(ups.back().at("data").at("status").as_string(), "archived");
  EXPECT_EQ(ups.back().at("data").at("version").as_int64(), archived[0].at("data").at("version").as_int64());
  // Every product event is keyed by the product id.
  for (auto& r2 : f.Query("SELECT topic, msg_key FROM outbox")) {
    if (r2.Text("topic").starts_with("product.")) {
      EXPECT_EQ(r2.Text("msg_key"), id);
    }
  }
}

TEST(CatalogComponent, ReservationsAreAllOrNothingIdempotentAndExpire) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  MakePhone(f, c, s.smartphones, "Stock Phone", 100, {{"R-1", 5}, {"R-2", 2}});
  auto stock = [&](const std::string& sku) { return c.Send(Verb::get, "/v1/skus/" + sku + "/stock").body; };

  auto r = c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-1","lines":[{"sku":"R-1","quantity":2},{"sku":"R-2","quantity":1}]})", f.Service());
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body.at("status").as_string(), "reserved");
  auto again = c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-1","lines":[{"sku":"R-2","quantity":1},{"sku":"R-1","quantity":2}]})", f.Service());
  EXPECT_EQ(again.status, 200) << again.raw;  // idempotent: same answer, nothing reserved twice
  EXPECT_EQ(stock("R-1").at("reserved").as_int64(), 2);
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-1","lines":[{"sku":"R-1","quantity":3}]})", f.Service()).status, 409);

  // All or nothing: R-2 has 1 left, so R-1 is not touched either.
  auto no = c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-2","lines":[{"sku":"R-1","quantity":1},{"sku":"R-2","quantity":2}]})", f.Service());
  EXPECT_EQ(no.status, 409) << no.raw;
  EXPECT_NE(no.raw.find("lines.R-2"), std::string::npos);
  EXPECT_EQ(stock("R-1").at("reserved").as_int64(), 2);
  EXPECT_EQ(c.Send(Verb::get, "/v1/reservations/o-2", "", f.Service()).status, 404);
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-3","lines":[{"sku":"NOPE","quantity":1}]})", f.Service()).status, 422);
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-3","lines":[{"sku":"R-1","quantity":0}]})", f.Service()).status, 400);
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-3","lines":[]})", f.Service()).status, 400);

  // Commit: the units leave on_hand. Idempotent; a committed reservation cannot be released.
  auto commit = c.Send(Verb::post, "/v1/reservations/o-1/commit", "", f.Service());
  ASSERT_EQ(commit.status, 200) << commit.raw;
  EXPECT_EQ(commit.body.at("status").as_string(), "committed");
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations/o-1/commit", "", f.Service()).status, 200);
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations/o-1/release", "", f.Service()).status, 409);
  EXPECT_EQ(stock("R-1").at("on_hand").as_int64(), 3);
  EXPECT_EQ(stock("R-1").at("reserved").as_int64(), 0);
  store::testing::ExpectEventMatchesSchema("stock.committed.v1", OutboxEvents(f, "stock.committed.v1").at(0).at("data").as_object());

  // Release gives the units back.
  ASSERT_EQ(c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-4","lines":[{"sku":"R-1","quantity":3}]})", f.Service()).status, 201);
  EXPECT_EQ(stock("R-1").at("available").as_int64(), 0);
  auto rel = c.Send(Verb::post, "/v1/reservations/o-4/release", "", f.Service());
  ASSERT_EQ(rel.status, 200);
  EXPECT_EQ(rel.body.at("status").as_string(), "released");
  EXPECT_EQ(stock("R-1").at("available").as_int64(), 3);
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations/o-4/commit", "", f.Service()).status, 409);
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations/none/commit", "", f.Service()).status, 404);

  // Expiry: released by the service's own sweep once expires_at has passed.
  ASSERT_EQ(c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-5","lines":[{"sku":"R-1","quantity":1}],"ttl_seconds":60})", f.Service()).status, 201);
  auto swept = f.service().SweepOnce();
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 0);
  f.clock().Advance(std::chrono::seconds(61));
  swept = f.service().SweepOnce();
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 1);
  auto expired = c.Send(Verb::get, "/v1/reservations/o-5", "", f.Service());
  EXPECT_EQ(expired.body.at("status").as_string(), "released");
  EXPECT_EQ(expired.body.at("reason").as_string(), "expired");
  EXPECT_EQ(stock("R-1").at("available").as_int64(), 3);
  auto released = OutboxEvents(f, "stock.released.v1");
  ASSERT_EQ(released.size(), 2u);
  store::testing::ExpectEventMatchesSchema("stock.released.v1", released[1].at("data").as_object());
  EXPECT_EQ(released[1].at("data").at("reason").as_string(), "expired");
}

// Reservations are a service-to-service API: the gateway hides them, and the catalog itself asks
// for a token with the `service` role (the order service's, from the user service's
// client-credentials grant). Straight to the catalog's port: no token 401, a customer's or an
// admin's 403, and nothing is reserved until the service token.
TEST(CatalogComponent, ReservationsNeedTheServiceRole) {
  CatalogFixture f;
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  MakePhone(f, c, s.smartphones, "Guarded Phone", 100, {{"G-1", 5}});
  const std::string reserve = R"({"order_id":"o-guard","lines":[{"sku":"G-1","quantity":2}]})";
  const std::vector<std::pair<std::string, std::string>> customer{{"Authorization", "Bearer " + f.Token({"customer"})}};
  struct Route {
    Verb verb;
    std::string path, body;
  };
  const std::vector<Route> routes{{Verb::post, "/v1/reservations", reserve},
                                  {Verb::get, "/v1/reservations/o-guard", ""},
                                  {Verb::post, "/v1/reservations/o-guard/commit", ""},
                                  {Verb::post, "/v1/reservations/o-guard/release", ""}};
  for (const auto& r : routes) {
    auto anonymous = c.Send(r.verb, r.path, r.body);
    EXPECT_EQ(anonymous.status, 401) << r.path << " " << anonymous.raw;
    EXPECT_EQ(anonymous.content_type, "application/problem+json") << r.path;
    EXPECT_EQ(c.Send(r.verb, r.path, r.body, customer).status, 403) << r.path;
    EXPECT_EQ(c.Send(r.verb, r.path, r.body, f.Admin()).status, 403) << r.path;
    EXPECT_EQ(c.Send(r.verb, r.path, r.body, {{"Authorization", "Bearer not-a-token"}}).status, 401) << r.path;
  }
  EXPECT_EQ(f.Query("SELECT reserved FROM stock WHERE sku = 'G-1'")[0].Int("reserved"), 0);
  EXPECT_EQ(f.Query("SELECT COUNT(*) AS n FROM reservations")[0].Int("n"), 0);

  auto reserved = c.Send(Verb::post, "/v1/reservations", reserve, f.Service());
  ASSERT_EQ(reserved.status, 201) << reserved.raw;
  EXPECT_EQ(c.Send(Verb::get, "/v1/reservations/o-guard", "", f.Service()).status, 200);
  EXPECT_EQ(c.Send(Verb::post, "/v1/reservations/o-guard/release", "", f.Service()).status, 200);
  // A service token gives no admin rights.
  EXPECT_EQ(c.Send(Verb::get, "/v1/admin/stock/low", "", f.Service()).status, 403);
}

// The product-page cache invalidation drift: every path that changes stock (here the expiry sweep)
// drops the page at once AND once more a moment later, so a page that a reader loaded before the
// change and stored after the first drop does not show the old availability for the page TTL.
TEST(CatalogComponent, AStalePageStoredAfterAnExpiryIsDroppedAgain) {
  // The second drop 1 s after the first (300 ms in production), so that a slow machine still
  // stores the stale page inside the window.
  const auto drop_again = std::chrono::seconds(1);
  CatalogFixture f(std::chrono::seconds(3600), /*consumer=*/false, drop_again);
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  MakePhone(f, c, s.smartphones, "Drift Phone", 100, {{"DR-1", 5}});
  ASSERT_EQ(c.Send(Verb::post, "/v1/reservations", R"({"order_id":"o-drift","lines":[{"sku":"DR-1","quantity":2}],"ttl_seconds":60})", f.Service()).status,
            201);
  // Let the reservation's own second drop pass: only the sweep's may remove the stale page below.
  std::this_thread::sleep_for(drop_again + std::chrono::milliseconds(500));
  auto available = [&](const Reply& page) { return page.body.at("variants").at(0).at("available").as_int64(); };
  auto before = c.Send(Verb::get, "/v1/products/drift-phone/page");
  ASSERT_EQ(before.status, 200) << before.raw;
  ASSERT_EQ(available(before), 3);

  f.clock().Advance(std::chrono::seconds(61));
  auto swept = f.service().SweepOnce();  // releases o-drift, drops the page, schedules the second drop
  ASSERT_TRUE(swept && *swept == 1);
  // The race: a reader that loaded the page before the sweep committed stores it now.
  auto stored = f.service().cache().RunSync({"SET", f.service().page_cache().KeyOf("drift-phone"), before.raw, "PX", "600000"});
  ASSERT_TRUE(stored) << stored.error().message;
  auto stale = c.Send(Verb::get, "/v1/products/drift-phone/page");
  EXPECT_EQ(stale.x_cache, "hit");
  EXPECT_EQ(available(stale), 3);  // the stale page, for now
  // The second drop removes it: the page shows the released units again, long before the TTL.
  EXPECT_TRUE(WaitUntil([&] { return available(c.Send(Verb::get, "/v1/products/drift-phone/page")) == 5; }, std::chrono::seconds(10)));
}

messaging::OutgoingMessage OrderEvent(const std::string& topic, const std::string& type, const std::string& order_id, json::object data,
                                      const std::string& event_id = "") {
  data["order_id"] = order_id;
  auto ev = messaging::NewEvent(type, std::move(data));
  if (!event_id.empty()) ev.event_id = event_id;
  auto msg = messaging::EventMessage(topic, order_id, ev, std::nullopt);
  return msg;
}

TEST(CatalogComponent, ConsumesOrderAndPaymentEventsExactlyOnce) {
  CatalogFixture f(std::chrono::seconds(3600), /*consumer=*/true);
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  MakePhone(f, c, s.smartphones, "Kafka Phone", 100, {{"K-1", 3}});
  auto producer = messaging::Producer::Create(store::testing::KafkaTestConfig());
  ASSERT_TRUE(producer) << producer.error().message;
  auto status = [&](const std::string& order) {
    auto r = f.Query("SELECT status FROM reservations WHERE order_id = '" + order + "'");
    return r.empty() ? std::string("none") : r[0].Text("status");
  };
  json::object lines{{"lines", json::array{json::object{{"sku", "K-1"}, {"quantity", 2}}}}};
  std::string event_id = core::NewUuid();
  auto placed = OrderEvent(f.placed()->name(), "order.placed.v1", "k-o1", lines, event_id);
  ASSERT_TRUE((*producer)->Produce(placed));
  ASSERT_TRUE((*producer)->Produce(placed));  // a redelivery: applied once
  ASSERT_TRUE(WaitUntil([&] { return status("k-o1") == "reserved"; }));
  // Not enough left for a second order of 2: stock.reservation_failed, nothing reserved.
  ASSERT_TRUE((*producer)->Produce(OrderEvent(f.placed()->name(), "order.placed.v1", "k-o2", lines)));
  ASSERT_TRUE(WaitUntil([&] { return OutboxEvents(f, "stock.reservation_failed.v1").size() == 1; }));
  auto failed = OutboxEvents(f, "stock.reservation_failed.v1")[0].at("data").as_object();
  store::testing::ExpectEventMatchesSchema("stock.reservation_failed.v1", failed);
  EXPECT_EQ(failed.at("reason").as_string(), "insufficient_stock");
  EXPECT_EQ(status("k-o2"), "none");
  EXPECT_EQ(f.Query("SELECT reserved FROM stock WHERE sku = 'K-1'")[0].Int("reserved"), 2);

  ASSERT_TRUE((*producer)->Produce(OrderEvent(f.confirmed()->name(), "order.confirmed.v1", "k-o1", json::object{{"number", "SM-TEST-0001"}})));
  ASSERT_TRUE(WaitUntil([&] { return status("k-o1") == "committed"; }));
  EXPECT_EQ(f.Query("SELECT on_hand FROM stock WHERE sku = 'K-1'")[0].Int("on_hand"), 1);

  ASSERT_TRUE((*producer)->Produce(OrderEvent(f.placed()->name(), "order.placed.v1", "k-o3",
                                              json::object{{"lines", json::array{json::object{{"sku", "K-1"}, {"quantity", 1}}}}})));
  ASSERT_TRUE(WaitUntil([&] { return status("k-o3") == "reserved"; }));
  ASSERT_TRUE((*producer)->Produce(OrderEvent(f.cancelled()->name(), "order.cancelled.v1", "k-o3", json::object{{"reason", "customer"}})));
  ASSERT_TRUE(WaitUntil([&] { return status("k-o3") == "released"; }));
  // Cancelling an order that holds nothing is a no-op, not a dead letter.
  ASSERT_TRUE((*producer)->Produce(OrderEvent(f.cancelled()->name(), "order.cancelled.v1", "k-o9", json::object{})));
  ASSERT_TRUE(WaitUntil([&] { return f.Query("SELECT COUNT(*) AS n FROM inbox")[0].Int("n") == 6; }));
  auto row = f.Query("SELECT on_hand, reserved FROM stock WHERE sku = 'K-1'")[0];
  EXPECT_EQ(row.Int("on_hand"), 1);
  EXPECT_EQ(row.Int("reserved"), 0);
  EXPECT_EQ(OutboxEvents(f, "stock.reserved.v1").size(), 2u);
}

// A burst on one partition arrives as batches (one transaction each): every healthy order is
// reserved, the one malformed event among them is dead-lettered alone (the batch it poisoned is
// taken again record by record), and the product page shows the new stock once the batches
// committed, long before its TTL.
TEST(CatalogComponent, ABurstOfStockEventsIsAppliedInBatchesAroundAPoisonRecord) {
  CatalogFixture f(std::chrono::seconds(3600), /*consumer=*/true);
  Caller c(f.Url());
  auto s = SeedShop(f, c);
  MakePhone(f, c, s.smartphones, "Burst Phone", 100, {{"B-1", 100}});
  auto available = [&] {
    return c.Send(Verb::get, "/v1/products/burst-phone/page").body.at("variants").at(0).at("available").as_int64();
  };
  ASSERT_EQ(available(), 100);
  ASSERT_EQ(c.Send(Verb::get, "/v1/products/burst-phone/page").x_cache, "hit");  // the page is cached
  auto producer = messaging::Producer::Create(store::testing::KafkaTestConfig());
  ASSERT_TRUE(producer) << producer.error().message;
  constexpr int kOrders = 60;
  json::object one{{"lines", json::array{json::object{{"sku", "B-1"}, {"quantity", 1}}}}};
  for (int i = 0; i < kOrders; ++i) {
    if (i == kOrders / 2) {  // no order_id: refused as invalid by the decoder
      auto poison = messaging::EventMessage(f.placed()->name(), "burst-poison", messaging::NewEvent("order.placed.v1", one), std::nullopt);
      ASSERT_TRUE((*producer)->Produce(poison));
    }
    ASSERT_TRUE((*producer)->Produce(OrderEvent(f.placed()->name(), "order.placed.v1", "burst-" + std::to_string(i), one)));
  }
  ASSERT_TRUE(WaitUntil(
      [&] { return f.Query("SELECT COUNT(*) AS n FROM reservations WHERE status = 'reserved'")[0].Int("n") == kOrders; },
      std::chrono::seconds(30)));
  EXPECT_EQ(f.Query("SELECT reserved FROM stock WHERE sku = 'B-1'")[0].Int("reserved"), kOrders);
  std::vector<messaging::Message> dead;
  ASSERT_TRUE(WaitUntil([&] { return (dead = store::testing::ReadAll(f.placed()->dlq())).size() >= 1; }, std::chrono::seconds(20)));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key.value_or(""), "burst-poison");
  EXPECT_TRUE(WaitUntil([&] { return available() == 100 - kOrders; }, std::chrono::seconds(5)));
}

// --- the executables --------------------------------------------------------------------------

TEST(CatalogProcess, RunningServiceMatchesItsOpenApiContract) {
  store::testing::TempDatabase db("catalog_api");
  store::testing::TempKeyspace keys;
  auto e = store::testing::Engines::FromEnv();
  int port = store::testing::FreePort();
  auto media = std::filesystem::temp_directory_path() / store::testing::UniqueName("catalog_api_media");
  store::testing::ChildProcess svc(
      {STORE_CATALOG_BIN},
      {{"CATALOG_HTTP_PORT", std::to_string(port)}, {"CATALOG_HTTP_HOST", "127.0.0.1"}, {"CATALOG_DB_HOST", e.host},
       {"CATALOG_DB_PORT", std::to_string(e.mariadb_port)}, {"CATALOG_DB_USER", e.mariadb_user},
       {"CATALOG_DB_PASSWORD", e.mariadb_password}, {"CATALOG_DB_DATABASE", db.name()}, {"CATALOG_CACHE_HOST", e.host},
       {"CATALOG_CACHE_PORT", std::to_string(e.redis_port)}, {"CATALOG_CACHE_PREFIX", keys.prefix()},
       {"CATALOG_KAFKA_BOOTSTRAP", e.kafka_bootstrap}, {"CATALOG_CONSUMER_ENABLED", "false"},
       {"CATALOG_MEDIA_DIR", media.string()}, {"CATALOG_LOG_LEVEL", "warn"}, {"CATALOG_AUTH_JWKS_URL", ""}});
  Caller c("http://127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(WaitUntil([&] { return c.Send(Verb::get, "/readyz").status == 200; })) << "store_catalog did not become ready";

  auto spec = store::testing::ReadOpenApi(STORE_CATALOG_OPENAPI).Routes();
  ASSERT_GE(spec.size(), 15u);
  // Every documented operation answers with one of its documented statuses, with the smallest
  // request (no body, no token, unknown ids): routing, methods and error statuses match.
  std::map<std::string, Verb> verbs{{"get", Verb::get}, {"post", Verb::post}, {"put", Verb::put}, {"patch", Verb::patch}, {"delete", Verb::delete_}};
  int checked = 0;
  for (const auto& [path, methods] : spec) {
    std::string concrete = store::testing::ConcretePath(path, {{"id", "12345"}, {"image_id", "12345"}}, "no-such-thing");
    for (const auto& [method, statuses] : methods) {
      auto r = c.Send(verbs.at(method), concrete);
      EXPECT_TRUE(statuses.count(r.status)) << method << " " << path << " answered " << r.status << " " << r.raw;
      ++checked;
      // Methods the document does not list for this path are 405.
    }
    for (const auto& [name, verb] : verbs) {
      if (!methods.count(name) && !(path == "/metrics" || path == "/healthz" || path == "/readyz")) {
        EXPECT_EQ(c.Send(verb, concrete).status, 405) << name << " " << path;
      }
    }
  }
  EXPECT_GE(checked, 20);
  EXPECT_EQ(c.Send(Verb::get, "/v1/undocumented").status, 404);
  // The shared request policy (415 for a JSON body sent as text/plain, 413 over 1 MiB, or over
  // media.max_bytes for the image upload), with documented statuses only.
  auto violations = store::testing::CheckRequestPolicy(
      store::testing::ReadOpenApi(STORE_CATALOG_OPENAPI), "http://127.0.0.1:" + std::to_string(port),
      {.path_values = {{"id", "12345"}, {"image_id", "12345"}},
       .route_body_limits = {{"/v1/admin/products/{id}/images", 8 * 1024 * 1024}}});
  EXPECT_TRUE(violations.empty()) << store::testing::Join(violations);
  std::error_code ec;
  std::filesystem::remove_all(media, ec);
}

TEST(CatalogProcess, DemoGeneratorIsDeterministicAndRunsOnlyWhenEmpty) {
  store::testing::TempDatabase a("catalog_demo_a"), b("catalog_demo_b");
  auto e = store::testing::Engines::FromEnv();
  auto media = std::filesystem::temp_directory_path() / store::testing::UniqueName("catalog_demo_media");
  auto env = [&](const std::string& dbname) {
    return std::map<std::string, std::string>{{"CATALOG_DB_HOST", e.host}, {"CATALOG_DB_PORT", std::to_string(e.mariadb_port)},
                                              {"CATALOG_DB_USER", e.mariadb_user}, {"CATALOG_DB_PASSWORD", e.mariadb_password},
                                              {"CATALOG_DB_DATABASE", dbname}, {"CATALOG_MEDIA_DIR", media.string()}};
  };
  ASSERT_EQ(store::testing::RunCommand({STORE_CATALOG_DEMO_BIN, "--seed", "11", "--products", "400"}, env(a.name())), 0);
  ASSERT_EQ(store::testing::RunCommand({STORE_CATALOG_DEMO_BIN, "--seed", "11", "--products", "400", "--no-images"}, env(b.name())), 0);
  EXPECT_EQ(store::testing::RunCommand({STORE_CATALOG_DEMO_BIN, "--seed", "11", "--products", "400", "--if-empty"}, env(a.name())), 0);  // no-op
  EXPECT_EQ(store::testing::RunCommand({STORE_CATALOG_DEMO_BIN, "--products", "400"}, env(a.name())), 1);                               // refuses
  auto dump = [&](const store::testing::TempDatabase& d) {
    db::Database database(d.options());
    auto fn = [](db::Connection& c) {
      return c.Query("SELECT p.id, p.slug, p.title, p.price_min_minor, GROUP_CONCAT(CONCAT(v.sku, ':', s.on_hand) ORDER BY v.sku) AS skus "
                     "FROM products p JOIN variants v ON v.product_id = p.id JOIN stock s ON s.sku = v.sku GROUP BY p.id ORDER BY p.id");
    };
    auto rows = database.RunSync(fn);
    EXPECT_TRUE(rows);
    std::string out;
    for (auto& r : *rows) out += r.Text("id") + r.Text("slug") + r.Text("title") + r.Text("price_min_minor") + r.Text("skus") + "\n";
    return std::make_pair(out, rows->size());
  };
  auto [da, na] = dump(a);
  auto [dbb, nb] = dump(b);
  EXPECT_EQ(na, 400u);
  EXPECT_EQ(da, dbb);  // same seed, same shop
  db::Database database(a.options());
  auto check = [&](db::Connection& c) -> Result<int> {
    TRY(depth, c.QueryOne("SELECT MAX(depth) AS d FROM categories"));
    TRY(outbox, c.QueryOne("SELECT COUNT(*) AS n FROM outbox WHERE topic = 'product.upserted.v1'"));
    TRY(images, c.QueryOne("SELECT COUNT(*) AS n FROM images"));
    TRY(types, c.QueryOne("SELECT COUNT(DISTINCT product_type_id) AS n FROM products"));
    EXPECT_GE(depth->Int("d"), 2);  // three levels: 0, 1, 2
    EXPECT_EQ(outbox->Int("n"), 400);
    EXPECT_EQ(images->Int("n"), 400);
    EXPECT_GE(types->Int("n"), 15);
    return 0;
  };
  ASSERT_TRUE(database.RunSync(check));
  auto first = database.RunSync([](db::Connection& c) { return c.QueryOne("SELECT path FROM images LIMIT 1"); });
  ASSERT_TRUE(first && *first);
  EXPECT_TRUE(std::filesystem::exists(media / ((*first)->Text("path") + "-480.jpg")));
  std::error_code ec;
  std::filesystem::remove_all(media, ec);
}

}  // namespace
}  // namespace store::catalog::testing
