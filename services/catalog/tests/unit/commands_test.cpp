// Unit tests of http/commands.cpp: JSON bodies -> typed commands, every shape error at once.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "http/commands.hpp"

namespace store::catalog {
namespace {

boost::json::object Body(std::string_view text) { return boost::json::parse(text).as_object(); }

std::set<std::string> FieldsOf(const core::Error& e) {
  std::set<std::string> out;
  for (const auto& f : e.fields) out.insert(f.field);
  return out;
}

TEST(Commands, AReservationBecomesTypedLines) {
  auto req = ParseReservation(Body(R"({"order_id":"o-1","ttl_seconds":60,"lines":[{"sku":"A","quantity":2}]})"));
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->order_id, OrderId("o-1"));
  EXPECT_EQ(*req->ttl, std::chrono::seconds(60));
  ASSERT_EQ(req->lines.size(), 1u);
  EXPECT_EQ(req->lines[0].sku, Sku("A"));
  EXPECT_EQ(req->lines[0].quantity, 2);
  auto bad = ParseReservation(Body(R"({"ttl_seconds":"soon","lines":[{"sku":1},"x"]})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(FieldsOf(bad.error()),
            (std::set<std::string>{"order_id", "ttl_seconds", "lines[0].sku", "lines[0].quantity", "lines[1]"}));
}

TEST(Commands, AProductReportsEveryShapeErrorAtOnce) {
  auto bad = ParseCreateProduct(Body(R"({"product_type":"phone","category_id":3,"status":"gone","slug":"Not A Slug",
      "variants":[{"sku":"bad sku!","price":{"minor":100,"currency":"USD"}}]})"),
                                "EUR");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::Errc::invalid_argument);
  EXPECT_EQ(FieldsOf(bad.error()), (std::set<std::string>{"title", "status", "slug", "variants[0].sku", "variants[0].price.currency"}));
  auto ok = ParseCreateProduct(Body(R"({"title":"Phone","product_type":"phone","category_id":3,"status":"active",
      "specs":{"screen":6.1,"five_g":true,"os":"Android","gone":null,"odd":[1]},
      "variants":[{"sku":"P-1","options":{"storage":"128GB"},"price":{"minor":100,"currency":"EUR"},"on_hand":4}]})"),
                               "EUR");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, ProductStatus::active);
  EXPECT_EQ(ok->category, CategoryId(3));
  ASSERT_EQ(ok->specs.size(), 5u);
  EXPECT_EQ(std::get<double>(ok->specs[0].second), 6.1);
  EXPECT_EQ(std::get<bool>(ok->specs[1].second), true);
  EXPECT_EQ(std::get<std::string>(ok->specs[2].second), "Android");
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(ok->specs[3].second));
  EXPECT_TRUE(std::holds_alternative<OtherValue>(ok->specs[4].second));  // refused by the use case
  ASSERT_EQ(ok->variants.size(), 1u);
  EXPECT_EQ(ok->variants[0].sku, Sku("P-1"));
  EXPECT_EQ(*ok->variants[0].price_minor, 100);
  EXPECT_EQ(ok->variants[0].on_hand, 4);
  EXPECT_EQ(ok->variants[0].options, (VariantOptions{{"storage", "128GB"}}));
}

TEST(Commands, UpdatesKeepWhatIsNotGiven) {
  auto p = ParseUpdateProduct(ProductId("p"), Body(R"({"title":"New","brand":null,"version":3})"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(*p->title, "New");
  EXPECT_TRUE(p->clear_brand);
  EXPECT_FALSE(p->slug);
  EXPECT_FALSE(p->specs);
  EXPECT_EQ(*p->body_version, 3);
  EXPECT_EQ(FieldsOf(ParseUpdateProduct(ProductId("p"), Body(R"({"product_type":"x"})")).error()), std::set<std::string>{"product_type"});
  auto v = ParseUpdateVariant(Sku("S"), Body(R"({"price":{"minor":5,"currency":"EUR"}})"), "EUR");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->options);
  EXPECT_EQ(*v->price_minor, 5);
  EXPECT_EQ(FieldsOf(ParseUpdateVariant(Sku("S"), Body(R"({"sku":"T","on_hand":1})"), "EUR").error()),
            (std::set<std::string>{"sku", "on_hand"}));
  auto c = ParseUpdateCategory(CategoryId(4), Body(R"({"parent_id":null})"));
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->move);  // to the root
  EXPECT_FALSE(c->parent);
}

TEST(Commands, StockTakesExactlyOneOfOnHandOrDeltaWithItsReason) {
  auto s = ParseSetStock(Sku("S"), Body(R"({"delta":-2,"reason":"damaged","note":"wet box"})"));
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->delta, -2);
  EXPECT_FALSE(s->on_hand);
  EXPECT_EQ(s->reason, "damaged");
  EXPECT_EQ(s->note, "wet box");
  auto count = ParseSetStock(Sku("S"), Body(R"({"on_hand":7})"));
  ASSERT_TRUE(count);
  EXPECT_EQ(count->reason, "count") << "setting on hand is a count";
  EXPECT_EQ(FieldsOf(ParseSetStock(Sku("S"), Body(R"({"delta":-2})")).error()), std::set<std::string>{"reason"});
  EXPECT_EQ(FieldsOf(ParseSetStock(Sku("S"), Body(R"({"delta":1,"reason":"found"})")).error()), std::set<std::string>{"reason"});
  EXPECT_FALSE(ParseSetStock(Sku("S"), Body(R"({"delta":-2,"on_hand":3})")));
  EXPECT_FALSE(ParseSetStock(Sku("S"), Body(R"({})")));
  EXPECT_EQ(FieldsOf(ParseSetStock(Sku("S"), Body(R"({"on_hand":-1})")).error()), std::set<std::string>{"on_hand"});
}

}  // namespace
}  // namespace store::catalog
