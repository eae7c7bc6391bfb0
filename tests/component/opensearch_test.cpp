// OpenSearch round trip from C++ through the project's HTTP client: create an index, index a
// document, search finds it (and does not find what is not there). The catalog's search
// adapter builds on exactly this path.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "store/http/client.hpp"
#include "store/testing/engines.hpp"

namespace json = boost::json;
using store::http::Client;
using store::http::ClientRequest;
using store::http::Verb;

namespace {

// Runs one coroutine to completion on a private io_context.
template <class F>
auto RunAsync(F f) {
  boost::asio::io_context io;
  auto fut = boost::asio::co_spawn(io, std::move(f), boost::asio::use_future);
  io.run();
  return fut.get();
}

class OpenSearch : public ::testing::Test {
 protected:
  std::string base_ = fmt::format("http://127.0.0.1:{}", store::testing::Engines::FromEnv().opensearch_port);
  std::string index_ = store::testing::UniqueName("ostest");
};

TEST_F(OpenSearch, IndexesADocumentAndSearchFindsIt) {
  auto hits = RunAsync([&]() -> boost::asio::awaitable<json::array> {
    Client client;
    auto put = [&](std::string url, std::string body) {
      return client.Send(ClientRequest{.method = Verb::put, .url = base_ + url, .body = std::move(body),
                                       .content_type = "application/json"});
    };
    auto created = co_await put("/" + index_, R"({"settings":{"number_of_shards":1,"number_of_replicas":0},
        "mappings":{"properties":{"title":{"type":"text"},"brand":{"type":"keyword"}}}})");
    EXPECT_TRUE(created.has_value());
    EXPECT_EQ(created->status, 200) << created->body;

    auto doc = co_await put("/" + index_ + "/_doc/sku-1?refresh=true",
                            R"({"title":"Trail running shoe, waterproof","brand":"Northpeak"})");
    EXPECT_TRUE(doc.has_value());
    EXPECT_EQ(doc->status, 201) << doc->body;

    auto found = co_await client.PostJson(base_ + "/" + index_ + "/_search",
                                          json::parse(R"({"query":{"match":{"title":"running shoes"}}})"));
    EXPECT_TRUE(found.has_value());
    EXPECT_EQ(found->status, 200) << found->body;
    auto missing = co_await client.PostJson(base_ + "/" + index_ + "/_search",
                                            json::parse(R"({"query":{"match":{"title":"umbrella"}}})"));
    EXPECT_EQ(missing->Json()->at("hits").at("total").at("value").as_int64(), 0);

    ClientRequest drop{.method = Verb::delete_, .url = base_ + "/" + index_};
    auto deleted = co_await client.Send(std::move(drop));
    EXPECT_EQ(deleted->status, 200);
    co_return found->Json()->at("hits").at("hits").as_array();
  });
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].at("_id").as_string(), "sku-1");
  EXPECT_EQ(hits[0].at("_source").at("brand").as_string(), "Northpeak");
}

}  // namespace
