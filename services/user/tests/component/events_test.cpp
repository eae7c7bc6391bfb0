// The user.* events travel through the outbox and the relay to Kafka with the fields their
// schemas (contracts/events) require, keyed by the user id.
#include <fstream>
#include <set>
#include <sstream>

#include "fixture.hpp"
#include "store/messaging/admin.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/outbox_relay.hpp"
#include "store/testing/kafka.hpp"
#include "store/testing/schema.hpp"

namespace usertest {
namespace {

// The event's data matches contracts/events/<topic>.schema.json and carries no secret.
void ExpectMatches(const json::object& data, const std::string& topic) {
  store::testing::ExpectEventMatchesSchema(topic, data);
  EXPECT_FALSE(data.contains("password")) << topic;
  EXPECT_FALSE(data.contains("password_hash")) << topic;
  EXPECT_FALSE(data.contains("token_hash")) << topic;
}

using UserEvents = UserFixture;

TEST_F(UserEvents, EveryEventReachesKafkaThroughTheOutboxWithItsSchemaFields) {
  const std::vector<std::string> topics{"user.registered.v1", "user.email_verification_requested.v1",
                                        "user.password_reset_requested.v1", "user.email_changed.v1", "user.logged_in.v1",
                                        "user.second_factor_changed.v1"};
  auto kafka = store::testing::KafkaTestConfig();
  for (const auto& t : topics) ASSERT_TRUE(store::messaging::CreateTopic(kafka, topic_prefix_ + t, 1)) << t;
  struct Cleanup {
    std::function<void()> fn;
    ~Cleanup() { fn(); }
  } cleanup{[&] {
    for (const auto& t : topics) (void)store::messaging::DeleteTopic(kafka, topic_prefix_ + t);
  }};

  // One of each event: register + verify, login (with a guest cart), reset request, email change,
  // the second factor turned on.
  auto id = RegisterVerified("ev@example.com", kPassword);
  auto login = Post("/v1/auth/login", {{"email", "ev@example.com"}, {"password", kPassword}, {"guest_cart_id", "cart-123"}});
  ASSERT_EQ(login.status, 200);
  auto access = std::string(login.Json().at("access_token").as_string());
  ASSERT_EQ(Post("/v1/auth/password-reset/request", {{"email", "ev@example.com"}}).status, 202);
  ASSERT_EQ(Post("/v1/me/email", {{"new_email", "ev2@example.com"}, {"password", kPassword}}, access).status, 202);
  ASSERT_EQ(Post("/v1/auth/verify-email", {{"token", LatestToken("user.email_verification_requested.v1", "ev2@example.com")}}).status,
            200);
  EnrolTotp(access, kPassword);
  auto expected = Outbox().size();
  ASSERT_EQ(expected, 7u);

  store::messaging::RelayOptions options;
  options.db = db_.options();
  options.kafka = kafka;
  auto relay = store::messaging::OutboxRelay::Create(options);
  ASSERT_TRUE(relay) << relay.error().message;
  std::size_t published = 0;
  for (int i = 0; i < 20 && published < expected; ++i) {
    auto n = (*relay)->RunOnce();
    ASSERT_TRUE(n) << n.error().message;
    published += *n;
  }
  EXPECT_EQ(published, expected);
  EXPECT_TRUE(Outbox().empty());

  std::set<std::string> seen;
  for (const auto& t : topics) {
    auto records = store::testing::ReadAll(topic_prefix_ + t);
    ASSERT_FALSE(records.empty()) << t;
    for (const auto& m : records) {
      auto event = store::messaging::DecodeEvent(m.value);
      ASSERT_TRUE(event) << t;
      EXPECT_EQ(event->type, t);
      EXPECT_EQ(m.key, id) << "keyed by the user id";
      ExpectMatches(event->data.as_object(), t);
      seen.insert(t);
      if (t == "user.logged_in.v1") {
        EXPECT_EQ(event->data.at("guest_cart_id").as_string(), "cart-123");
        EXPECT_EQ(event->data.at("method").as_string(), "password");
      }
      if (t == "user.email_changed.v1") { EXPECT_EQ(event->data.at("new_email").as_string(), "ev2@example.com"); }
      if (t == "user.second_factor_changed.v1") {
        EXPECT_EQ(event->data.at("email").as_string(), "ev2@example.com");
        EXPECT_EQ(event->data.at("enabled"), true);
        EXPECT_EQ(event->data.at("by_admin"), false);
      }
    }
  }
  EXPECT_EQ(seen.size(), topics.size());
}

}  // namespace
}  // namespace usertest
