// CatalogOffers over real HTTP against a local stand-in of the catalog's GET /v1/skus (the
// contract's shape): parsing, batches of 100, SKUs that cannot exist never sent, errors mapped.
// The cart's component tests run it against the real catalog service.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "adapters/catalog_offers.hpp"
#include "store/http/router.hpp"
#include "store/testing/async.hpp"
#include "store/testing/server.hpp"

namespace c = store::cart;
namespace http = store::http;
namespace json = boost::json;
using boost::asio::awaitable;
using store::core::Errc;

namespace {

struct StandIn {
  std::mutex mu;
  std::vector<std::string> queries;  // the skus= values asked
  int status = 200;
  std::unique_ptr<store::testing::TestServer> server;

  StandIn() {
    http::Router router;
    router.Get("/v1/skus", [this](http::Request& req) -> awaitable<http::Response> {
      std::string skus = req.Query("skus").value_or("");
      {
        std::lock_guard lock(mu);
        queries.push_back(skus);
      }
      if (status != 200) co_return http::Response::Json(status, json::object{{"title", "nope"}});
      json::array items;
      std::string_view rest = skus;
      while (!rest.empty()) {
        std::string sku(rest.substr(0, rest.find(',')));
        rest.remove_prefix(std::min(rest.size(), sku.size() + 1));
        if (sku.starts_with("UNKNOWN")) continue;
        items.push_back(json::object{{"sku", sku},
                                     {"product_id", "p-" + sku},
                                     {"slug", "phone"},
                                     {"title", "Phone " + sku},
                                     {"options", json::object{{"color", "black"}, {"storage", "128GB"}}},
                                     {"price", json::object{{"minor", 1299}, {"currency", "EUR"}}},
                                     {"status", sku.starts_with("OLD") ? "archived" : "active"},
                                     {"available", 7},
                                     {"image_url", nullptr}});
      }
      co_return http::Response::Json(200, json::object{{"items", std::move(items)}});
    });
    server = std::make_unique<store::testing::TestServer>(std::move(router));
  }
};

}  // namespace

TEST(CatalogOffers, ReadsTheCatalogsOffersInBatchesOfAHundred) {
  StandIn catalog;
  boost::asio::io_context ioc;
  std::vector<c::Offer> offers;
  {
    http::Client client;
    c::CatalogOffers source(client, catalog.server->Url(""));
    std::vector<c::Sku> skus;
    for (int i = 0; i < 150; ++i) skus.emplace_back("S-" + std::to_string(i));
    skus.emplace_back("OLD-1");
    skus.emplace_back("UNKNOWN-1");
    skus.emplace_back("bad sku&x=1");  // cannot exist in the catalog: never sent
    auto got = store::testing::RunAwaitable(ioc, source.Offers(skus));
    ASSERT_TRUE(got) << got.error().message;
    offers = std::move(*got);
  }
  ASSERT_EQ(offers.size(), 151u);  // 150 + OLD-1; UNKNOWN-1 absent
  EXPECT_EQ(offers[0].sku.value(), "S-0");
  EXPECT_EQ(offers[0].state, c::Sellable::yes);
  EXPECT_EQ(offers[0].price.minor_units(), 1299);
  EXPECT_EQ(offers[0].price.currency().code(), "EUR");
  EXPECT_EQ(offers[0].available, 7);
  EXPECT_EQ(offers[0].display.title, "Phone S-0");
  ASSERT_EQ(offers[0].display.options.size(), 2u);
  EXPECT_EQ(offers[0].display.options[1].second, "128GB");
  EXPECT_FALSE(offers[0].display.image_url.has_value());
  EXPECT_EQ(offers[150].state, c::Sellable::archived);
  ASSERT_EQ(catalog.queries.size(), 2u);
  EXPECT_EQ(std::count(catalog.queries[0].begin(), catalog.queries[0].end(), ','), 99);
  for (const auto& q : catalog.queries) EXPECT_EQ(q.find("bad"), std::string::npos) << q;
}

TEST(CatalogOffers, ACatalogThatFailsOrIsAwayIsUnavailableAnUnexpectedAnswerInternal) {
  StandIn catalog;
  boost::asio::io_context ioc;
  http::ClientOptions quick;
  quick.max_retries = 0;
  {
    http::Client client(quick);
    c::CatalogOffers source(client, catalog.server->Url(""));
    catalog.status = 503;
    auto down = store::testing::RunAwaitable(ioc, source.Offers({c::Sku("A")}));
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().code, Errc::unavailable);
    catalog.status = 400;
    auto odd = store::testing::RunAwaitable(ioc, source.Offers({c::Sku("A")}));
    ASSERT_FALSE(odd);
    EXPECT_EQ(odd.error().code, Errc::internal);
    // Nothing asked: no request at all.
    const auto before = catalog.queries.size();
    EXPECT_TRUE(store::testing::RunAwaitable(ioc, source.Offers({c::Sku("not a sku")})).value().empty());
    EXPECT_EQ(catalog.queries.size(), before);
  }
  {
    http::Client client(quick);
    c::CatalogOffers nowhere(client, "http://127.0.0.1:1");  // nothing listens there
    auto away = store::testing::RunAwaitable(ioc, nowhere.Offers({c::Sku("A")}));
    ASSERT_FALSE(away);
    EXPECT_EQ(away.error().code, Errc::unavailable);
  }
}
