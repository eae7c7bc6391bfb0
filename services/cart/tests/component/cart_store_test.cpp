// MongoCartStore against the real Mongo-wire engine (FerretDB from ./store up), each test in a
// database of its own: round trip, optimistic versions, the lost race, guest expiry, delete.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "adapters/mongo_cart_store.hpp"
#include "../money.hpp"
#include "store/testing/async.hpp"
#include "store/testing/docstore.hpp"

namespace c = store::cart;
using store::cart::testing::Eur;
using namespace std::chrono_literals;
using store::core::Errc;
using store::testing::RunAwaitable;

namespace {


c::Cart TwoLines() {
  c::Cart cart;
  EXPECT_TRUE(cart.Add(c::Offer{c::Sku("SKU-1"), c::Sellable::yes, Eur(1299), 10}, 2, {}));
  EXPECT_TRUE(cart.Add(c::Offer{c::Sku("SKU-2"), c::Sellable::yes, Eur(450), 10}, 1, {}));
  return cart;
}

class CartStoreTest : public ::testing::Test {
 protected:
  store::testing::TempDocDatabase tmp_;
  store::docstore::DocStore docs_{tmp_.options()};
  c::MongoCartStore store_{docs_, std::chrono::hours(24 * 30)};
  const c::TimePoint now_ = std::chrono::system_clock::now();
};

}  // namespace

TEST_F(CartStoreTest, SavesAndLoadsACartWithItsVersion) {
  const auto key = c::CartKey::Customer("user-1");
  EXPECT_FALSE(RunAwaitable(store_.Load(key)).value().has_value());
  auto v1 = RunAwaitable(store_.Save(key, c::StoredCart{TwoLines(), 0}, now_));
  ASSERT_TRUE(v1) << v1.error().message;
  EXPECT_EQ(v1->version, 1);

  auto loaded = RunAwaitable(store_.Load(key));
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  const auto& stored = **loaded;
  EXPECT_EQ(stored.version, 1);
  ASSERT_EQ(stored.cart.lines().size(), 2u);
  EXPECT_EQ(stored.cart.lines()[0].sku.value(), "SKU-1");
  EXPECT_EQ(stored.cart.lines()[0].quantity, 2);
  EXPECT_EQ(stored.cart.lines()[0].seen_price, Eur(1299));
  EXPECT_LT(std::chrono::abs(stored.updated_at - now_), 1ms);

  c::Cart changed = stored.cart;
  ASSERT_TRUE(changed.Remove(c::Sku("SKU-2")));
  auto v2 = RunAwaitable(store_.Save(key, c::StoredCart{changed, 1}, now_ + 1s));
  ASSERT_TRUE(v2) << v2.error().message;
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(RunAwaitable(store_.Load(key)).value()->cart.lines().size(), 1u);

  // The guest carts merged in travel with it, the latest kMergedKept of them.
  c::StoredCart next{changed, 2};
  for (int i = 0; i < 25; ++i) next.merged_guests.push_back("guest-" + std::to_string(i));
  ASSERT_TRUE(RunAwaitable(store_.Save(key, next, now_ + 2s)));
  auto merged = RunAwaitable(store_.Load(key)).value()->merged_guests;
  ASSERT_EQ(merged.size(), c::StoredCart::kMergedKept);
  EXPECT_EQ(merged.front(), "guest-5");
  EXPECT_EQ(merged.back(), "guest-24");
}

TEST_F(CartStoreTest, AChangeBasedOnAnOlderVersionLosesAndChangesNothing) {
  const auto key = c::CartKey::Customer("user-2");
  ASSERT_TRUE(RunAwaitable(store_.Save(key, c::StoredCart{TwoLines(), 0}, now_)));
  // Two tabs read version 1; the first change wins, the second is told so.
  ASSERT_TRUE(RunAwaitable(store_.Save(key, c::StoredCart{c::Cart(), 1}, now_)));
  auto second = RunAwaitable(store_.Save(key, c::StoredCart{TwoLines(), 1}, now_));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::conflict);
  auto stored = RunAwaitable(store_.Load(key)).value();
  EXPECT_EQ(stored->version, 2);
  EXPECT_TRUE(stored->cart.lines().empty());
  // Creating a cart that exists is the same lost race.
  auto created = RunAwaitable(store_.Save(key, c::StoredCart{TwoLines(), 0}, now_));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, Errc::conflict);
}

TEST_F(CartStoreTest, AGuestCartCarriesItsExpiryAndIsKeptApartFromCustomers) {
  const auto guest = c::CartKey::Guest(std::string(64, 'a'));
  const auto customer = c::CartKey::Customer(std::string(64, 'a'));  // same id text, other kind
  ASSERT_TRUE(RunAwaitable(store_.Save(guest, c::StoredCart{TwoLines(), 0}, now_)));
  EXPECT_FALSE(RunAwaitable(store_.Load(customer)).value().has_value());

  auto carts = docs_.collection("carts");
  auto doc = RunAwaitable(carts.FindOne({{"_id", "guest:" + std::string(64, 'a')}}));
  ASSERT_TRUE(doc && *doc) << (doc ? "no document" : doc.error().message);
  EXPECT_EQ((**doc).at("kind"), boost::json::value("guest"));
  ASSERT_TRUE((**doc).contains("expires_at"));
  ASSERT_TRUE(RunAwaitable(store_.Save(customer, c::StoredCart{TwoLines(), 0}, now_)));
  auto customer_doc = RunAwaitable(carts.FindOne({{"_id", "customer:" + std::string(64, 'a')}}));
  ASSERT_TRUE(customer_doc && *customer_doc);
  EXPECT_FALSE((**customer_doc).contains("expires_at"));  // a customer's cart never expires
}

TEST_F(CartStoreTest, DeletesOnlyTheVersionItRead) {
  const auto key = c::CartKey::Guest("token-hash");
  ASSERT_TRUE(RunAwaitable(store_.Save(key, c::StoredCart{TwoLines(), 0}, now_)));
  ASSERT_TRUE(RunAwaitable(store_.Save(key, c::StoredCart{TwoLines(), 1}, now_)));
  auto stale = RunAwaitable(store_.Delete(key, 1));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::conflict);
  EXPECT_TRUE(RunAwaitable(store_.Delete(key, 2)).value());
  EXPECT_FALSE(RunAwaitable(store_.Delete(key, 2)).value());  // gone: a retried delete is harmless
  EXPECT_FALSE(RunAwaitable(store_.Load(key)).value().has_value());
}

TEST_F(CartStoreTest, ADocumentThisCodeCannotReadIsAnInternalErrorNotACrash) {
  auto carts = docs_.collection("carts");
  ASSERT_TRUE(RunAwaitable(carts.InsertOne({{"_id", "customer:broken"}, {"lines", "not a list"}, {"version", 1}})));
  auto loaded = RunAwaitable(store_.Load(c::CartKey::Customer("broken")));
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::internal);
}

// The relay's scan and the guest sweep have their indexes (MongoDB reads every cart without them):
// made once, asked again without error; their names are taken by them.
TEST_F(CartStoreTest, TheScansHaveTheirIndexes) {
  auto made = store::testing::RunAwaitable(store_.EnsureIndexes());
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(store::testing::RunAwaitable(store_.EnsureIndexes()));
  auto carts = docs_.collection("carts");
  for (const char* name : {"pending", "guest_expiry"})
    EXPECT_FALSE(store::testing::RunAwaitable(carts.CreateIndex({{"no_such_field", 1}}, name))) << name << " is not taken";
}

TEST_F(CartStoreTest, ExpiredGuestCartsAreSweptOnlyIfUnchangedAndCustomersNever) {
  const auto expired = c::CartKey::Guest("expired");
  const auto fresh = c::CartKey::Guest("fresh");
  const auto revived = c::CartKey::Guest("revived");
  const auto customer = c::CartKey::Customer("old-customer");
  const auto long_ago = now_ - std::chrono::hours(24 * 31);  // the store's guest TTL is 30 days
  ASSERT_TRUE(RunAwaitable(store_.Save(expired, c::StoredCart{TwoLines(), 0}, long_ago)));
  ASSERT_TRUE(RunAwaitable(store_.Save(fresh, c::StoredCart{TwoLines(), 0}, now_)));
  ASSERT_TRUE(RunAwaitable(store_.Save(revived, c::StoredCart{TwoLines(), 0}, long_ago)));
  ASSERT_TRUE(RunAwaitable(store_.Save(revived, c::StoredCart{TwoLines(), 1}, now_)));  // changed again: lives on
  ASSERT_TRUE(RunAwaitable(store_.Save(customer, c::StoredCart{TwoLines(), 0}, long_ago)));

  auto found = RunAwaitable(store_.ExpiredGuests(now_, 100));
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->at(0).first.id, "expired");
  EXPECT_EQ(found->at(0).second, 1);
  // Deleted only with the version found: a change after the sweep found it keeps the cart.
  ASSERT_TRUE(RunAwaitable(store_.Save(revived, c::StoredCart{TwoLines(), 2}, long_ago)));  // expired again...
  auto both = RunAwaitable(store_.ExpiredGuests(now_, 100)).value();
  ASSERT_EQ(both.size(), 2u);
  ASSERT_TRUE(RunAwaitable(store_.Save(revived, c::StoredCart{TwoLines(), 3}, now_)));  // ...and changed meanwhile
  for (const auto& [key, version] : both) {
    auto deleted = RunAwaitable(store_.Delete(key, version));
    if (key.id == "revived") {
      ASSERT_FALSE(deleted);
      EXPECT_EQ(deleted.error().code, Errc::conflict);
    } else {
      EXPECT_TRUE(deleted.value());
    }
  }
  EXPECT_FALSE(RunAwaitable(store_.Load(expired)).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_.Load(fresh)).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_.Load(revived)).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_.Load(customer)).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_.ExpiredGuests(now_, 100)).value().empty());  // again: nothing left
}
