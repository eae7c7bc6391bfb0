// Component tests of the transactional outbox, the relay and the inbox against real MariaDB and
// Kafka, ending with the failure test: relay and consumer processes SIGKILLed repeatedly while
// business changes are written, and still every change is published at least once and applied
// exactly once, in order per key.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/value.hpp>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "store/core/ids.hpp"
#include "store/db/migrations.hpp"
#include "store/messaging/inbox.hpp"
#include "store/messaging/outbox.hpp"
#include "store/messaging/outbox_relay.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"

using namespace store::messaging;
using store::core::Errc;
using store::core::Fail;
using store::core::Status;
using store::db::Connection;
using store::db::Database;
using store::testing::KafkaTestConfig;
using store::testing::ReadAll;
using store::testing::TempDatabase;
using store::testing::TempTopic;
using namespace std::chrono_literals;

namespace {

// A test database with the messaging tables plus the test's own business and effects tables.
struct Schema {
  TempDatabase database{"msg"};
  std::unique_ptr<Database> db;

  Schema() {
    auto options = database.options();
    options.pool_size = 2;
    db = std::make_unique<Database>(options);
    auto migrated = store::db::Migrate(*db, STORE_MESSAGING_MIGRATIONS_DIR);
    if (!migrated) throw std::runtime_error(migrated.error().message);
    auto made = db->RunSync([](Connection& c) {
      return c.ExecuteScript(
          "CREATE TABLE business (id BIGINT AUTO_INCREMENT PRIMARY KEY, agg_key VARCHAR(50) NOT NULL,"
          " seq BIGINT NOT NULL) ENGINE=InnoDB;"
          "CREATE TABLE effects (id BIGINT AUTO_INCREMENT PRIMARY KEY, event_id CHAR(36) NOT NULL,"
          " agg_key VARCHAR(50) NOT NULL, seq BIGINT NOT NULL) ENGINE=InnoDB");
    });
    if (!made) throw std::runtime_error(made.error().message);
  }

  std::int64_t Count(const std::string& sql) {
    auto n = db->RunSync([&](Connection& c) -> store::core::Result<std::int64_t> {
      TRY(row, c.QueryOne(sql));
      return row->Int(row->columns().front());
    });
    if (!n) throw std::runtime_error(n.error().message);
    return *n;
  }

  // One business change and its event in one transaction; returns the event.
  store::core::Result<Event> Change(const std::string& topic, const std::string& key, std::int64_t seq) {
    auto event = NewEvent(topic, boost::json::object{{"key", key}, {"seq", seq}});
    TRY_STATUS(db->TransactionSync([&](Connection& c) -> Status {
      TRY_STATUS(c.Execute("INSERT INTO business (agg_key, seq) VALUES (?, ?)", key, seq));
      return Outbox::Add(c, topic, key, event, store::log::TraceContext::NewTrace());
    }));
    return event;
  }
};

RelayOptions RelayFor(const Schema& s) {
  RelayOptions o;
  o.db = s.database.options();
  o.kafka = KafkaTestConfig();
  o.batch_size = 50;
  o.idle_poll = 20ms;
  return o;
}

// A child process started with fork/exec; killed and reaped by the test.
class Child {
 public:
  Child(std::string path, std::vector<std::string> args, std::vector<std::string> env)
      : path_(std::move(path)), args_(std::move(args)), env_(std::move(env)) {}
  ~Child() { Kill(SIGKILL); }

  void Start() {
    std::vector<char*> argv{path_.data()};
    for (auto& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
    for (auto& e : env_) env_storage.push_back(e);
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      execve(path_.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    ASSERT_GT(pid_, 0);
  }

  // Sends `sig` and reaps the process; returns its wait status.
  int Kill(int sig) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  // False if the process already ended by itself (a crash the test must see).
  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    return waitpid(pid_, &status, WNOHANG) == 0;
  }

 private:
  std::string path_;
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  pid_t pid_ = -1;
};

}  // namespace

TEST(Outbox, RowCommitsAndRollsBackTogetherWithTheBusinessChange) {
  Schema s;
  auto event = NewEvent("t.v1", boost::json::object{});
  auto rolled_back = s.db->TransactionSync([&](Connection& c) -> Status {
    TRY_STATUS(c.Execute("INSERT INTO business (agg_key, seq) VALUES ('a', 1)"));
    TRY_STATUS(Outbox::Add(c, "t.v1", "a", event));
    return Fail(Errc::unprocessable, "business rule says no");
  });
  ASSERT_FALSE(rolled_back);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM business"), 0);

  ASSERT_TRUE(s.Change("t.v1", "a", 1));
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM outbox"), 1);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM business"), 1);
}

TEST(Outbox, AddRefusesToWriteOutsideATransaction) {
  Schema s;
  auto added = s.db->RunSync([](Connection& c) { return Outbox::Add(c, "t.v1", "a", NewEvent("t.v1", {})); });
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, Errc::internal);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM outbox"), 0);
}

TEST(Inbox, ReportsAnEventAsAlreadyAppliedTheSecondTimePerConsumer) {
  Schema s;
  auto id = store::core::NewUuid();
  auto apply = [&](const std::string& consumer) {
    return s.db->TransactionSync([&](Connection& c) { return Inbox::Apply(c, consumer, id); });
  };
  EXPECT_EQ(apply("billing"), InboxVerdict::first_delivery);
  EXPECT_EQ(apply("billing"), InboxVerdict::already_applied);
  EXPECT_EQ(apply("shipping"), InboxVerdict::first_delivery);  // consumers are independent
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM inbox"), 2);
}

TEST(Inbox, ForgetsTheRecordWhenTheEffectsTransactionRollsBack) {
  Schema s;
  auto id = store::core::NewUuid();
  auto failed = s.db->TransactionSync([&](Connection& c) -> Status {
    TRY(verdict, Inbox::Apply(c, "billing", id));
    EXPECT_EQ(verdict, InboxVerdict::first_delivery);
    return Fail(Errc::unavailable, "effect failed half-way");
  });
  ASSERT_FALSE(failed);
  // The redelivery must apply the effect: the inbox row went with the rolled back transaction.
  auto again = s.db->TransactionSync([&](Connection& c) { return Inbox::Apply(c, "billing", id); });
  EXPECT_EQ(again, InboxVerdict::first_delivery);
}

TEST(OutboxRelay, PublishesRowsInOrderWithTheirHeadersAndThenDeletesThem) {
  Schema s;
  TempTopic topic("relay", 2, false);
  std::vector<Event> events;
  for (int i = 1; i <= 30; ++i) {
    auto e = s.Change(topic.name(), i % 3 == 0 ? "red" : "blue", i);
    ASSERT_TRUE(e);
    events.push_back(*e);
  }
  auto relay = OutboxRelay::Create(RelayFor(s));
  ASSERT_TRUE(relay);
  std::size_t published = 0;
  while (published < events.size()) {
    auto round = (*relay)->RunOnce();
    ASSERT_TRUE(round) << round.error().message;
    ASSERT_GT(*round, 0u);
    published += *round;
  }
  EXPECT_EQ(published, 30u);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM outbox"), 0);

  auto records = ReadAll(topic.name());
  ASSERT_EQ(records.size(), 30u);
  std::map<std::string, std::vector<std::int64_t>> seqs;  // per key, in offset order
  std::set<std::string> ids;
  for (auto& r : records) {
    auto e = DecodeEvent(r.value);
    ASSERT_TRUE(e);
    EXPECT_EQ(r.Header(kEventIdHeader), e->event_id);
    EXPECT_TRUE(r.Trace());
    EXPECT_EQ(r.key, std::string(e->data.at("key").as_string()));
    seqs[*r.key].push_back(e->data.at("seq").as_int64());
    ids.insert(e->event_id);
  }
  EXPECT_EQ(ids.size(), 30u);
  for (auto& [key, list] : seqs) EXPECT_TRUE(std::is_sorted(list.begin(), list.end())) << key;
  EXPECT_EQ(seqs["red"].size(), 10u);
}

TEST(OutboxRelay, OnlyOneRelayIsActivePerDatabaseAndAStandbyTakesOver) {
  Schema s;
  TempTopic topic("leader", 1, false);
  auto first = OutboxRelay::Create(RelayFor(s));
  auto second = OutboxRelay::Create(RelayFor(s));
  ASSERT_TRUE(first && second);
  ASSERT_TRUE((*first)->RunOnce());
  EXPECT_TRUE((*first)->stats().active);

  ASSERT_TRUE(s.Change(topic.name(), "a", 1));
  auto standby = (*second)->RunOnce();
  ASSERT_TRUE(standby);
  EXPECT_EQ(*standby, 0u);  // rows are waiting, but the lock is taken
  EXPECT_FALSE((*second)->stats().active);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM outbox"), 1);

  first->reset();  // the active relay goes away, and its session with the lock
  // The server frees the lock when it has processed the disconnect, a moment later: a standby
  // polls, so it takes over on one of its next rounds.
  auto took_over = (*second)->RunOnce();
  for (int round = 0; round < 100 && took_over && *took_over == 0; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    took_over = (*second)->RunOnce();
  }
  ASSERT_TRUE(took_over);
  EXPECT_EQ(*took_over, 1u);
  EXPECT_TRUE((*second)->stats().active);
  EXPECT_EQ(ReadAll(topic.name()).size(), 1u);
}

TEST(OutboxRelay, KeepsTheRowsWhileNoBrokerAcknowledgesAndStopEndsTheWait) {
  Schema s;
  ASSERT_TRUE(s.Change("t.v1", "a", 1));
  auto options = RelayFor(s);
  options.kafka.bootstrap = "127.0.0.1:1";  // nothing listens there
  auto relay = OutboxRelay::Create(options);
  ASSERT_TRUE(relay);
  std::thread runner([&] { (*relay)->Run(); });
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE((*relay)->stats().active);
  EXPECT_EQ((*relay)->stats().published, 0u);
  auto asked = std::chrono::steady_clock::now();
  (*relay)->Stop();
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM outbox"), 1);  // unacknowledged: still there
}

TEST(InboxHandler, AppliesAnEventDeliveredTwiceOnlyOnce) {
  Schema s;
  TempTopic topic("dup", 1, true);
  auto producer = Producer::Create(KafkaTestConfig());
  ASSERT_TRUE(producer);
  auto once = NewEvent(topic.name(), boost::json::object{{"key", "a"}, {"seq", 1}});
  auto next = NewEvent(topic.name(), boost::json::object{{"key", "a"}, {"seq", 2}});
  for (auto* e : {&once, &once, &next})  // the first event arrives twice, as after a relay crash
    ASSERT_TRUE((*producer)->Produce(EventMessage(topic.name(), "a", *e)));

  ConsumerOptions options;
  options.kafka = KafkaTestConfig();
  options.group_id = store::testing::UniqueName("g");
  options.topics = {topic.name()};
  auto consumer = Consumer::Create(
      options, InboxHandler(*s.db, "effects-test", [](Connection& c, const Message&, const Event& e) -> Status {
        TRY_STATUS(c.Execute("INSERT INTO effects (event_id, agg_key, seq) VALUES (?, ?, ?)", e.event_id,
                             std::string(e.data.at("key").as_string()), e.data.at("seq").as_int64()));
        return {};
      }));
  ASSERT_TRUE(consumer);
  std::thread runner([&] { (void)(*consumer)->Run(); });
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while ((*consumer)->stats().handled < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  (*consumer)->Stop();
  runner.join();
  EXPECT_EQ((*consumer)->stats().handled, 3u);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM effects"), 2);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM effects WHERE event_id = '" + once.event_id + "'"), 1);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM inbox"), 2);
}

TEST(InboxBatchHandler, AppliesABatchInOneTransactionAndEventsDeliveredTwiceOnlyOnce) {
  Schema s;
  auto once = NewEvent("t.v1", boost::json::object{{"key", "a"}, {"seq", 1}});
  auto next = NewEvent("t.v1", boost::json::object{{"key", "a"}, {"seq", 2}});
  auto bad = NewEvent("t.v1", boost::json::object{{"key", "a"}, {"seq", -1}});
  auto record = [](const Event& e, std::int64_t offset) {
    Message m;
    m.topic = "t.v1";
    m.offset = offset;
    m.key = "a";
    m.value = EncodeEvent(e);
    return m;
  };
  auto handler = InboxBatchHandler(*s.db, "effects-test", [](Connection& c, const Message&, const Event& e) -> Status {
    if (e.data.at("seq").as_int64() < 0) return Fail(Errc::unprocessable, "negative");
    TRY_STATUS(c.Execute("INSERT INTO effects (event_id, agg_key, seq) VALUES (?, ?, ?)", e.event_id,
                         std::string(e.data.at("key").as_string()), e.data.at("seq").as_int64()));
    return {};
  });
  // The first event twice in one batch (a redelivery right behind the original) applies once.
  std::vector<Message> batch{record(once, 0), record(once, 1), record(next, 2)};
  ASSERT_TRUE(handler(batch));
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM effects"), 2);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM inbox"), 2);
  // A batch whose effect fails is rolled back as a whole: nothing of it stays, inbox included.
  auto third = NewEvent("t.v1", boost::json::object{{"key", "a"}, {"seq", 3}});
  std::vector<Message> poisoned{record(third, 3), record(bad, 4)};
  auto refused = handler(poisoned);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::unprocessable);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM effects"), 2);
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM inbox"), 2);
  // Replayed (a whole batch redelivered), the applied events change nothing.
  ASSERT_TRUE(handler(batch));
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM effects"), 2);
  // A malformed envelope fails the batch permanently before any transaction.
  Message garbage = record(third, 5);
  garbage.value = "{not json";
  std::vector<Message> with_garbage{record(third, 3), garbage};
  auto malformed = handler(with_garbage);
  ASSERT_FALSE(malformed);
  EXPECT_FALSE(store::core::IsTransient(malformed.error().code));
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM effects"), 2);
}

namespace {

// The failure test, with the consumer helper in `mode` (single: one transaction per event and a
// synchronous commit; batch: one transaction per batch and asynchronous commits).
void KillRelayAndConsumerWhileWriting(const std::string& mode) {
  constexpr int kChanges = 2000;
  constexpr int kKeys = 8;
  Schema s;
  TempTopic topic("kill", 4, true);
  const auto engines = store::testing::Engines::FromEnv();
  const auto& dbo = s.database.options();

  Child relay(STORE_OUTBOX_RELAY_PATH, {},
              {"OUTBOX_RELAY_DB_HOST=" + dbo.host, "OUTBOX_RELAY_DB_PORT=" + std::to_string(dbo.port),
               "OUTBOX_RELAY_DB_USER=" + dbo.user, "OUTBOX_RELAY_DB_PASSWORD=" + dbo.password,
               "OUTBOX_RELAY_DB_DATABASE=" + dbo.database, "OUTBOX_RELAY_KAFKA_BOOTSTRAP=" + engines.kafka_bootstrap,
               "OUTBOX_RELAY_RELAY_BATCH_SIZE=100", "OUTBOX_RELAY_RELAY_IDLE_POLL=20ms",
               "OUTBOX_RELAY_RELAY_ERROR_BACKOFF=200ms", "OUTBOX_RELAY_LOG_LEVEL=warn"});
  Child consumer(STORE_INBOX_CONSUMER_HELPER_PATH,
                 {engines.kafka_bootstrap, topic.name(), store::testing::UniqueName("g"), "member-1", dbo.host,
                  std::to_string(dbo.port), dbo.user, dbo.password, dbo.database, mode},
                 {});
  relay.Start();
  consumer.Start();

  // The writer: kChanges business changes, each with its event in one transaction, keys round
  // robin with a per-key sequence number.
  std::vector<std::string> written(kChanges);
  std::atomic<bool> writing{true};
  std::string writer_error;
  std::thread writer([&] {
    std::map<std::string, std::int64_t> seq;
    // Paced to about 400 changes/s so the writing spans ~5 s of kills (a fast machine would
    // otherwise finish before the first kill).
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kChanges; ++i) {
      std::this_thread::sleep_until(start + i * 2500us);
      std::string key = "agg-" + std::to_string(i % kKeys);
      auto e = s.Change(topic.name(), key, ++seq[key]);
      if (!e) {
        writer_error = e.error().message;
        break;
      }
      written[i] = e->event_id;
    }
    writing = false;
  });

  // Meanwhile: SIGKILL the relay every 300-700 ms and the consumer every other time, restarting
  // both at once; at least 3 and 2 kills even if the writer is faster.
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pause_ms(300, 700);
  int relay_kills = 0, consumer_kills = 0;
  while (writing || relay_kills < 3 || consumer_kills < 2) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    if (!relay.Running() || !consumer.Running()) {
      ADD_FAILURE() << "the relay or the consumer died by itself";
      break;
    }
    relay.Kill(SIGKILL);
    relay.Start();
    ++relay_kills;
    if (relay_kills % 2 == 0) {
      consumer.Kill(SIGKILL);
      consumer.Start();
      ++consumer_kills;
    }
  }
  writer.join();
  ASSERT_EQ(writer_error, "");
  ASSERT_FALSE(::testing::Test::HasFailure());

  // Quiescence: the outbox drained and every effect applied, within a bound.
  auto deadline = std::chrono::steady_clock::now() + 90s;
  while ((s.Count("SELECT COUNT(*) FROM outbox") > 0 || s.Count("SELECT COUNT(*) FROM effects") < kChanges) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  std::this_thread::sleep_for(500ms);  // a duplicate effect, if any, has time to show up
  EXPECT_TRUE(relay.Running());
  EXPECT_TRUE(consumer.Running());
  EXPECT_EQ(WEXITSTATUS(relay.Kill(SIGTERM)), 0);
  EXPECT_EQ(WEXITSTATUS(consumer.Kill(SIGTERM)), 0);

  // Published at least once: every written event id is on the topic.
  auto records = ReadAll(topic.name());
  std::set<std::string> on_topic;
  for (auto& r : records)
    if (auto id = r.Header(kEventIdHeader)) on_topic.emplace(*id);
  std::size_t missing = 0;
  for (auto& id : written) missing += on_topic.count(id) == 0;

  // Applied exactly once, in order per key.
  const auto effects = s.Count("SELECT COUNT(*) FROM effects");
  const auto distinct = s.Count("SELECT COUNT(DISTINCT event_id) FROM effects");
  auto rows = s.db->RunSync([](Connection& c) { return c.Query("SELECT agg_key, seq FROM effects ORDER BY id"); });
  ASSERT_TRUE(rows);
  std::map<std::string, std::int64_t> last;
  std::size_t out_of_order = 0;
  for (auto& row : *rows) {
    auto& prev = last[row.Text("agg_key")];
    if (row.Int("seq") != prev + 1) ++out_of_order;  // no gap, no repeat, no reordering
    prev = row.Int("seq");
  }

  std::printf("[ outbox/inbox %s ] changes=%d published_records=%zu (duplicates=%zu) distinct_on_topic=%zu "
              "relay_kills=%d consumer_kills=%d effects=%lld distinct_effects=%lld inbox=%lld dlq=%zu\n",
              mode.c_str(), kChanges, records.size(), records.size() - on_topic.size(), on_topic.size(), relay_kills,
              consumer_kills, static_cast<long long>(effects), static_cast<long long>(distinct),
              static_cast<long long>(s.Count("SELECT COUNT(*) FROM inbox")), ReadAll(topic.dlq()).size());
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(on_topic.size(), static_cast<std::size_t>(kChanges));
  EXPECT_EQ(s.Count("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(effects, kChanges);
  EXPECT_EQ(distinct, kChanges);
  EXPECT_EQ(out_of_order, 0u);
  for (int k = 0; k < kKeys; ++k) EXPECT_EQ(last["agg-" + std::to_string(k)], kChanges / kKeys);
  EXPECT_GE(relay_kills, 3);
  EXPECT_GE(consumer_kills, 2);
}

}  // namespace

TEST(OutboxInbox, EveryChangeIsPublishedAndAppliedExactlyOnceWhileRelayAndConsumerAreKilled) {
  KillRelayAndConsumerWhileWriting("single");
}

TEST(OutboxInbox, EveryChangeIsAppliedExactlyOnceThroughTheBatchingConsumerWhileItIsKilled) {
  KillRelayAndConsumerWhileWriting("batch");
}
