// Unit tests of the storefront's page snapshots (http/snapshot.hpp): what a reader without
// JavaScript gets, and that nothing a catalog editor types can break out of its element.
#include <gtest/gtest.h>

#include "http/snapshot.hpp"

namespace store::catalog {
namespace {

namespace json = boost::json;

// A product page as GET /v1/products/{key}/page answers it, with the given title and description.
json::object Page(const std::string& title, const std::string& description_html) {
  auto page = json::parse(R"({"product": {"slug": "aurora-phone", "in_stock": true,
      "brand": {"name": "Aurora & Co"}, "price_min": {"minor": 49900, "currency": "EUR"},
      "price_max": {"minor": 59900, "currency": "EUR"}},
    "breadcrumbs": [{"slug": "phones", "name": "Phones"}],
    "specs": [{"key": "ram", "name": "RAM", "value": 8, "unit": "GB"}, {"key": "nfc", "name": "NFC", "value": true}],
    "variants": [{"sku": "AUR-128"}, {"sku": "AUR-256"}],
    "images": [{"renditions": {"160": "/media/p/a-160.jpg", "1024": "/media/p/a-1024.jpg"}}]})")
                  .as_object();
  page["product"].as_object()["title"] = title;
  page["product"].as_object()["description_html"] = description_html;
  return page;
}

TEST(ProductSnapshot, HeadHasTitleDescriptionCanonicalAndProductJsonLd) {
  auto head = ProductSnapshot(Page("Aurora Phone", "<p>A <strong>fast</strong> phone &amp; more.</p>"), SnapshotPart::kHead,
                              "https://shop.example");
  EXPECT_NE(head.find("<title>Aurora Phone · Store</title>"), std::string::npos) << head;
  EXPECT_NE(head.find(R"(<meta name="description" content="A fast phone &amp; more.">)"), std::string::npos) << head;
  EXPECT_NE(head.find(R"(<link rel="canonical" href="https://shop.example/p/aurora-phone">)"), std::string::npos) << head;
  auto start = head.find(R"(<script type="application/ld+json">)");
  ASSERT_NE(start, std::string::npos);
  start += std::string(R"(<script type="application/ld+json">)").size();
  auto ld = json::parse(head.substr(start, head.find("</script>", start) - start)).as_object();
  EXPECT_EQ(ld.at("@type").as_string(), "Product");
  EXPECT_EQ(ld.at("name").as_string(), "Aurora Phone");
  EXPECT_EQ(ld.at("brand").at("name").as_string(), "Aurora & Co");
  EXPECT_EQ(ld.at("image").at(0).as_string(), "https://shop.example/media/p/a-1024.jpg");
  const auto& offers = ld.at("offers").as_object();
  EXPECT_EQ(offers.at("lowPrice").as_string(), "499.00");
  EXPECT_EQ(offers.at("highPrice").as_string(), "599.00");
  EXPECT_EQ(offers.at("priceCurrency").as_string(), "EUR");
  EXPECT_EQ(offers.at("availability").as_string(), "https://schema.org/InStock");
  EXPECT_EQ(offers.at("offerCount").as_int64(), 2);
  EXPECT_FALSE(ld.contains("sku")) << "two variants: no single SKU";
}

TEST(ProductSnapshot, BodyHasTheWordsAndLinks) {
  auto body = ProductSnapshot(Page("Aurora Phone", "<p>Fast.</p>"), SnapshotPart::kBody, "");
  EXPECT_NE(body.find("<h1>Aurora Phone</h1>"), std::string::npos) << body;
  EXPECT_NE(body.find(R"(<a href="/c/phones">Phones</a>)"), std::string::npos) << body;
  EXPECT_NE(body.find("from 499.00 EUR · In stock"), std::string::npos) << body;
  EXPECT_NE(body.find("<p>Fast.</p>"), std::string::npos) << body;
  EXPECT_NE(body.find("<th scope=\"row\">RAM</th><td>8 GB</td>"), std::string::npos) << body;
  EXPECT_NE(body.find("<th scope=\"row\">NFC</th><td>Yes</td>"), std::string::npos) << body;
  EXPECT_NE(body.find(R"(src="/media/p/a-1024.jpg")"), std::string::npos) << "no origin: relative URLs";
}

TEST(ProductSnapshot, NothingAnEditorTypesLeavesItsElement) {
  const std::string evil = R"(</title><script>alert(1)</script>" onload="x)";
  auto head = ProductSnapshot(Page(evil, "<p>&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;</p>"), SnapshotPart::kHead, "");
  EXPECT_EQ(head.find("<script>alert"), std::string::npos) << head;
  EXPECT_EQ(head.find("</title><"), std::string::npos) << head;
  // The JSON-LD holds the title and the description with < > & escaped: one </script>, its own.
  std::size_t closes = 0;
  for (auto at = head.find("</script>"); at != std::string::npos; at = head.find("</script>", at + 1)) ++closes;
  EXPECT_EQ(closes, 1u) << head;
  auto body = ProductSnapshot(Page(evil, "<p>ok</p>"), SnapshotPart::kBody, "");
  EXPECT_EQ(body.find("<script>"), std::string::npos) << body;
  EXPECT_NE(body.find("&lt;/title&gt;&lt;script&gt;"), std::string::npos) << body;
}

TEST(ProductSnapshot, ToleratesAPageWithoutOptionalParts) {
  auto page = json::parse(R"({"product": {"slug": "x", "title": "X"}})").as_object();
  EXPECT_NE(ProductSnapshot(page, SnapshotPart::kHead, "").find("<title>X · Store</title>"), std::string::npos);
  EXPECT_NE(ProductSnapshot(page, SnapshotPart::kBody, "").find("<h1>X</h1>"), std::string::npos);
  EXPECT_NE(ProductSnapshot(json::object(), SnapshotPart::kBody, "").find("<h1></h1>"), std::string::npos);
}

TEST(CategorySnapshot, ListsTheProductsAndSubcategories) {
  auto category = json::parse(R"({"slug": "phones", "name": "Phones", "breadcrumbs": [{"slug": "phones", "name": "Phones"}],
                                  "children": [{"slug": "smartphones", "name": "Smartphones"}]})").as_object();
  auto browse = json::parse(R"({"total": 2, "items": [
      {"slug": "a", "title": "A <b>", "price_min": {"minor": 100, "currency": "EUR"}},
      {"slug": "b", "title": "B", "price_min": {"minor": 250, "currency": "EUR"}}]})").as_object();
  auto head = CategorySnapshot(category, browse, SnapshotPart::kHead, "http://127.0.0.1:18080");
  EXPECT_NE(head.find("<title>Phones · Store</title>"), std::string::npos) << head;
  EXPECT_NE(head.find(R"(href="http://127.0.0.1:18080/c/phones")"), std::string::npos) << head;
  EXPECT_NE(head.find("2 products"), std::string::npos) << head;
  auto body = CategorySnapshot(category, browse, SnapshotPart::kBody, "");
  EXPECT_NE(body.find(R"(<li><a href="/p/a">A &lt;b&gt;</a> 1.00 EUR</li>)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"(<a href="/c/smartphones">Smartphones</a>)"), std::string::npos) << body;
}

TEST(SnapshotOrigin, AcceptsOnlySchemeHostAndPort) {
  EXPECT_EQ(SnapshotOrigin("https", "shop.example"), "https://shop.example");
  EXPECT_EQ(SnapshotOrigin("http", "127.0.0.1:18080"), "http://127.0.0.1:18080");
  EXPECT_EQ(SnapshotOrigin("", ""), "");
  EXPECT_EQ(SnapshotOrigin("javascript", "alert(1)"), "");
  EXPECT_EQ(SnapshotOrigin("https", "shop.example/path"), "");
  EXPECT_EQ(SnapshotOrigin("https", "evil.example\"><script>"), "");
  EXPECT_EQ(SnapshotOrigin("https", "a@b.example"), "");
  EXPECT_EQ(SnapshotOrigin("https", "shop.example:"), "");
}

}  // namespace
}  // namespace store::catalog
