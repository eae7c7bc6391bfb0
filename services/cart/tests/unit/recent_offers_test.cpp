// RecentOffers: reviews answered from offers at most the ttl old; asked again after it; the
// catalog's errors passed on; unknown SKUs remembered too.
#include <gtest/gtest.h>

#include <map>

#include "../money.hpp"
#include "adapters/recent_offers.hpp"
#include "store/testing/async.hpp"

namespace c = store::cart;
using store::cart::testing::Eur;
using store::testing::RunAwaitable;

namespace {

class CountingCatalog final : public c::OfferSource {
 public:
  std::map<std::string, c::Offer> offers;
  int calls = 0;
  bool down = false;
  c::Task<std::vector<c::Offer>> Offers(std::vector<c::Sku> skus) override {
    ++calls;
    if (down) co_return store::core::Fail(store::core::Errc::unavailable, "catalog down");
    std::vector<c::Offer> out;
    for (const auto& s : skus)
      if (auto it = offers.find(s.value()); it != offers.end()) out.push_back(it->second);
    co_return out;
  }
};

}  // namespace

TEST(RecentOffers, AnswersFromOffersAtMostTheTtlOldAndAsksAgainAfterIt) {
  CountingCatalog catalog;
  catalog.offers.emplace("A", c::Offer{c::Sku("A"), c::Sellable::yes, Eur(100), 5});
  store::core::FakeClock clock{std::chrono::system_clock::now()};
  c::RecentOffers recent(catalog, clock, std::chrono::seconds(1));
  std::vector<c::Sku> both = {c::Sku("A"), c::Sku("NOPE")};

  auto first = RunAwaitable(recent.Offers(both));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 1u);
  catalog.offers.at("A").price = Eur(120);
  auto again = RunAwaitable(recent.Offers(both));
  EXPECT_EQ(catalog.calls, 1) << "the known and the unknown SKU both remembered";
  EXPECT_EQ(again->at(0).price.minor_units(), 100) << "within the ttl: the offer read";

  clock.Advance(std::chrono::milliseconds(1001));
  auto later = RunAwaitable(recent.Offers(both));
  EXPECT_EQ(catalog.calls, 2);
  EXPECT_EQ(later->at(0).price.minor_units(), 120);

  clock.Advance(std::chrono::seconds(2));
  catalog.down = true;
  auto away = RunAwaitable(recent.Offers(both));
  ASSERT_FALSE(away);
  EXPECT_EQ(away.error().code, store::core::Errc::unavailable);
}
