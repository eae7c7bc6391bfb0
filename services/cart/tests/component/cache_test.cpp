// The Redis read-through cache in front of the carts, with the service as ./store up runs it:
// reads come from Redis, a 2xx is never followed by an older cart, and with Redis stopped in the
// middle the service works from the store alone (guests; customers' tokens need the revocation
// list: 503) and /readyz stays ready; Redis back, the cache fills again.
#include <gtest/gtest.h>


#include "cart_service.hpp"
#include "store/auth/secrets.hpp"
#include "store/cache/cache.hpp"
#include "store/docstore/docstore.hpp"

namespace {

using store::cart::testing::Add;
using store::cart::testing::As;
using store::cart::testing::CartService;
using store::cart::testing::CatalogProcess;
using store::testing::RunAwaitable;
using namespace std::chrono_literals;

// A Redis of this test's own (the shop's is shared by every test), started and stopped at will.
class PrivateRedis {
 public:
  PrivateRedis() : port_(store::testing::FreePort()) { Start(); }
  void Start() {
    process_ = store::testing::ChildProcess({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                                             "--appendonly", "no", "--daemonize", "no"});
    EXPECT_TRUE(store::testing::WaitUntil([&] { return store::testing::PortOpen(port_); }, 10s));
  }
  void Stop() { process_.Stop(); }
  int port() const { return port_; }

 private:
  int port_;
  store::testing::ChildProcess process_;
};

TEST(CartCache, ReadsComeFromRedisAndAChangeIsNeverFollowedByAnOlderCart) {
  CatalogProcess catalog;
  PrivateRedis redis;
  CartService cart(catalog, {{"CART_CACHE_PORT", std::to_string(redis.port())}, {"CART_CACHE_PREFIX", "c:"}});
  auto added = cart.Call("POST", "/v1/cart/items", Add("BE-1", 1));
  ASSERT_EQ(added.status, 200) << added.body << cart.Log();
  const As guest{added.Token(), ""};
  const std::string id = "guest:" + store::auth::Sha256Hex(guest.cart_token);

  // Written through: the cart as stored, with its version, is in Redis.
  store::cache::Options o;
  o.port = static_cast<std::uint16_t>(redis.port());
  store::cache::Cache direct(o);
  auto entry = RunAwaitable(direct.Get("c:" + id));
  ASSERT_TRUE(entry && *entry) << "no cache entry";
  EXPECT_EQ((*entry)->substr(0, 2), "1\n");

  // Change the document behind the service's back: reads still answer the cached cart.
  store::docstore::DocStore docs(cart.docstore());
  auto carts = docs.collection("carts");
  boost::json::object by_id{{"_id", id}};
  boost::json::object set{{"$set", boost::json::object{{"lines", boost::json::array()}}}};
  ASSERT_TRUE(RunAwaitable(carts.UpdateOne(by_id, set)));
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", guest).Quantity("BE-1"), 1) << "read from Redis";
  // A cart the store does not have is remembered as absent (version 0): reads of made-up or
  // first-visit tokens do not all reach the store; the first save replaces the entry.
  const As newcomer{store::auth::NewSecretToken(), ""};
  const std::string newcomer_key = "c:guest:" + store::auth::Sha256Hex(newcomer.cart_token);
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", newcomer).Cart().at("version").as_int64(), 0);
  EXPECT_EQ(RunAwaitable(direct.Get(newcomer_key)).value().value_or(""), "0\n");
  ASSERT_EQ(cart.Call("POST", "/v1/cart/items", Add("BE-1", 2), newcomer).status, 200);
  EXPECT_EQ(RunAwaitable(direct.Get(newcomer_key)).value().value_or("").substr(0, 2), "1\n");
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", newcomer).Quantity("BE-1"), 2);

  // Dropped from Redis: the next read fills it from the store.
  ASSERT_TRUE(RunAwaitable(direct.Del("c:" + id)));
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", guest).Quantity("BE-1"), 0) << "a miss reads the store";
  ASSERT_TRUE(RunAwaitable(direct.Get("c:" + id)).value().has_value()) << "and fills the cache";

  // Every change answers and then reads its own version (or a newer one), never an older one.
  for (int i = 1; i <= 20; ++i) {
    auto changed = cart.Call("PUT", "/v1/cart/items/BE-1", R"({"quantity":)" + std::to_string(i % 3 + 1) + "}", guest);
    if (changed.status == 404) changed = cart.Call("POST", "/v1/cart/items", Add("BE-1", i % 3 + 1), guest);
    ASSERT_EQ(changed.status, 200) << changed.body;
    auto read = cart.Call("GET", "/v1/cart", "", guest);
    EXPECT_EQ(read.Cart().at("version").as_int64(), changed.Cart().at("version").as_int64());
    EXPECT_EQ(read.Quantity("BE-1"), i % 3 + 1);
  }
}

TEST(CartCache, WithRedisStoppedMidTestTheStoreAnswersAloneAndReadinessHolds) {
  CatalogProcess catalog;
  PrivateRedis redis;
  CartService cart(catalog, {{"CART_CACHE_PORT", std::to_string(redis.port())}, {"CART_CACHE_COMMAND_TIMEOUT", "300ms"},
                             {"CART_CACHE_CONNECT_TIMEOUT", "300ms"}});
  auto added = cart.Call("POST", "/v1/cart/items", Add("BE-1", 1));
  ASSERT_EQ(added.status, 200) << cart.Log();
  const As guest{added.Token(), ""};
  const As ann{"", cart.TokenFor(store::testing::UniqueName("ann"))};
  ASSERT_EQ(cart.Call("POST", "/v1/cart/items", Add("BE-1", 2), ann).status, 200);

  redis.Stop();
  EXPECT_EQ(cart.Call("GET", "/readyz").status, 200) << "Redis is not needed to serve";
  auto more = cart.Call("POST", "/v1/cart/items", Add("BE-1", 1), guest);
  EXPECT_EQ(more.status, 200) << more.body;
  EXPECT_EQ(more.Quantity("BE-1"), 2);
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", guest).Quantity("BE-1"), 2);
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", ann).status, 503) << "a token whose revocation cannot be checked is refused";

  redis.Start();  // empty: the cache fills again from the store
  ASSERT_TRUE(store::testing::WaitUntil([&] { return cart.Call("GET", "/v1/cart", "", ann).status == 200; }, 10s));
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", ann).Quantity("BE-1"), 2);
  auto again = cart.Call("POST", "/v1/cart/items", Add("BE-1", 1), guest);
  EXPECT_EQ(again.Quantity("BE-1"), 3);
  EXPECT_EQ(cart.Call("GET", "/v1/cart", "", guest).Quantity("BE-1"), 3);
}

}  // namespace
