// OpenSearch round trip from C++ through the project's HTTP client: create an index, index a
// document, search finds it (and does not find what is not there). The catalog's search
// adapter builds on exactly this path.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "store/http/client.hpp"
#include "store/testing/opensearch.hpp"
#include "store/testing/server.hpp"

namespace json = boost::json;
using store::http::Client;
using store::http::ClientRequest;
using store::http::Verb;

namespace {

TEST(OpenSearch, IndexesADocumentAndSearchFindsIt) {
  store::testing::TempIndex index("ostest", R"({"settings":{"number_of_shards":1,"number_of_replicas":0},
      "mappings":{"properties":{"title":{"type":"text"},"brand":{"type":"keyword"}}}})");
  boost::asio::io_context ioc;
  Client client;
  auto hits = store::testing::RunAwaitable(ioc, [&]() -> boost::asio::awaitable<json::array> {
    ClientRequest put{.method = Verb::put, .url = index.Url("/_doc/sku-1?refresh=true"),
                      .body = R"({"title":"Trail running shoe, waterproof","brand":"Northpeak"})",
                      .content_type = "application/json", .headers = {}};
    auto doc = co_await client.Send(std::move(put));
    EXPECT_TRUE(doc.has_value());
    EXPECT_EQ(doc->status, 201) << doc->body;

    auto found = co_await client.PostJson(index.Url("/_search"),
                                          json::parse(R"({"query":{"match":{"title":"running shoes"}}})"));
    EXPECT_TRUE(found.has_value());
    EXPECT_EQ(found->status, 200) << found->body;
    auto missing = co_await client.PostJson(index.Url("/_search"),
                                            json::parse(R"({"query":{"match":{"title":"umbrella"}}})"));
    EXPECT_EQ(missing->Json()->at("hits").at("total").at("value").as_int64(), 0);
    co_return found->Json()->at("hits").at("hits").as_array();
  }());
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].at("_id").as_string(), "sku-1");
  EXPECT_EQ(hits[0].at("_source").at("brand").as_string(), "Northpeak");
}

}  // namespace
