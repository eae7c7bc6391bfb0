#include <gtest/gtest.h>

#include "app/search_request.hpp"

using namespace store::search;

namespace {
QueryParams Q(std::string_view target) { return *ParseQueryString(target); }
bool HasField(const store::core::Error& e, std::string_view field) {
  for (const auto& f : e.fields)
    if (f.field == field) return true;
  return false;
}
}  // namespace

TEST(SearchRequest, DecodesTheQueryString) {
  auto p = ParseQueryString("/v1/search?q=galaxy+s23%20phone&brand=samsung,apple&spec.color=Black");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[0].second, "galaxy s23 phone");
  EXPECT_FALSE(ParseQueryString("/v1/search?q=%zz"));
  EXPECT_FALSE(ParseQueryString("/v1/search?q=%e9"));  // not UTF-8
  EXPECT_TRUE(ParseQueryString("/v1/search?q=caf%C3%A9"));
}

TEST(SearchRequest, ParsesEveryFilter) {
  auto r = ParseSearchRequest(Q("/v1/search?q=%20tv%20&category=4&brand=lg,samsung&brand=lg&price=0-2500,100000-"
                                "&min_price=100&max_price=90000&in_stock=true&spec.screen_size=55,65&sort=price_desc&page=2&size=10"
                                "&line=lg-oled-tvs"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->q, "tv");
  EXPECT_EQ(r->category, 4);
  EXPECT_EQ(r->brands, (std::vector<std::string>{"lg", "samsung"}));
  EXPECT_EQ(r->price_buckets.size(), 2u);
  EXPECT_EQ(r->min_price, 100);
  EXPECT_EQ(r->max_price, 90000);
  EXPECT_EQ(r->in_stock, true);
  EXPECT_EQ(r->specs.at("screen_size"), (std::vector<std::string>{"55", "65"}));
  EXPECT_EQ(r->sort, Sort::price_desc);
  EXPECT_EQ(r->page, 2);
  EXPECT_EQ(r->size, 10);
  EXPECT_EQ(r->line, "lg-oled-tvs");
}

TEST(SearchRequest, DefaultsAreRelevanceFirstPage) {
  auto r = ParseSearchRequest(Q("/v1/search"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->q, "");
  EXPECT_EQ(r->sort, Sort::relevance);
  EXPECT_EQ(r->page, 1);
  EXPECT_EQ(r->size, 20);
}

TEST(SearchRequest, RefusesBadInputWithOneErrorPerField) {
  struct Case {
    const char* target;
    const char* field;
  };
  for (auto c : std::vector<Case>{{"/v1/search?sort=cheapest", "sort"},
                                  {"/v1/search?size=0", "size"},
                                  {"/v1/search?size=51", "size"},
                                  {"/v1/search?page=0", "page"},
                                  {"/v1/search?page=400&size=50", "page"},
                                  {"/v1/search?page=x", "page"},
                                  {"/v1/search?category=-1", "category"},
                                  {"/v1/search?brand=Not%20A%20Slug", "brand"},
                                  {"/v1/search?price=1-2", "price"},
                                  {"/v1/search?in_stock=maybe", "in_stock"},
                                  {"/v1/search?min_price=10&max_price=5", "min_price"},
                                  {"/v1/search?spec.Bad-Key=1", "spec.Bad-Key"},
                                  {"/v1/search?q=a&q=b", "q"},
                                  {"/v1/search?q=a%01b", "q"},
                                  {"/v1/search?colour=red", "colour"},
                                  {"/v1/search?line=Not_A_Line", "line"},
                                  {"/v1/search?line=a&line=b", "line"}}) {
    auto r = ParseSearchRequest(Q(c.target));
    ASSERT_FALSE(r) << c.target;
    EXPECT_EQ(r.error().code, store::core::Errc::invalid_argument);
    EXPECT_TRUE(HasField(r.error(), c.field)) << c.target;
  }
  auto long_q = ParseSearchRequest(Q("/v1/search?q=" + std::string(201, 'a')));
  ASSERT_FALSE(long_q);
  EXPECT_TRUE(HasField(long_q.error(), "q"));
  EXPECT_TRUE(ParseSearchRequest(Q("/v1/search?q=" + std::string(200, 'a'))));
}

TEST(SearchRequest, TopQueriesTakeWhichAndHowMany) {
  auto all = ParseTopQueriesRequest(Q("/v1/admin/search/queries"));
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->found_nothing);
  EXPECT_EQ(all->limit, 50);
  auto zero = ParseTopQueriesRequest(Q("/v1/admin/search/queries?found=nothing&limit=7"));
  ASSERT_TRUE(zero);
  EXPECT_TRUE(zero->found_nothing);
  EXPECT_EQ(zero->limit, 7);
  for (const char* bad : {"?found=some", "?limit=0", "?limit=501", "?limit=x", "?limit=1&limit=2", "?sort=count"})
    EXPECT_FALSE(ParseTopQueriesRequest(Q(std::string("/v1/admin/search/queries") + bad))) << bad;
}

TEST(SearchRequest, SuggestNeedsAPrefix) {
  EXPECT_FALSE(ParseSuggestRequest(Q("/v1/suggest")));
  EXPECT_FALSE(ParseSuggestRequest(Q("/v1/suggest?q=%20")));
  EXPECT_FALSE(ParseSuggestRequest(Q("/v1/suggest?q=sa&size=11")));
  auto r = ParseSuggestRequest(Q("/v1/suggest?q=sams&size=3"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->q, "sams");
  EXPECT_EQ(r->size, 3);
}

TEST(SearchRequest, NormalizesQueriesForCounting) {
  EXPECT_EQ(NormalizeQuery("  Red   SHOES \t"), "red shoes");
}
