// store_catalog_search against the real Kafka, OpenSearch and Redis: indexing from events (a
// redelivery and an older version change nothing), archive removes, relevance, facets, filters,
// sorts, pages, highlights, suggestions, typos, synonyms, did-you-mean, zero-result counting,
// reindex by replay while searches go on, bad input and OpenSearch down.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <numeric>
#include <set>

#include "store/core/text.hpp"
#include "store/testing/contract.hpp"
#include "store/testing/openapi.hpp"
#include "store/testing/process.hpp"
#include "support/search_env.hpp"

using namespace store::search;
using namespace store::search::testing;
namespace json = boost::json;

namespace {

// Electronics(1) > Phones(2), TVs(3), Laptops(4); Home(5) > Kitchen(6) > Cookware(7); Fashion(8) > Shoes(9)
const std::vector<std::pair<std::int64_t, std::string>> kPhones{{1, "Electronics"}, {2, "Phones"}};
const std::vector<std::pair<std::int64_t, std::string>> kTvs{{1, "Electronics"}, {3, "TVs"}};
const std::vector<std::pair<std::int64_t, std::string>> kLaptops{{1, "Electronics"}, {4, "Laptops"}};
const std::vector<std::pair<std::int64_t, std::string>> kCookware{{5, "Home"}, {6, "Kitchen"}, {7, "Cookware"}};
const std::vector<std::pair<std::int64_t, std::string>> kShoes{{8, "Fashion"}, {9, "Shoes"}};

std::vector<ProductSpec> Fixture() {
  return {
      {"p01", "Samsung Galaxy S23", "Flagship Android smartphone with a bright screen.", "Samsung", kPhones, 79900, true,
       {{"storage", "128GB"}, {"color", "Black"}}, "2024-03-01T00:00:00.000Z"},
      {"p02", "Apple iPhone 15", "The latest iPhone with a great camera.", "Apple", kPhones, 99900, true,
       {{"storage", "128GB"}, {"color", "Blue"}}, "2024-05-01T00:00:00.000Z"},
      {"p03", "Google Pixel 8", "Android phone with clever photo tools.", "Google", kPhones, 69900, false,
       {{"storage", "256GB"}, {"color", "Black"}}, "2024-02-01T00:00:00.000Z"},
      {"p04", "LG OLED55 Television", "55 inch OLED picture with deep blacks.", "LG", kTvs, 129900, true,
       {{"screen_size", 55}}, "2024-01-15T00:00:00.000Z"},
      {"p05", "Samsung QLED 65 TV", "A 65 inch QLED panel for bright rooms.", "Samsung", kTvs, 149900, false,
       {{"screen_size", 65}}, "2024-04-01T00:00:00.000Z"},
      {"p06", "Lenovo ThinkPad Notebook", "A business notebook with a great keyboard.", "Lenovo", kLaptops, 99900, true,
       {{"ram", "16GB"}}, "2023-11-01T00:00:00.000Z"},
      {"p07", "Apple MacBook Air", "Thin and light laptop with a long battery life.", "Apple", kLaptops, 119900, true,
       {{"ram", "8GB"}}, "2024-06-01T00:00:00.000Z"},
      {"p08", "Tefal Frying Pan 28cm", "Non-stick pan for everyday cooking.", "Tefal", kCookware, 2999, true,
       {{"diameter", 28}}, "2023-09-01T00:00:00.000Z"},
      {"p09", "Le Creuset Cast Iron Casserole", "Enamelled cast iron pot for slow cooking.", "Le Creuset", kCookware, 24900,
       true, {{"diameter", 24}}, "2023-10-01T00:00:00.000Z"},
      {"p10", "Nike Air Zoom Running Shoes", "Light running shoes with responsive cushioning.", "Nike", kShoes, 12900, true,
       {{"color", "White"}}, "2024-02-15T00:00:00.000Z"},
      {"p11", "Adidas Ultraboost Trainers", "Everyday trainers with a soft sole.", "Adidas", kShoes, 17900, true,
       {{"color", "Black"}}, "2024-01-10T00:00:00.000Z"},
      {"p12", "Spigen Rugged Armor Case", "A protective case that fits the Samsung Galaxy S23.", "Spigen", kPhones, 1499, true,
       {{"color", "Black"}}, "2023-12-01T00:00:00.000Z"},
  };
}

class SearchQueries : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = new SearchEnv();
    for (const auto& p : Fixture()) env_->Publish("product.upserted.v1", ProductData(p));
    ASSERT_TRUE(env_->WaitUntil([] { return env_->Total() == 12; })) << "the fixture was not indexed";
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  static json::value Search(const std::string& query) {
    auto a = env_->Get(query);
    EXPECT_EQ(a.status, 200) << query << " " << json::serialize(a.body);
    return a.body;
  }
  static std::int64_t FacetSum(const json::value& facet) {
    std::int64_t sum = 0;
    for (const auto& b : facet.as_array()) sum += b.at("count").as_int64();
    return sum;
  }
  static SearchEnv* env_;
};
SearchEnv* SearchQueries::env_ = nullptr;

TEST_F(SearchQueries, TitleAndBrandWeighMoreThanDescription) {
  auto r = Search("/v1/search?q=samsung");
  auto ids = Ids(r);
  ASSERT_EQ(ids.size(), 3u);  // two Samsung products and the case whose description names Samsung
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.begin() + 2), (std::set<std::string>{"p01", "p05"}));
  EXPECT_EQ(ids[2], "p12");
  EXPECT_EQ(Ids(Search("/v1/search?q=galaxy"))[0], "p01");
  EXPECT_EQ(Ids(Search("/v1/search?q=apple+laptop")), (std::vector<std::string>{"p07"}));
}

TEST_F(SearchQueries, TyposAreTolerated) {
  EXPECT_EQ(Ids(Search("/v1/search?q=samsng+galxy"))[0], "p01");
  EXPECT_EQ(Ids(Search("/v1/search?q=televison"))[0], "p04");
  EXPECT_EQ(Ids(Search("/v1/search?q=thinkpda"))[0], "p06");
}

TEST_F(SearchQueries, SynonymsFromTheFile) {
  auto tv = Ids(Search("/v1/search?q=television"));
  EXPECT_EQ(std::set<std::string>(tv.begin(), tv.end()), (std::set<std::string>{"p04", "p05"}));  // "TV" in p05
  auto laptops = Ids(Search("/v1/search?q=notebook"));
  EXPECT_EQ(std::set<std::string>(laptops.begin(), laptops.end()), (std::set<std::string>{"p06", "p07"}));
  EXPECT_EQ(Ids(Search("/v1/search?q=skillet")), (std::vector<std::string>{"p08"}));
  EXPECT_EQ(Ids(Search("/v1/search?q=sneakers")), (std::vector<std::string>{"p11"}));  // "Trainers"
}

TEST_F(SearchQueries, FacetCountsAddUpAndIgnoreOnlyTheirOwnFilter) {
  auto all = Search("/v1/search?size=1");
  EXPECT_EQ(all.at("total").as_int64(), 12);
  const auto& f = all.at("facets");
  EXPECT_EQ(FacetSum(f.at("price")), 12);
  EXPECT_EQ(FacetSum(f.at("in_stock")), 12);
  EXPECT_EQ(FacetSum(f.at("brand")), 12);
  std::int64_t roots = 0, electronics_children = 0, electronics = 0;
  for (const auto& c : f.at("category").as_array()) {
    if (c.at("depth").as_int64() == 0) roots += c.at("count").as_int64();
    if (c.at("id").as_int64() == 1) electronics = c.at("count").as_int64();
    if (!c.at("parent_id").is_null() && c.at("parent_id").as_int64() == 1) electronics_children += c.at("count").as_int64();
  }
  EXPECT_EQ(roots, 12);
  EXPECT_EQ(electronics, 8);
  EXPECT_EQ(electronics_children, electronics);

  // Filter on a brand: the hits and the other facets narrow, the brand facet keeps every brand.
  auto samsung = Search("/v1/search?brand=samsung&size=50");
  EXPECT_EQ(samsung.at("total").as_int64(), 2);
  EXPECT_EQ(FacetSum(samsung.at("facets").at("brand")), 12);
  EXPECT_EQ(FacetSum(samsung.at("facets").at("in_stock")), 2);
  EXPECT_EQ(FacetSum(samsung.at("facets").at("price")), 2);
  // Filter on a spec value: the spec's own facet still counts its other values.
  auto black = Search("/v1/search?spec.color=Black");
  EXPECT_EQ(black.at("total").as_int64(), 4);
  for (const auto& s : black.at("facets").at("specs").as_array())
    if (s.at("key").as_string() == "color") {
      EXPECT_EQ(FacetSum(s.at("values")), 6);  // Black 4, Blue 1, White 1: every colored product
    }
}

TEST_F(SearchQueries, Filters) {
  EXPECT_EQ(Search("/v1/search?category=1").at("total").as_int64(), 8);  // descendants included
  EXPECT_EQ(Search("/v1/search?category=5").at("total").as_int64(), 2);
  EXPECT_EQ(Search("/v1/search?category=3").at("total").as_int64(), 2);
  EXPECT_EQ(Search("/v1/search?in_stock=false").at("total").as_int64(), 2);
  EXPECT_EQ(Search("/v1/search?price=0-2500").at("total").as_int64(), 1);        // the case
  EXPECT_EQ(Search("/v1/search?price=0-2500,2500-5000").at("total").as_int64(), 2);
  EXPECT_EQ(Search("/v1/search?min_price=99900&max_price=119900").at("total").as_int64(), 3);
  EXPECT_EQ(Search("/v1/search?spec.storage=128GB&category=2").at("total").as_int64(), 2);
  EXPECT_EQ(Search("/v1/search?spec.screen_size=65").at("total").as_int64(), 1);
  EXPECT_EQ(Search("/v1/search?q=phone&brand=apple,google&in_stock=true").at("total").as_int64(), 1);
}

TEST_F(SearchQueries, Sorts) {
  auto prices = [](const json::value& r) {
    std::vector<std::int64_t> out;
    for (const auto& i : r.at("items").as_array()) out.push_back(i.at("price_min").at("minor").as_int64());
    return out;
  };
  auto asc = prices(Search("/v1/search?sort=price_asc&size=50"));
  ASSERT_EQ(asc.size(), 12u);
  EXPECT_TRUE(std::is_sorted(asc.begin(), asc.end()));
  auto desc = prices(Search("/v1/search?sort=price_desc&size=50"));
  EXPECT_TRUE(std::is_sorted(desc.rbegin(), desc.rend()));
  auto newest = Search("/v1/search?sort=newest&size=3");
  EXPECT_EQ(Ids(newest), (std::vector<std::string>{"p07", "p02", "p05"}));
  EXPECT_EQ(Ids(Search("/v1/search?q=phone&sort=price_asc"))[0], "p12");
}

TEST_F(SearchQueries, PagesCoverEverythingOnce) {
  std::vector<std::string> seen;
  for (int page = 1; page <= 3; ++page) {
    auto r = Search("/v1/search?sort=price_asc&size=5&page=" + std::to_string(page));
    EXPECT_EQ(r.at("pages").as_int64(), 3);
    for (auto& id : Ids(r)) seen.push_back(id);
  }
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 12u);
  EXPECT_TRUE(Ids(Search("/v1/search?size=5&page=4")).empty());
}

TEST_F(SearchQueries, HighlightsMatches) {
  auto r = Search("/v1/search?q=oled+television");
  ASSERT_FALSE(r.at("items").as_array().empty());
  const auto& item = r.at("items").as_array()[0];
  EXPECT_EQ(item.at("product_id").as_string(), "p04");
  ASSERT_TRUE(item.as_object().contains("highlight")) << json::serialize(r);
  EXPECT_EQ(item.at("highlight").at("title").as_string(), "LG OLED55 <em>Television</em>");
  EXPECT_NE(std::string(item.at("highlight").at("description").as_string()).find("<em>OLED</em>"), std::string::npos);
}

TEST_F(SearchQueries, SuggestsAsYouType) {
  auto r = Search("/v1/suggest?q=sams");
  std::set<std::string> titles;
  for (const auto& p : r.at("products").as_array()) titles.emplace(p.at("title").as_string());
  EXPECT_TRUE(titles.contains("Samsung Galaxy S23"));
  EXPECT_TRUE(titles.contains("Samsung QLED 65 TV"));
  ASSERT_FALSE(r.at("brands").as_array().empty());
  EXPECT_EQ(r.at("brands").as_array()[0].at("name").as_string(), "Samsung");
  auto lap = Search("/v1/suggest?q=lap");
  ASSERT_FALSE(lap.at("categories").as_array().empty()) << json::serialize(lap);
  EXPECT_EQ(lap.at("categories").as_array()[0].at("name").as_string(), "Laptops");
  auto two_words = Search("/v1/suggest?q=galaxy+s2");
  ASSERT_FALSE(two_words.at("products").as_array().empty());
  EXPECT_EQ(two_words.at("products").as_array()[0].at("title").as_string(), "Samsung Galaxy S23");
}

TEST_F(SearchQueries, NoResultsSuggestsACorrectionAndIsCounted) {
  auto& counter = env_->registry().GetCounter("search_zero_results_total", "");
  auto before = counter.Value();
  auto r = Search("/v1/search?q=Salaxy");  // first letter wrong: beyond the fuzzy match (prefix_length 1)
  EXPECT_EQ(r.at("total").as_int64(), 0);
  ASSERT_TRUE(r.at("did_you_mean").is_string()) << json::serialize(r);
  EXPECT_EQ(r.at("did_you_mean").as_string(), "galaxy");
  Search("/v1/search?q=salaxy++");
  EXPECT_EQ(counter.Value(), before + 2);
  auto score = env_->cache().RunSync({"ZSCORE", env_->keyspace().Key("zero_results"), "salaxy"});
  ASSERT_TRUE(score);
  EXPECT_EQ(score->str, "2");
  // A query with results is not counted; a hit list answer has no did_you_mean.
  auto ok = Search("/v1/search?q=galaxy");
  EXPECT_FALSE(ok.as_object().contains("did_you_mean"));
  EXPECT_EQ(counter.Value(), before + 2);
}

TEST_F(SearchQueries, BadInputIsA400ProblemAndChangesNothing) {
  for (std::string q : std::vector<std::string>{"/v1/search?sort=cheapest", "/v1/search?size=1000", "/v1/search?page=0", "/v1/search?colour=red",
                        "/v1/search?q=" + std::string(201, 'a'), "/v1/search?in_stock=perhaps", "/v1/search?q=%C3",
                        "/v1/suggest", "/v1/suggest?q=" + std::string(101, 'a')}) {
    auto a = env_->Get(q);
    EXPECT_EQ(a.status, 400) << q;
    EXPECT_EQ(a.content_type, "application/problem+json") << q;
    EXPECT_EQ(a.body.at("status").as_int64(), 400);
  }
  auto a = env_->Get("/v1/search?sort=cheapest&size=0");
  ASSERT_EQ(a.body.at("errors").as_array().size(), 2u);
}

// The outside tester's finding: `price=a` + 20 x "é" was echoed in the 400 cut to 40 bytes, in the
// middle of the 20th "é", and the problem+json body was not valid UTF-8.
TEST_F(SearchQueries, A400EchoingTheClientsTextIsValidUtf8) {
  std::string e_acute_20;
  for (int i = 0; i < 20; ++i) e_acute_20 += "%C3%A9";
  for (std::string q : {"/v1/search?price=a" + e_acute_20, "/v1/search?brand=a" + e_acute_20,
                        "/v1/search?a" + e_acute_20 + e_acute_20 + "=1", "/v1/suggest?q=x&a" + e_acute_20 + e_acute_20 + "=1"}) {
    auto a = env_->Get(q);
    EXPECT_EQ(a.status, 400) << q;
    EXPECT_TRUE(store::core::IsValidUtf8(a.raw)) << q << ": " << a.raw;
    ASSERT_TRUE(a.body.is_object()) << q << ": " << a.raw;  // Boost.JSON refuses invalid UTF-8 too
    const auto& error = a.body.at("errors").as_array().at(0).as_object();
    std::string echoed = std::string(error.at("field").as_string()) + std::string(error.at("message").as_string());
    EXPECT_NE(echoed.find("a\xC3\xA9\xC3\xA9"), std::string::npos) << q << ": " << a.raw;  // the text is still there
  }
}

TEST_F(SearchQueries, ContractEveryDocumentedOperationAnswersADocumentedStatus) {
  // The staff's routes with an admin's token; the public ones without. The PUT example replaces
  // the suite's synonym rules: they are put back after.
  const std::string admin = env_->Token({"admin"});
  auto rules = env_->Send(store::http::Verb::get, "/v1/admin/search/synonyms", "", admin);
  ASSERT_EQ(rules.status, 200) << rules.raw;
  auto violations = store::testing::CheckRequestPolicy(store::testing::ReadOpenApi(STORE_CONTRACTS_DIR "/openapi/search.yaml"),
                                                       env_->Url(""), {.tokens = {{"", admin}}});
  EXPECT_TRUE(violations.empty()) << store::testing::Join(violations);
  json::object back{{"text", rules.body.at("text")}};
  ASSERT_EQ(env_->Send(store::http::Verb::put, "/v1/admin/search/synonyms", json::serialize(back), admin).status, 200);
  auto ops = store::testing::ReadOpenApi(STORE_CONTRACTS_DIR "/openapi/search.yaml").operations;
  std::erase_if(ops, [](const auto& op) { return op.secured; });
  ASSERT_EQ(ops.size(), 2u) << "the public ones";
  boost::asio::io_context ioc;
  store::http::Client client;
  for (const auto& op : ops) {
    ASSERT_EQ(op.method, "get");
    auto a = env_->Get(op.path + op.ExampleQuery());
    EXPECT_TRUE(op.statuses.contains(a.status)) << op.path << op.ExampleQuery() << " answered " << a.status;
    EXPECT_EQ(a.status, 200) << op.path << op.ExampleQuery();  // the examples are valid requests
    auto bad = env_->Get(op.path + "?size=0");
    EXPECT_TRUE(op.statuses.contains(bad.status)) << op.path << " answered " << bad.status;
    for (auto verb : {store::http::Verb::post, store::http::Verb::put, store::http::Verb::delete_}) {
      auto res = store::testing::RunAwaitable(ioc, client.Send({verb, env_->Url(op.path), "{}", "application/json", {}}));
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 405) << op.path;
    }
  }
}

// ---- search quality (the staff's routes) ----------------------------------------------------

// What shoppers asked (all, and what found nothing) for staff only; new synonym rules are checked by
// the engine (a bad rule refused, nothing changed) and live at once: a query that found nothing
// finds the product; a rebuilt index keeps them.
TEST(SearchQuality, StaffSeeTheTopQueriesAndChangeTheSynonymsLive) {
  SearchEnv env;
  env.Publish("product.upserted.v1", ProductData({"sofa-1", "Oslo Sofa", "A three-seat sofa.", "Hay", {{7, "Living"}}, 89900}));
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=sofa") == 1; }));
  EXPECT_EQ(env.Total("/v1/search?q=Settee"), 0);
  EXPECT_EQ(env.Total("/v1/search?q=settee"), 0);
  const std::string admin = env.Token({"admin"});
  using store::http::Verb;
  auto top = env.Send(Verb::get, "/v1/admin/search/queries?found=nothing&limit=5", "", admin);
  ASSERT_EQ(top.status, 200) << top.raw;
  ASSERT_FALSE(top.body.at("items").as_array().empty()) << top.raw;
  EXPECT_EQ(top.body.at("items").at(0).at("query").as_string(), "settee") << "normalised: one query, asked twice";
  EXPECT_EQ(top.body.at("items").at(0).at("count").as_int64(), 2);
  auto all = env.Send(Verb::get, "/v1/admin/search/queries", "", admin);
  ASSERT_EQ(all.status, 200) << all.raw;
  EXPECT_EQ(all.body.at("items").at(0).at("query").as_string(), "sofa") << "the most asked first: " << all.raw;
  for (const char* bad : {"?found=some", "?limit=0", "?limit=x", "?limit=501"})
    EXPECT_EQ(env.Send(Verb::get, std::string("/v1/admin/search/queries") + bad, "", admin).status, 400) << bad;

  auto before = env.Send(Verb::get, "/v1/admin/search/synonyms", "", admin);
  ASSERT_EQ(before.status, 200) << before.raw;
  const std::string rules(before.body.at("text").as_string());
  EXPECT_NE(rules.find("laptop, notebook"), std::string::npos) << "the file's rules: " << rules;
  auto refused = env.Send(Verb::put, "/v1/admin/search/synonyms", R"({"text":"settee, sofa\n => \n"})", admin);
  EXPECT_EQ(refused.status, 400) << refused.raw;
  EXPECT_EQ(refused.body.at("errors").at(0).at("field").as_string(), "text") << refused.raw;
  EXPECT_EQ(env.Send(Verb::get, "/v1/admin/search/synonyms", "", admin).body.at("text").as_string(), rules) << "nothing changed";

  json::object change{{"text", "# staff's rules\nsettee, sofa\n" + rules}};
  auto put = env.Send(Verb::put, "/v1/admin/search/synonyms", json::serialize(change), admin);
  ASSERT_EQ(put.status, 200) << put.raw;
  EXPECT_EQ(put.body.at("rules").at(0).as_string(), "settee, sofa") << "comments left out";
  EXPECT_EQ(env.Total("/v1/search?q=settee"), 1) << "live at once";
  EXPECT_EQ(env.Total("/v1/search?q=laptop"), 0);  // (no laptop here; the old rules still parse)
  auto after = env.Send(Verb::get, "/v1/admin/search/synonyms", "", admin);
  EXPECT_EQ(after.body.at("rules").at(0).as_string(), "settee, sofa");
  // A rebuilt index (a reindex, a new mapping) starts with the live rules, not the file's.
  auto rebuilt = env.index().CreateIndex();
  ASSERT_TRUE(rebuilt) << rebuilt.error().message;
  env.Track(*rebuilt);
  OpenSearchClient os(OpenSearchOptions{.url = OpenSearchUrl(), .timeout = std::chrono::seconds(10)});
  auto settings = os.CallSync(Verb::get, "/" + *rebuilt + "/_settings", "");
  ASSERT_TRUE(settings && settings->status == 200);
  auto filter = SynonymFilterOf(settings->body.at(*rebuilt));
  ASSERT_TRUE(filter);
  EXPECT_EQ(RulesOf(*filter).at(0), "settee, sofa");

  // Staff only.
  for (const auto& [verb, path] : std::vector<std::pair<Verb, std::string>>{{Verb::get, "/v1/admin/search/queries"},
                                                                          {Verb::get, "/v1/admin/search/synonyms"},
                                                                          {Verb::put, "/v1/admin/search/synonyms"}}) {
    const std::string body = verb == Verb::put ? R"({"text":"a, b"})" : "";
    EXPECT_EQ(env.Send(verb, path, body).status, 401) << path;
    EXPECT_EQ(env.Send(verb, path, body, env.Token({"customer"})).status, 403) << path;
  }
}

// ---- indexing ------------------------------------------------------------------------------

// One model, one result: two versions of a model line are one result carrying both; its
// swatches are kept in Redis (30 s) and served from there; an unknown line is asked again.
TEST(SearchLines, AModelLineIsOneResultWithItsVersionsKeptInRedis) {
  SearchEnv env;
  for (const char* colour : {"Red", "Blue"}) {
    ProductSpec p{std::string("kettle-") + colour, std::string("Lines Kettle ") + colour, "Boils.", "Bosch", {{5, "Home"}},
                  std::string(colour) == "Red" ? 3999 : 4599};
    auto data = ProductData(p);
    data["model_line"] = "lines-kettle";
    env.Publish("product.upserted.v1", data);
  }
  env.Publish("product.upserted.v1", ProductData({"toaster", "Lines Toaster", "Toasts.", "Bosch", {{5, "Home"}}, 2999}));
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=lines&size=5&line=lines-kettle") == 2; }));
  auto a = env.Get("/v1/search?q=lines&sort=price_asc");
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body.at("total").as_int64(), 2) << "the kettle line and the toaster";
  const auto& kettle = a.body.at("items").at(1);
  EXPECT_EQ(kettle.at("title").as_string(), "Lines Kettle Red") << "the line's best under the sort";
  ASSERT_EQ(kettle.at("line").at("total").as_int64(), 2);
  EXPECT_EQ(kettle.at("line").at("products").at(1).at("title").as_string(), "Lines Kettle Blue") << "cheapest first";
  EXPECT_FALSE(a.body.at("items").at(0).as_object().contains("line")) << "the toaster is a product of its own";
  // Kept in Redis: what the next page with this line shows without asking OpenSearch.
  const auto key = env.keyspace().Key("lines:") + "lines-kettle";
  boost::asio::io_context ioc;
  auto kept = store::testing::RunAwaitable(ioc, env.cache().Get(key));
  ASSERT_TRUE(kept && *kept);
  EXPECT_NE(kept->value().find("Lines Kettle Blue"), std::string::npos);
  auto planted = json::parse(**kept).as_object();
  planted["products"].as_array()[1].as_object()["title"] = "From Redis";
  ASSERT_TRUE(store::testing::RunAwaitable(ioc, env.cache().Set(key, json::serialize(planted), std::chrono::seconds(30))));
  EXPECT_EQ(env.Get("/v1/search?q=lines&sort=price_asc").body.at("items").at(1).at("line").at("products").at(1).at("title").as_string(),
            "From Redis");
  // Redis without it (expired, evicted): asked again.
  ASSERT_TRUE(store::testing::RunAwaitable(ioc, env.cache().Del(key)));
  EXPECT_EQ(env.Get("/v1/search?q=lines&sort=price_asc").body.at("items").at(1).at("line").at("products").at(1).at("title").as_string(),
            "Lines Kettle Blue");
}

TEST(SearchIndexing, RedeliveryAndOlderVersionsChangeNothing) {
  SearchEnv env;
  ProductSpec p{"x1", "Bosch Kettle", "Boils water fast.", "Bosch", kCookware, 4999};
  p.version = 3;
  auto v3 = env.Publish("product.upserted.v1", ProductData(p));
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=kettle") == 1; }));
  env.PublishEnvelope(v3);  // the same event again (a redelivery)
  ProductSpec old = p;
  old.version = 2;
  old.title = "Bosch Teapot";
  env.Publish("product.upserted.v1", ProductData(old));  // an older version arriving late
  ProductSpec marker{"x2", "Marker Product", "", "", kCookware, 100};
  env.Publish("product.upserted.v1", ProductData(marker));
  // x1 and x2 share no partition order guarantee, so wait until both stale records were handled.
  ASSERT_TRUE(env.WaitUntil([&] { return env.counters().stale.load() >= 2 && env.Total("/v1/search?q=marker") == 1; }));
  EXPECT_EQ(env.Total("/v1/search?q=teapot"), 0);
  EXPECT_EQ(env.Total("/v1/search?q=kettle"), 1);
  auto doc = env.os().CallSync(store::http::Verb::get, "/" + env.alias() + "/_doc/x1", "");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->body.at("_version").as_int64(), 3);
  // A newer version wins.
  ProductSpec v4 = p;
  v4.version = 4;
  v4.title = "Bosch Electric Kettle Pro";
  env.Publish("product.upserted.v1", ProductData(v4));
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=kettle+pro") == 1; }));
}

TEST(SearchIndexing, ArchiveAndDraftRemoveFromTheIndex) {
  SearchEnv env;
  ProductSpec a{"a1", "Philips Hue Lamp", "Smart lamp.", "Philips", kCookware, 5999};
  ProductSpec b{"a2", "Philips Desk Lamp", "A lamp for the desk.", "Philips", kCookware, 3999};
  env.Publish("product.upserted.v1", ProductData(a));
  env.Publish("product.upserted.v1", ProductData(b));
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=lamp") == 2; }));
  env.Publish("product.archived.v1", json::object{{"product_id", "a1"}, {"version", 2}, {"archived_at", "2024-01-01T00:00:00Z"}});
  ProductSpec draft = b;
  draft.version = 2;
  draft.status = "draft";
  env.Publish("product.upserted.v1", ProductData(draft));
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=lamp") == 0; }));
  // The archived product's old version, replayed late, does not come back.
  env.Publish("product.upserted.v1", ProductData(a));
  ProductSpec marker{"a3", "Marker Lamp", "", "", kCookware, 100};
  env.Publish("product.upserted.v1", ProductData(marker));
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=marker") == 1; }));
  ASSERT_TRUE(env.WaitUntil([&] { return env.counters().stale.load() >= 1; }));
  EXPECT_EQ(env.Total("/v1/search?q=hue"), 0);
}

TEST(SearchIndexing, MalformedEventsAreDeadLettered) {
  SearchEnv env;
  env.Publish("product.upserted.v1", json::object{{"product_id", "bad"}, {"version", 1}});  // no status, title...
  ProductSpec ok{"ok1", "Valid Product", "", "", kCookware, 100};
  env.Publish("product.upserted.v1", ProductData(ok));
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=valid") == 1; }));
  // The two records may sit in different partitions, handled independently: the valid one can be
  // searchable before the bad one's dead letter is acknowledged.
  std::vector<store::messaging::Message> dlq;
  ASSERT_TRUE(env.WaitUntil([&] { return !(dlq = store::testing::ReadAll(env.upserted().dlq())).empty(); }));
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].key, "bad");
}

TEST(SearchErrors, OpenSearchDownIsA503Problem) {
  // An OpenSearch that does not answer: nothing listens on the port.
  OpenSearchClient os(OpenSearchOptions{.url = "http://127.0.0.1:1", .timeout = std::chrono::milliseconds(500)});
  store::metrics::Registry registry;
  OpenSearchQueries engine(os, "products");
  store::search::SearchQueries queries(engine, nullptr, registry);
  SearchApi api(queries, Limits{});
  store::http::Router router;
  api.AddRoutes(router);
  store::testing::TestServer server(std::move(router));
  boost::asio::io_context ioc;
  store::http::Client client;
  for (std::string path : std::vector<std::string>{"/v1/search?q=tv", "/v1/suggest?q=tv"}) {
    auto res = store::testing::RunAwaitable(ioc, client.Get(server.Url(path)));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503) << path;
    EXPECT_EQ(res->Header("Content-Type"), "application/problem+json");
  }
  // Bad input is still a 400 (validated before OpenSearch is asked).
  auto bad = store::testing::RunAwaitable(ioc, client.Get(server.Url("/v1/search?sort=x")));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

// ---- the executable ------------------------------------------------------------------------

TEST(SearchProcess, CreatesTheAliasIndexesEventsServesAndStopsOnSigterm) {
  store::testing::TempTopic upserted("search_proc_up", 1), archived("search_proc_arch", 1);
  auto alias = store::testing::UniqueName("search_proc");
  auto engines = store::testing::Engines::FromEnv();
  int port = store::testing::FreePort();
  store::testing::ChildProcess search({STORE_SEARCH_BIN},
                                      {{"SEARCH_HTTP_HOST", "127.0.0.1"}, {"SEARCH_HTTP_PORT", std::to_string(port)}, {"SEARCH_INDEX_ALIAS", alias},
                                       {"SEARCH_INDEXER_TOPICS", upserted.name() + "," + archived.name()},
                                       {"SEARCH_INDEXER_GROUP", store::testing::UniqueName("search_proc_group")},
                                       {"SEARCH_OPENSEARCH_URL", OpenSearchUrl()}, {"SEARCH_KAFKA_BOOTSTRAP", engines.kafka_bootstrap},
                                       {"SEARCH_CACHE_PORT", std::to_string(engines.redis_port)}});
  ASSERT_GT(search.pid(), 0);
  OpenSearchClient os(OpenSearchOptions{.url = OpenSearchUrl(), .timeout = std::chrono::seconds(10)});
  SearchIndex index(os, alias, TestIndexBody());
  boost::asio::io_context ioc;
  store::http::Client client;
  auto get = [&](const std::string& path) {
    auto res = store::testing::RunAwaitable(ioc, client.Get("http://127.0.0.1:" + std::to_string(port) + path));
    return res ? *res : store::http::ClientResponse{};
  };
  auto until = [](const std::function<bool()>& done) { return store::testing::WaitUntil(done, std::chrono::seconds(20)); };
  EXPECT_TRUE(until([&] { return get("/readyz").status == 200; }));  // the alias was created at start
  auto producer = store::messaging::Producer::Create(store::testing::KafkaTestConfig());
  ASSERT_TRUE(producer);
  ProductSpec p{"proc1", "Process Test Toaster", "Two slots.", "Bosch", {{5, "Home"}}, 3999};
  auto event = store::messaging::NewEvent("product.upserted.v1", ProductData(p));
  ASSERT_TRUE((*producer)->Produce(store::messaging::EventMessage(upserted.name(), "proc1", event)));
  EXPECT_TRUE(until([&] {
    (void)index.Refresh(alias);
    auto r = get("/v1/search?q=toaster");
    return r.status == 200 && json::parse(r.body).at("total").as_int64() == 1;
  }));
  EXPECT_NE(get("/metrics").body.find("search_indexer_events_total{result=\"applied\"} 1"), std::string::npos);
  EXPECT_EQ(search.Stop(std::chrono::seconds(20)), 0);  // SIGTERM: a graceful stop, exit code 0
  if (auto targets = index.AliasTargets())
    for (const auto& t : *targets) (void)index.DeleteIndex(t);
}

// A shop upgraded to a build whose mapping is newer than its index's (mappings._meta.
// mapping_version): the service rebuilds the index from the product topics before its live indexer
// starts, and then answers with the new mapping's features (results collapsed on model lines).
TEST(SearchProcess, AnIndexWithAnOlderMappingIsRebuiltFromTheTopicsAtStart) {
  store::testing::TempTopic upserted("search_upgrade_up", 1);
  auto alias = store::testing::UniqueName("search_upgrade");
  auto engines = store::testing::Engines::FromEnv();
  OpenSearchClient os(OpenSearchOptions{.url = OpenSearchUrl(), .timeout = std::chrono::seconds(10)});
  // The old index: this build's body with an older version, behind the alias.
  auto old_body = json::parse(TestIndexBody());
  old_body.at("mappings").at("_meta").as_object()["mapping_version"] = 1;
  SearchIndex old_index(os, alias, json::serialize(old_body));
  ASSERT_TRUE(old_index.EnsureAlias());
  auto old_targets = old_index.AliasTargets();
  ASSERT_TRUE(old_targets && old_targets->size() == 1u);
  SearchIndex index(os, alias, TestIndexBody());
  auto stale = index.MappingIsCurrent();
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
  // Two products of one model line, already on the topic (the replay reads them).
  auto producer = store::messaging::Producer::Create(store::testing::KafkaTestConfig());
  ASSERT_TRUE(producer);
  for (const char* colour : {"Red", "Blue"}) {
    ProductSpec p{std::string("up-") + colour, std::string("Upgrade Kettle ") + colour, "Boils.", "Bosch", {{5, "Home"}}, 3999};
    auto data = ProductData(p);
    data["model_line"] = "upgrade-kettle";
    auto event = store::messaging::NewEvent("product.upserted.v1", data);
    ASSERT_TRUE((*producer)->Produce(store::messaging::EventMessage(upserted.name(), p.id, event)));
  }
  int port = store::testing::FreePort();
  store::testing::ChildProcess search({STORE_SEARCH_BIN},
                                      {{"SEARCH_HTTP_HOST", "127.0.0.1"}, {"SEARCH_HTTP_PORT", std::to_string(port)}, {"SEARCH_INDEX_ALIAS", alias},
                                       {"SEARCH_INDEXER_TOPICS", upserted.name()},
                                       {"SEARCH_INDEXER_GROUP", store::testing::UniqueName("search_upgrade_group")},
                                       {"SEARCH_OPENSEARCH_URL", OpenSearchUrl()}, {"SEARCH_KAFKA_BOOTSTRAP", engines.kafka_bootstrap},
                                       {"SEARCH_CACHE_PORT", std::to_string(engines.redis_port)}});
  ASSERT_GT(search.pid(), 0);
  boost::asio::io_context ioc;
  store::http::Client client;
  auto get = [&](const std::string& path) {
    auto res = store::testing::RunAwaitable(ioc, client.Get("http://127.0.0.1:" + std::to_string(port) + path));
    return res ? *res : store::http::ClientResponse{};
  };
  EXPECT_TRUE(store::testing::WaitUntil([&] {
    auto current = index.MappingIsCurrent();
    return current && *current;
  }, std::chrono::seconds(60))) << "the index was not rebuilt";
  auto targets = index.AliasTargets();
  ASSERT_TRUE(targets);
  EXPECT_NE(*targets, *old_targets) << "a new index behind the alias";
  json::value answer;
  EXPECT_TRUE(store::testing::WaitUntil([&] {
    (void)index.Refresh(alias);
    auto r = get("/v1/search?q=kettle");
    if (r.status != 200) return false;
    answer = json::parse(r.body);
    return answer.at("items").as_array().size() == 1u;
  }, std::chrono::seconds(30))) << json::serialize(answer);
  EXPECT_EQ(answer.at("total").as_int64(), 1) << "one model, one result";
  EXPECT_EQ(answer.at("items").at(0).at("line").at("total").as_int64(), 2);
  EXPECT_EQ(search.Stop(std::chrono::seconds(20)), 0);
  if (auto left = index.AliasTargets())
    for (const auto& t : *left) (void)index.DeleteIndex(t);
  for (const auto& t : *old_targets) (void)index.DeleteIndex(t);
}

TEST(SearchProcess, BadConfigurationExitsTwoNamingTheKey) {
  store::testing::ChildProcess bad_port({STORE_SEARCH_BIN}, {{"SEARCH_HTTP_PORT", "70000"}});
  ASSERT_GT(bad_port.pid(), 0);
  EXPECT_EQ(bad_port.Wait(std::chrono::seconds(10)), 2);
  store::testing::ChildProcess bad_argument({STORE_SEARCH_BIN, "frobnicate"});
  EXPECT_EQ(bad_argument.Wait(std::chrono::seconds(10)), 2);
  // OpenSearch refuses upper case in index names: said at start, not in a retry loop of 400s.
  const std::string log = "/tmp/" + store::testing::UniqueName("search_bad_alias") + ".log";
  store::testing::ChildProcess bad_alias({STORE_SEARCH_BIN}, {{"SEARCH_INDEX_ALIAS", "Shop-Products"}}, log);
  EXPECT_EQ(bad_alias.Wait(std::chrono::seconds(10)), 2);
  EXPECT_NE(bad_alias.Log().find("index.alias"), std::string::npos) << bad_alias.Log();
  std::remove(log.c_str());
}

// ---- reindex -------------------------------------------------------------------------------

// An answer without its scores (term statistics differ between an index that saw deletes and a
// fresh one; the order and everything else must not).
void Comparable(json::value& answer) {
  if (auto* items = answer.as_object().if_contains("items"))
    for (auto& item : items->as_array()) item.as_object().erase("score");
}

TEST(SearchReindex, ReplayGivesTheSameResultsWhileSearchesGoOn) {
  SearchEnv env;
  auto fixture = Fixture();
  for (const auto& p : fixture) env.Publish("product.upserted.v1", ProductData(p));
  // Some history: an edit and an archive, so the replay has to apply versions.
  ProductSpec edited = fixture[3];
  edited.version = 2;
  edited.title = "LG OLED55 Television 2024";
  env.Publish("product.upserted.v1", ProductData(edited));
  env.Publish("product.archived.v1", json::object{{"product_id", "p12"}, {"version", 2}, {"archived_at", "2024-01-01T00:00:00Z"}});
  ASSERT_TRUE(env.WaitUntil([&] { return env.Total() == 11 && env.Total("/v1/search?q=2024") == 1; }));

  const std::vector<std::string> queries = {"/v1/search?size=50&sort=price_asc", "/v1/search?q=samsung", "/v1/search?q=television",
                                            "/v1/search?q=phone&in_stock=true", "/v1/search?category=1&sort=newest",
                                            "/v1/suggest?q=sam"};
  std::vector<std::string> before;
  for (const auto& q : queries) {
    auto a = env.Get(q);
    Comparable(a.body);
    before.push_back(json::serialize(a.body));
  }
  auto old_targets = *env.index().AliasTargets();

  // Searches keep going during the whole reindex: every answer must be a 200 with all 11 products.
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0}, failures{0};
  std::string first_failure;
  std::thread searcher([&] {
    boost::asio::io_context ioc;
    store::http::Client client;
    while (!stop) {
      auto res = store::testing::RunAwaitable(ioc, client.Get(env.Url("/v1/search?size=1")));
      bool ok = res && res->status == 200 && json::parse(res->body).at("total").as_int64() >= 11;
      if (!ok && failures++ == 0) first_failure = res ? res->body : res.error().message;
      searches++;
    }
  });

  ReindexOptions options{.kafka = store::testing::KafkaTestConfig(),
                         .topics = {env.upserted().name(), env.archived().name()},
                         .batch_size = 5,
                         .timeout = std::chrono::seconds(60),
                         .delete_grace = std::chrono::milliseconds(500)};
  // An edit published during the reindex reaches the new index too (it changes no compared answer).
  ProductSpec late = fixture[8];
  late.version = 2;
  late.description = "Enamelled cast iron pot, edited while reindexing.";
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    env.Publish("product.upserted.v1", ProductData(late));
  });
  auto t0 = std::chrono::steady_clock::now();
  auto report = Reindex(env.index(), options, [&](std::string_view line) {
    std::printf("%6lld ms %.*s\n", (long long)std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count(),
                int(line.size()), line.data());
  });
  publisher.join();
  ASSERT_TRUE(report) << report.error().message;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  searcher.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_GT(searches.load(), 5);

  EXPECT_EQ(report->old_indexes, old_targets);
  EXPECT_EQ(*env.index().AliasTargets(), std::vector<std::string>{report->new_index});
  auto old_exists = env.os().CallSync(store::http::Verb::get, "/" + old_targets[0] + "/_count", "");
  ASSERT_TRUE(old_exists);
  EXPECT_EQ(old_exists->status, 404);
  EXPECT_GE(report->records, 14u);

  ASSERT_TRUE(env.WaitUntil([&] { return env.Total("/v1/search?q=reindexing") == 1; }));
  for (std::size_t i = 0; i < queries.size(); ++i) {
    auto a = env.Get(queries[i]);
    Comparable(a.body);
    auto after = json::serialize(a.body);
    if (after != before[i]) {
      std::size_t at = 0;
      while (at < after.size() && at < before[i].size() && after[at] == before[i][at]) ++at;
      ADD_FAILURE() << queries[i] << " differs at " << at << ": after ..." << after.substr(at > 80 ? at - 80 : 0, 300)
                    << "\n before ..." << before[i].substr(at > 80 ? at - 80 : 0, 300);
    }
  }
}

}  // namespace
