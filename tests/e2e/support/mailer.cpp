#include "support/mailer.hpp"

#include <csignal>
#include <stdexcept>

#include "store/messaging/admin.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"
#include "support/http.hpp"
#include "support/stack.hpp"

namespace e2e {

const std::vector<std::string> kUserTopics = {"user.registered.v1", "user.email_verification_requested.v1",
                                              "user.password_reset_requested.v1", "user.email_changed.v1", "user.logged_in.v1",
                                              "user.second_factor_changed.v1"};
const std::vector<std::string> kUserMailedTopics = {"user.registered.v1", "user.email_verification_requested.v1",
                                                    "user.password_reset_requested.v1", "user.email_changed.v1",
                                                    "user.second_factor_changed.v1"};

RelayedOutbox::Topics::~Topics() {
  for (const auto& t : names) (void)store::messaging::DeleteTopic(store::testing::KafkaTestConfig(), t);
}

RelayedOutbox::RelayedOutbox(const std::string& database, std::vector<std::string> topics, const std::string& log)
    : database_(database), log_(log) {
  for (const auto& name : topics) {
    auto made = store::messaging::CreateTopic(store::testing::KafkaTestConfig(), name, 1);
    if (!made) throw std::runtime_error("cannot create topic " + name + ": " + made.error().message);
    topics_.names.push_back(name);
  }
  Start();
}

void RelayedOutbox::Kill() {
  if (relay_.pid() > 0) ::kill(-relay_.pid(), SIGKILL);
  relay_.Wait(std::chrono::seconds(10));
}

void RelayedOutbox::Start() {
  const std::string& database = database_;
  const std::string& log = log_;
  auto e = store::testing::Engines::FromEnv();
  relay_ = ChildProcess("relay", {STORE_RELAY_BIN},
                        {{"OUTBOX_RELAY_DB_DATABASE", database},
                         {"OUTBOX_RELAY_DB_HOST", e.host},
                         {"OUTBOX_RELAY_DB_PORT", std::to_string(e.mariadb_port)},
                         {"OUTBOX_RELAY_DB_USER", e.mariadb_user},
                         {"OUTBOX_RELAY_DB_PASSWORD", e.mariadb_password},
                         {"OUTBOX_RELAY_KAFKA_BOOTSTRAP", e.kafka_bootstrap},
                         {"OUTBOX_RELAY_KAFKA_CLIENT_ID", store::testing::UniqueName("e2e-relay")}},
                        log);
}

RelayedOutbox::~RelayedOutbox() { relay_.Stop(); }

namespace {

// Every topic the mailed service writes, and a dead-letter topic of each one mailed.
std::vector<std::string> MailerTopics(const MailerOptions& o) {
  std::vector<std::string> names;
  for (const auto& t : o.topics) names.push_back(o.topic_prefix + t);
  for (const auto& t : o.mailed) names.push_back(o.topic_prefix + t + ".dlq");
  return names;
}

std::string Consumed(const MailerOptions& o) {
  std::string consumed;
  for (const auto& t : o.mailed) consumed += (consumed.empty() ? "" : ",") + o.topic_prefix + t;
  return consumed;
}

}  // namespace

Mailer::Mailer(MailerOptions o)
    : dir_("store-e2e-mailer"), outbox_(o.outbox_database, MailerTopics(o), dir_.path() + "/relay.log") {
  auto e = store::testing::Engines::FromEnv();
  maildev_url_ = "http://" + e.host + ":" + std::to_string(e.maildev_web_port);
  const std::string consumed = Consumed(o);
  notification_ = ChildProcess(
      "notification", {STORE_NOTIFICATION_BIN},
      ServiceEnv("NOTIFICATION", notification_port_, notification_db_.name(),
                 {{"NOTIFICATION_AUTH_JWKS_URL", o.jwks_url},
                  {"NOTIFICATION_KAFKA_CLIENT_ID", store::testing::UniqueName("e2e-notification")},
                  {"NOTIFICATION_CONSUMER_GROUP", store::testing::UniqueName("e2e-notification")},
                  {"NOTIFICATION_CONSUMER_TOPICS", consumed},
                  {"NOTIFICATION_CONSUMER_INSTANCES", "1"},
                  {"NOTIFICATION_SENDER_WORKERS", "2"},
                  {"NOTIFICATION_SMTP_URL", "smtp://" + e.host + ":" + std::to_string(e.smtp_port)},
                  {"NOTIFICATION_SMTP_TLS", "none"},
                  {"NOTIFICATION_SHOP_NAME", o.shop_name},
                  {"NOTIFICATION_SHOP_BASE_URL", o.shop_url}}),
      dir_.path() + "/notification.log");
  HttpClient probe;
  const std::string ready = "http://127.0.0.1:" + std::to_string(notification_port_) + "/readyz";
  if (!WaitUntil([&] { return probe.Get(ready).status == 200; }, std::chrono::seconds(60)))
    throw std::runtime_error("store_notification did not become ready: " + notification_.LogTail());
}

Mailer::~Mailer() { notification_.Stop(); }

std::string Mailer::Logs() const { return "relay: " + outbox_.LogTail() + "\nnotification: " + notification_.LogTail(3000); }

}  // namespace e2e
