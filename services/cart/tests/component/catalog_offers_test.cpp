// CatalogOffers against the real catalog service (store_catalog, its own MariaDB schema, the
// engines of ./store up): the offers a cart gets, and a catalog that stops.
#include <gtest/gtest.h>

#include "adapters/catalog_offers.hpp"
#include "catalog_process.hpp"

namespace c = store::cart;
using store::core::Errc;
using store::testing::RunAwaitable;

TEST(CatalogOffers, GetsTheRealCatalogsOffersAndSaysWhenItIsAway) {
  store::cart::testing::CatalogProcess catalog;
  boost::asio::io_context ioc;
  store::http::ClientOptions quick;
  quick.max_retries = 0;
  auto client = std::make_unique<store::http::Client>(quick);
  c::CatalogOffers offers(*client, catalog.url());

  auto got = RunAwaitable(ioc, offers.Offers({c::Sku("AL-2"), c::Sku("OLD-1"), c::Sku("NOPE"), c::Sku("AL-1")}));
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 3u);
  const auto& al1 = got->at(0);
  EXPECT_EQ(al1.sku.value(), "AL-1");
  EXPECT_EQ(al1.state, c::Sellable::yes);
  EXPECT_EQ(al1.price.minor_units(), 45900);
  EXPECT_EQ(al1.available, 3);
  EXPECT_EQ(al1.display.title, "Phone alpha");
  EXPECT_EQ(al1.display.options.at(0).second, "128GB");
  EXPECT_EQ(got->at(1).available, 0);
  EXPECT_EQ(got->at(2).state, c::Sellable::archived);

  // The domain's rules on those offers: stock and state as the catalog says them now.
  c::Cart cart;
  EXPECT_TRUE(cart.Add(al1, 3, {}));
  EXPECT_EQ(cart.Add(al1, 1, {}).error().code, Errc::conflict);
  EXPECT_EQ(cart.Add(got->at(2), 1, {}).error().code, Errc::unprocessable);

  catalog.Stop();
  auto away = RunAwaitable(ioc, offers.Offers({c::Sku("AL-1")}));
  ASSERT_FALSE(away);
  EXPECT_EQ(away.error().code, Errc::unavailable);
  client.reset();  // before the io_context
}
