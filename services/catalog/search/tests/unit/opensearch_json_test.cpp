#include <gtest/gtest.h>

#include "adapters/opensearch_json.hpp"

using namespace store::search;
namespace json = boost::json;

namespace {
json::value Product(std::string status = "active", int version = 3) {
  return json::parse(R"({"product_id":"p-1","slug":"lg-oled55","title":"LG OLED55 TV","description":"Big",
    "brand":{"id":2,"name":"LG","slug":"lg"},"product_type":"tv",
    "category":{"id":3,"name":"TVs","slug":"tvs","path":[{"id":1,"slug":"electronics","name":"Electronics"},{"id":3,"slug":"tvs","name":"TVs"}]},
    "category_ids":[1,3],"specs":[{"key":"screen_size","name":"Screen size","value":55,"unit":"in"},{"key":"panel","name":"Panel","value":"OLED"},{"key":"smart","name":"Smart","value":true}],
    "variants":[{"sku":"LG-55","options":{},"price":{"minor":129900,"currency":"EUR"},"available":2}],
    "price_min":{"minor":129900,"currency":"EUR"},"price_max":{"minor":129900,"currency":"EUR"},"in_stock":true,
    "image_url":"/media/x.jpg","status":")" + status + R"(","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-02T00:00:00Z","version":)" +
                     std::to_string(version) + "}");
}
}  // namespace

TEST(OpenSearchJson, AnActiveProductBecomesADocument) {
  auto op = OpFromEvent("product.upserted.v1", Product());
  ASSERT_TRUE(op && *op);
  const auto& doc = (*op)->doc;
  EXPECT_EQ((*op)->kind, IndexOp::Kind::upsert);
  EXPECT_EQ((*op)->version, 3);
  EXPECT_EQ(doc.at("brand").at("slug").as_string(), "lg");
  EXPECT_EQ(doc.at("category_names").as_array().size(), 2u);
  EXPECT_EQ(doc.at("category_facet").as_array()[1].as_string(), "3\x1f" "1\x1f" "1\x1ftvs\x1fTVs");
  EXPECT_EQ(doc.at("specs").as_array()[0].at("value").as_string(), "55");
  EXPECT_EQ(doc.at("specs").as_array()[0].at("number").as_double(), 55.0);
  EXPECT_EQ(doc.at("specs").as_array()[2].at("value").as_string(), "yes");
  EXPECT_EQ(doc.at("price_min").as_int64(), 129900);
  EXPECT_EQ(doc.at("currency").as_string(), "EUR");
  auto lines = BulkLines("products", **op);
  EXPECT_NE(lines.find(R"("version_type":"external")"), std::string::npos);
}

TEST(OpenSearchJson, DraftArchivedAndOtherEvents) {
  auto draft = OpFromEvent("product.upserted.v1", Product("draft"));
  ASSERT_TRUE(draft && *draft);
  EXPECT_EQ((*draft)->kind, IndexOp::Kind::remove);
  auto archived = OpFromEvent("product.archived.v1", json::parse(R"({"product_id":"p-1","version":4,"archived_at":"x"})"));
  ASSERT_TRUE(archived && *archived);
  EXPECT_EQ((*archived)->kind, IndexOp::Kind::remove);
  EXPECT_EQ((*archived)->version, 4);
  EXPECT_EQ((*archived)->doc.at("status").as_string(), "archived");
  EXPECT_FALSE((*archived)->doc.contains("title"));
  EXPECT_NE(BulkLines("products", **archived).find(R"("version":4)"), std::string::npos);
  auto other = OpFromEvent("stock.changed.v1", json::parse("{}"));
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
  auto bad = OpFromEvent("product.upserted.v1", json::parse(R"({"product_id":"p"})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, store::core::Errc::invalid_argument);
}

TEST(OpenSearchJson, EachFacetIgnoresOnlyItsOwnFilter) {
  SearchRequest req;
  req.q = "tv";
  req.brands = {"lg"};
  req.in_stock = true;
  auto body = BuildSearch(req);
  auto brand_filter = json::serialize(body.at("aggs").at("f_brand").at("filter"));
  EXPECT_EQ(brand_filter.find("brand.slug"), std::string::npos);
  EXPECT_NE(brand_filter.find("in_stock"), std::string::npos);
  auto stock_filter = json::serialize(body.at("aggs").at("f_in_stock").at("filter"));
  EXPECT_NE(stock_filter.find("brand.slug"), std::string::npos);
  EXPECT_EQ(stock_filter.find("in_stock"), std::string::npos);
  auto post = json::serialize(body.at("post_filter"));
  EXPECT_NE(post.find("brand.slug"), std::string::npos);
  EXPECT_NE(post.find("in_stock"), std::string::npos);
}

TEST(OpenSearchJson, AProductIsCollapsedOnItsModelLineOrAlone) {
  auto alone = OpFromEvent("product.upserted.v1", Product());
  ASSERT_TRUE(alone && *alone);
  EXPECT_EQ((*alone)->doc.at("group").as_string(), "p:p-1") << "no model line: a line of its own";
  EXPECT_FALSE((*alone)->doc.contains("model_line"));
  auto data = Product();
  data.as_object()["model_line"] = "lg-oled-tvs";
  auto lined = OpFromEvent("product.upserted.v1", data);
  ASSERT_TRUE(lined && *lined);
  EXPECT_EQ((*lined)->doc.at("group").as_string(), "lg-oled-tvs");
  EXPECT_EQ((*lined)->doc.at("model_line").as_string(), "lg-oled-tvs");

  // A listing: one hit per line; the total and every facet count lines (cardinality of the
  // group), as the shopper sees results. The line's products come from one more request
  // (BuildLines), not from inner hits (a search per result).
  SearchRequest req;
  req.q = "tv";
  auto body = BuildSearch(req);
  EXPECT_EQ(body.at("collapse").at("field").as_string(), "group");
  EXPECT_FALSE(body.at("collapse").as_object().contains("inner_hits"));
  EXPECT_EQ(body.at("aggs").at("lines").at("aggs").at("v").at("cardinality").at("field").as_string(), "group");
  EXPECT_EQ(body.at("aggs").at("f_brand").at("aggs").at("v").at("aggs").at("lines").at("cardinality").at("field").as_string(), "group");
  EXPECT_NE(json::serialize(body.at("aggs").at("f_specs")).find("reverse_nested"), std::string::npos) << "spec values count lines too";
  // One line's products (a product page's swatches): each its own result, counted as products.
  req.line = "lg-oled-tvs";
  auto line = BuildSearch(req);
  EXPECT_FALSE(line.contains("collapse"));
  EXPECT_FALSE(line.at("aggs").at("f_brand").at("aggs").at("v").as_object().contains("aggs"));
  EXPECT_NE(json::serialize(line.at("post_filter")).find(R"({"term":{"model_line":"lg-oled-tvs"}})"), std::string::npos);
}

TEST(OpenSearchJson, ACollapsedAnswerCountsLinesAndGetsItsLinesProductsInOneMoreRequest) {
  auto answer = json::parse(R"({
    "hits": {"total": {"value": 5}, "hits": [
      {"_source": {"product_id": "a", "slug": "phone-blue", "title": "Phone Blue", "price_min": 100, "currency": "EUR",
                   "model_line": "phone"}},
      {"_source": {"product_id": "d", "slug": "case", "title": "Case", "price_min": 10, "currency": "EUR", "model_line": "case"}},
      {"_source": {"product_id": "e", "slug": "cable", "title": "Cable", "price_min": 5, "currency": "EUR"}}]},
    "aggregations": {"lines": {"v": {"value": 3}},
                     "f_brand": {"v": {"buckets": [{"key": "set below", "doc_count": 5, "lines": {"value": 2}}]}}}})");
  answer.at("aggregations").at("f_brand").at("v").at("buckets").as_array()[0].as_object()["key"] = "acme\x1f" "Acme";
  SearchRequest req;
  auto out = ParseSearch(answer, req);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->at("total").as_int64(), 3) << "lines, not the 5 products";
  EXPECT_EQ(out->at("facets").at("brand").as_array()[0].at("count").as_int64(), 2) << "a facet counts lines too";
  // One request for the items' lines (a product without one has none to ask for).
  EXPECT_EQ(LinesOf(*out), (std::vector<std::string>{"phone", "case"}));
  auto lines = BuildLines(LinesOf(*out));
  EXPECT_EQ(json::serialize(lines.at("query")), R"({"bool":{"filter":[{"terms":{"model_line":["phone","case"]}},{"term":{"status":"active"}}]}})");
  EXPECT_EQ(lines.at("aggs").at("lines").at("terms").at("size").as_int64(), 2);
  EXPECT_EQ(lines.at("aggs").at("lines").at("aggs").at("top").at("top_hits").at("size").as_int64(), 8);
  auto parsed = ParseLines(json::parse(R"({"aggregations": {"lines": {"buckets": [
      {"key": "phone", "doc_count": 3, "top": {"hits": {"hits": [
         {"_source": {"product_id": "a", "slug": "phone-blue", "title": "Phone Blue", "price_min": 100, "currency": "EUR", "in_stock": true}},
         {"_source": {"product_id": "b", "slug": "phone-red", "title": "Phone Red", "price_min": 120, "currency": "EUR", "in_stock": false}},
         {"_source": {"product_id": "c", "slug": "phone-gold", "title": "Phone Gold", "price_min": 150, "currency": "EUR", "in_stock": true}}]}}},
      {"key": "case", "doc_count": 1, "top": {"hits": {"hits": [{"_source": {"product_id": "d", "slug": "case"}}]}}}]}}})"));
  EXPECT_EQ(parsed.size(), 1u) << "a line of one has no swatches";
  ApplyLines(*out, parsed);
  const auto& items = out->at("items").as_array();
  const auto& line = items[0].at("line");
  EXPECT_EQ(line.at("total").as_int64(), 3);
  ASSERT_EQ(line.at("products").as_array().size(), 3u);
  EXPECT_EQ(line.at("products").as_array()[1].at("slug").as_string(), "phone-red");
  EXPECT_EQ(line.at("products").as_array()[1].at("price_min").at("minor").as_int64(), 120);
  EXPECT_FALSE(line.at("products").as_array()[1].at("in_stock").as_bool());
  EXPECT_FALSE(items[1].as_object().contains("line")) << "a line of one has no swatches";
  EXPECT_FALSE(items[2].as_object().contains("line"));
  json::object none{{"items", json::array{json::object{{"slug", "x"}}}}};
  EXPECT_TRUE(LinesOf(none).empty()) << "nothing to ask";
}

TEST(OpenSearchJson, IndexBodyCarriesTheSynonyms) {
  auto body = IndexBody(R"({"settings":{"analysis":{"filter":{"product_synonyms":{"type":"synonym_graph","synonyms":[]}}}}})",
                        "# comment\n\ntv, television\n laptop, notebook \n");
  ASSERT_TRUE(body);
  auto v = json::parse(*body);
  const auto& rules = v.at("settings").at("analysis").at("filter").at("product_synonyms").at("synonyms").as_array();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[1].as_string(), "laptop, notebook");
}

TEST(OpenSearchJson, BulkOutcomes) {
  auto out = ParseBulkResponse(json::parse(R"({"items":[{"index":{"status":201}},{"index":{"status":409}},
     {"delete":{"status":404}},{"index":{"status":400,"error":{"type":"mapper_parsing_exception"}}},{"index":{"status":429}}]})"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->applied, 1u);
  EXPECT_EQ(out->stale, 1u);
  EXPECT_EQ(out->missing, 1u);
  EXPECT_EQ(out->rejected, 1u);
  EXPECT_EQ(out->transient, 1u);
}
