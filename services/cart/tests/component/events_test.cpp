// The cart's events on the real Kafka: every acknowledged change's event, checked against
// contracts/events/, and — with the service killed (SIGKILL) in the middle of a burst — none
// lost and none for a change that was refused.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "cart_service.hpp"
#include "store/auth/secrets.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/kafka.hpp"
#include "store/testing/schema.hpp"

namespace {

using store::cart::testing::Add;
using store::cart::testing::As;
using store::cart::testing::CartClient;
using store::cart::testing::CartService;
using store::cart::testing::CatalogProcess;
using namespace std::chrono_literals;


struct Seen {
  std::string topic;
  std::string key;
  boost::json::object data;
};

// The events of `carts` on the service's cart topics, in each partition's order (one cart: one
// partition).
std::vector<Seen> EventsOf(const CartService& service, const std::set<std::string>& carts) {
  std::vector<Seen> out;
  for (const auto& topic : store::cart::testing::kCartTopics)
    for (const auto& m : store::testing::ReadAll(service.topic_prefix() + topic)) {
      auto e = store::messaging::DecodeEvent(m.value);
      EXPECT_TRUE(e.has_value()) << topic << ": " << m.value;
      const std::string key = m.key.value_or("");
      if (!e || !carts.contains(key)) continue;
      EXPECT_EQ(e->type, topic);
      store::testing::ExpectEventMatchesSchema(topic, e->data.as_object());
      out.push_back(Seen{topic, key, e->data.as_object()});
    }
  return out;
}

TEST(CartEventsOnKafka, EveryAcknowledgedChangeIsPublishedAndMatchesItsSchema) {
  CatalogProcess catalog;
  CartService cart(catalog);
  const std::string ann_id = store::testing::UniqueName("ann");
  const As ann{"", cart.TokenFor(ann_id)};
  ASSERT_EQ(cart.Call("POST", "/v1/cart/items", Add("BE-1", 2), ann).status, 200) << cart.Log();
  ASSERT_EQ(cart.Call("PUT", "/v1/cart/items/BE-1", R"({"quantity":3})", ann).status, 200);
  ASSERT_EQ(cart.Call("POST", "/v1/cart/items", Add("AL-1", 9), ann).status, 409);  // refused
  ASSERT_EQ(cart.Call("POST", "/v1/cart/items", Add("AL-1", 1), ann).status, 200);
  ASSERT_EQ(cart.Call("DELETE", "/v1/cart/items/AL-1", "", ann).status, 200);
  auto guest = cart.Call("POST", "/v1/cart/items", Add("BE-2", 1));
  ASSERT_EQ(guest.status, 200);
  const std::string guest_id = "guest:" + store::auth::Sha256Hex(guest.Token());
  ASSERT_EQ(cart.Call("POST", "/v1/cart/merge", "", As{guest.Token(), ann.bearer}).status, 200);

  const std::string ann_cart = "customer:" + ann_id;
  std::vector<Seen> events;
  ASSERT_TRUE(store::testing::WaitUntil([&] {
    events = EventsOf(cart, {ann_cart, guest_id});
    return events.size() >= 6;
  }, 30s)) << events.size() << " events: " << [&] {
    std::string seen;
    for (const auto& e : events) seen += e.topic + " v" + std::to_string(e.data.at("cart_version").as_int64()) + " ";
    return seen;
  }() << cart.Log();
  std::map<std::string, std::vector<std::int64_t>> versions;
  for (const auto& e : events)
    if (e.key == ann_cart) versions[e.topic].push_back(e.data.at("cart_version").as_int64());
  EXPECT_EQ(versions["cart.item_added.v1"], (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(versions["cart.item_quantity_changed.v1"], (std::vector<std::int64_t>{2}));
  EXPECT_EQ(versions["cart.item_removed.v1"], (std::vector<std::int64_t>{4}));
  EXPECT_EQ(versions["cart.merged.v1"], (std::vector<std::int64_t>{5}));
  for (const auto& e : events) {
    if (e.topic == "cart.merged.v1") {
      EXPECT_EQ(e.key, ann_cart);
      EXPECT_EQ(e.data.at("guest_cart_id").as_string(), guest_id);
      EXPECT_EQ(e.data.at("customer_id").as_string(), ann_id);
    }
    if (e.key == guest_id) {  // the guest's add, published although its cart was merged and deleted
      EXPECT_EQ(e.topic, "cart.item_added.v1");
      EXPECT_TRUE(e.data.at("customer_id").is_null());
    }
  }
  // Published once and dropped from the documents: nothing left for the relay.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(EventsOf(cart, {ann_cart, guest_id}).size(), events.size());
}

// A burst of changes from 4 shoppers; the service (and its relay) is killed with SIGKILL in the
// middle, then started again on the same store. Every change answered 200 has its event on
// Kafka; no event names a cart version that was never saved, and none is of a refused change.
TEST(CartEventsOnKafka, ASigkilledServiceLosesNoAcknowledgedEventAndPublishesNoneOfARefusedChange) {
  CatalogProcess catalog;
  CartService cart(catalog, {{"CART_RELAY_SCAN_INTERVAL", "200ms"}});
  constexpr int kShoppers = 4;
  std::vector<std::string> tokens(kShoppers);
  for (auto& t : tokens) t = store::auth::NewSecretToken();
  std::atomic<bool> stop{false};
  std::vector<std::future<std::set<std::int64_t>>> shoppers;  // the versions answered 200
  for (int s = 0; s < kShoppers; ++s)
    shoppers.push_back(std::async(std::launch::async, [&, s] {
      std::set<std::int64_t> acknowledged;
      CartClient client(cart.url());
      const As me{tokens[s], ""};
      for (int i = 0; !stop; ++i) {
        // Adds, quantity changes, removals, and a refused add (more than the stock) now and then.
        std::string body = i % 7 == 6 ? Add("AL-1", 50) : Add(i % 2 ? "BE-1" : "BE-2", 1);
        auto r = i % 5 == 4 ? client.Call("DELETE", "/v1/cart/items/BE-2", "", me) : client.Call("POST", "/v1/cart/items", body, me);
        if (r.status == 200) acknowledged.insert(r.Cart().at("version").as_int64());
        if (r.status == 0) std::this_thread::sleep_for(20ms);  // the service is down: wait for the restart
      }
      return acknowledged;
    }));
  std::this_thread::sleep_for(1500ms);
  cart.Kill();
  std::this_thread::sleep_for(200ms);
  cart.Start();
  std::this_thread::sleep_for(1000ms);
  stop = true;
  std::vector<std::set<std::int64_t>> acknowledged;
  for (auto& s : shoppers) acknowledged.push_back(s.get());

  std::set<std::string> ids;
  std::vector<std::int64_t> final_version(kShoppers);
  for (int s = 0; s < kShoppers; ++s) {
    ids.insert("guest:" + store::auth::Sha256Hex(tokens[s]));
    final_version[s] = cart.Call("GET", "/v1/cart", "", As{tokens[s], ""}).Cart().at("version").as_int64();
    ASSERT_FALSE(acknowledged[s].empty()) << "shopper " << s << " got no change through";
  }
  std::map<std::string, std::set<std::int64_t>> published;
  std::vector<Seen> events;
  const bool complete = store::testing::WaitUntil([&] {
    events = EventsOf(cart, ids);
    published.clear();
    for (const auto& e : events) published[e.key].insert(e.data.at("cart_version").as_int64());
    for (int s = 0; s < kShoppers; ++s)
      if (published["guest:" + store::auth::Sha256Hex(tokens[s])].size() != static_cast<std::size_t>(final_version[s])) return false;
    return true;
  }, 60s);
  for (int s = 0; s < kShoppers; ++s) {
    const auto& mine = published["guest:" + store::auth::Sha256Hex(tokens[s])];
    // Every saved version 1..final published (each change of this burst makes one event), so
    // every acknowledged one too; no version beyond what the store holds.
    EXPECT_EQ(mine.size(), static_cast<std::size_t>(final_version[s])) << "shopper " << s;
    for (auto v : acknowledged[s]) {
      EXPECT_TRUE(mine.contains(v)) << "shopper " << s << ": acknowledged version " << v << " not published";
    }
    if (!mine.empty()) {
      EXPECT_LE(*mine.rbegin(), final_version[s]);
    }
  }
  for (const auto& e : events) {
    if (e.topic == "cart.item_added.v1") {
      EXPECT_NE(e.data.at("quantity").as_int64(), 50) << "an event of a refused add";
    }
  }
  EXPECT_TRUE(complete) << cart.Log();
  std::size_t total_ack = 0;
  for (const auto& a : acknowledged) total_ack += a.size();
  std::cout << "burst: " << total_ack << " changes acknowledged, " << events.size() << " events read (duplicates included)\n";
}

// order.confirmed takes the ordered quantities out of the customer's cart once, however often
// it is delivered; lines added after the order stay; a malformed event goes to the dead letters.
TEST(CartEventsOnKafka, AConfirmedOrderTakesItsLinesOutOnceAndPublishesCheckedOut) {
  store::testing::TempTopic orders("order_confirmed", 1);
  CatalogProcess catalog;
  CartService cart(catalog, {{"CART_CONSUMER_ENABLED", "true"}, {"CART_CONSUMER_TOPIC_ORDER_CONFIRMED", orders.name()}});
  const std::string ann_id = store::testing::UniqueName("ann");
  const As ann{"", cart.TokenFor(ann_id)};
  ASSERT_EQ(cart.Call("POST", "/v1/cart/items", Add("BE-1", 3), ann).status, 200) << cart.Log();
  ASSERT_EQ(cart.Call("POST", "/v1/cart/items", Add("AL-1", 1), ann).status, 200);

  auto producer = store::messaging::Producer::Create(store::testing::KafkaTestConfig());
  ASSERT_TRUE(producer) << producer.error().message;
  boost::json::object money{{"minor", 1999}, {"currency", "EUR"}};
  boost::json::object confirmed{
      {"order_id", "o-" + ann_id}, {"user_id", ann_id}, {"email", "ann@example.com"},
      {"lines", boost::json::array{boost::json::object{{"sku", "BE-1"}, {"name", "Phone beta"}, {"quantity", 2},
                                                       {"unit_price", money}, {"line_total", money}}}},
      {"subtotal", money}, {"shipping", money}, {"total", money}};
  store::testing::ExpectEventMatchesSchema("order.confirmed.v1", confirmed);
  auto event = store::messaging::NewEvent("order.confirmed.v1", confirmed);
  std::vector<store::messaging::OutgoingMessage> records = {
      store::messaging::EventMessage(orders.name(), "o-" + ann_id, event),
      store::messaging::EventMessage(orders.name(), "o-" + ann_id, event),  // delivered twice
      store::messaging::OutgoingMessage{orders.name(), "bad", R"({"not":"an envelope"})", {}}};
  for (const auto& st : (*producer)->ProduceAll(records)) ASSERT_TRUE(st.has_value()) << st.error().message;

  ASSERT_TRUE(store::testing::WaitUntil([&] { return cart.Call("GET", "/v1/cart", "", ann).Quantity("BE-1") == 1; }, 30s))
      << cart.Log();
  ASSERT_TRUE(store::testing::WaitUntil([&] { return store::testing::ReadAll(orders.dlq()).size() == 1; }, 30s))
      << "the malformed record is dead-lettered";
  auto after = cart.Call("GET", "/v1/cart", "", ann);
  EXPECT_EQ(after.Quantity("BE-1"), 1) << "taken out once";
  EXPECT_EQ(after.Quantity("AL-1"), 1);
  EXPECT_EQ(after.Cart().at("version").as_int64(), 3);
  std::vector<Seen> events;
  ASSERT_TRUE(store::testing::WaitUntil([&] {
    events = EventsOf(cart, {"customer:" + ann_id});
    return std::count_if(events.begin(), events.end(), [](const Seen& e) { return e.topic == "cart.checked_out.v1"; }) >= 1;
  }, 30s));
  for (const auto& e : events)
    if (e.topic == "cart.checked_out.v1") {
      EXPECT_EQ(e.data.at("order_id").as_string(), "o-" + ann_id);
      EXPECT_EQ(e.data.at("lines").at(0).at("quantity").as_int64(), 2);
      EXPECT_EQ(e.data.at("cart_version").as_int64(), 3);
    }
}

}  // namespace
