#include "store/http/router.hpp"

#include <gtest/gtest.h>

namespace store::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) -> boost::asio::awaitable<Response> { co_return Response::Text(200, name); };
}

TEST(Router, MatchesLiteralPathsAndExtractsPathParameters) {
  Router r;
  r.Get("/v1/products/{id}", Named("product"));
  r.Get("/v1/products/{id}/reviews/{review}", Named("review"));
  auto m = r.Find(Verb::get, "/v1/products/42/reviews/7");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(*m.pattern, "/v1/products/{id}/reviews/{review}");
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"id", "42"}));
  EXPECT_EQ(m.params[1], (std::pair<std::string, std::string>{"review", "7"}));
}

TEST(Router, PrefersALiteralSegmentOverAParameter) {
  Router r;
  r.Get("/v1/products/{id}", Named("product"));
  r.Get("/v1/products/search", Named("search"));
  auto m = r.Find(Verb::get, "/v1/products/search");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(*m.pattern, "/v1/products/search");
}

TEST(Router, FindsNothingForAnUnknownPathOrAnEmptyParameter) {
  Router r;
  r.Get("/v1/products/{id}", Named("product"));
  EXPECT_EQ(r.Find(Verb::get, "/v1/orders").handler, nullptr);
  EXPECT_EQ(r.Find(Verb::get, "/v1/products/").handler, nullptr);
  EXPECT_TRUE(r.Find(Verb::get, "/v1/orders").allow.empty());
}

TEST(Router, ListsTheAllowedMethodsWhenOnlyTheMethodIsWrong) {
  Router r;
  r.Get("/v1/carts/{id}", Named("get"));
  r.Put("/v1/carts/{id}", Named("put"));
  auto m = r.Find(Verb::post, "/v1/carts/1");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allow, "GET, PUT");
}

}  // namespace
}  // namespace store::http
