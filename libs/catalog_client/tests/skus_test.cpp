#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/catalog_client/skus.hpp"

namespace {

using store::catalog_client::ParseSkus;

TEST(ParseSkus, ReadsEveryFieldOfAnItem) {
  auto found = ParseSkus(boost::json::parse(R"({"items": [
      {"sku": "AUR-128", "product_id": "p-1", "slug": "aurora-phone", "title": "Aurora Phone", "status": "active",
       "price": {"minor": 49900, "currency": "EUR"}, "available": 7, "image_url": "/media/a.webp",
       "options": {"storage": "128GB", "weight": 3}},
      {"sku": "OLD-1", "status": "archived", "price": {"minor": 100, "currency": "EUR"}, "available": 0}]})"));
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  const auto& a = (*found)[0];
  EXPECT_EQ(a.sku, "AUR-128");
  EXPECT_EQ(a.status, "active");
  EXPECT_EQ(a.price_minor, 49900);
  EXPECT_EQ(a.currency, "EUR");
  EXPECT_EQ(a.available, 7);
  EXPECT_EQ(a.title, "Aurora Phone");
  EXPECT_EQ(a.image_url.value_or(""), "/media/a.webp");
  EXPECT_EQ(a.options, (std::vector<std::pair<std::string, std::string>>{{"storage", "128GB"}})) << "only text options";
  EXPECT_EQ((*found)[1].status, "archived");
  EXPECT_FALSE((*found)[1].image_url.has_value());
}

TEST(ParseSkus, RefusesAMalformedAnswerOrItem) {
  EXPECT_FALSE(ParseSkus(boost::json::parse(R"({"data": []})")));
  EXPECT_FALSE(ParseSkus(boost::json::parse(R"({"items": [{"sku": "A", "status": "active", "available": 1}]})"))) << "no price";
  EXPECT_FALSE(ParseSkus(boost::json::parse(R"({"items": [{"sku": "A", "status": "active", "price": {"minor": "1", "currency": "EUR"}, "available": 1}]})")));
  EXPECT_FALSE(ParseSkus(boost::json::parse(R"({"items": [3]})")));
  auto empty = ParseSkus(boost::json::parse(R"({"items": []})"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

}  // namespace
