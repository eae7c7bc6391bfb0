// A service's emails in an end-to-end test, as the shop sends them but private to the test: the
// service's outbox (its database) relayed by store_outbox_relay to Kafka topics under the test's
// own prefix, consumed by store_notification (its own database and consumer group) which mails
// the shared MailDev with links under the test's gateway URL. The topics are created before the
// processes start (the consumer subscribes before the first event) and deleted when the object
// dies, after the processes. The notification service's own events stay in its outbox (no relay
// for them: nothing in a test reads them).
// Paths of the binaries come from compile definitions (STORE_RELAY_BIN, STORE_NOTIFICATION_BIN).
#pragma once

#include <string>
#include <vector>

#include "store/testing/db.hpp"
#include "support/process.hpp"

namespace e2e {

// A service's outbox in an end-to-end test: `topics` (full names) created, then store_outbox_relay
// publishing the rows of `database`'s outbox to them; when the object dies the relay stops, then the
// topics are deleted.
class RelayedOutbox {
 public:
  RelayedOutbox(const std::string& database, std::vector<std::string> topics, const std::string& log);
  ~RelayedOutbox();
  std::string LogTail() const { return relay_.LogTail(1500); }
  // For the fault tests: the relay killed (SIGKILL: no goodbye), and started again as it was.
  void Kill();
  void Start();

 private:
  std::string database_, log_;
  struct Topics {  // deleted last: after the relay
    std::vector<std::string> names;
    ~Topics();
  };
  Topics topics_;
  ChildProcess relay_;
};

struct MailerOptions {
  std::string outbox_database;      // the service's database, whose outbox is relayed
  std::string topic_prefix;         // the service writes its topics under it (events.topic_prefix)
  std::vector<std::string> topics;  // every topic the service writes (unprefixed)
  std::vector<std::string> mailed;  // of them, those the notification service consumes (each gets a .dlq)
  std::string shop_url;             // the gateway's URL: the links in the emails
  std::string shop_name;
  std::string jwks_url;             // the user service's keys (the notification service's own API)
};

// The user service's topics (unprefixed): every one it writes, and those the notification service mails.
extern const std::vector<std::string> kUserTopics;
extern const std::vector<std::string> kUserMailedTopics;

class Mailer {
 public:
  explicit Mailer(MailerOptions options);  // returns once store_notification is ready
  ~Mailer();
  const std::string& maildev_url() const { return maildev_url_; }
  int notification_port() const { return notification_port_; }
  std::string Logs() const;
  RelayedOutbox& outbox() { return outbox_; }

 private:
  TempDir dir_;
  store::testing::TempDatabase notification_db_{"e2e_notif"};
  int notification_port_ = FreePort();
  std::string maildev_url_;
  RelayedOutbox outbox_;  // before the notification service, which consumes its topics
  ChildProcess notification_;
};

}  // namespace e2e
