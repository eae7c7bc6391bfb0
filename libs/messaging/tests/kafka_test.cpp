// Component tests against the real broker: producer acknowledgements, consumer-group commits and
// resumption, in-place retries, and dead-lettering.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <thread>

#include "store/messaging/consumer.hpp"
#include "store/messaging/consumer_runner.hpp"
#include "store/metrics/metrics.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"

using namespace store::messaging;
using store::core::Errc;
using store::core::Fail;
using store::core::Status;
using store::testing::KafkaTestConfig;
using store::testing::ReadAll;
using store::testing::TempTopic;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<Producer> MakeProducer() {
  auto p = Producer::Create(KafkaTestConfig());
  if (!p) throw std::runtime_error(p.error().message);
  return std::move(*p);
}

// Events with data {"n": i}, keyed "k<i % 2>", all acknowledged; returns their ids.
std::vector<std::string> ProduceNumbered(Producer& producer, const std::string& topic, int from, int to) {
  std::vector<std::string> ids;
  for (int i = from; i < to; ++i) {
    auto e = NewEvent(topic, boost::json::object{{"n", i}});
    auto sent = producer.Produce(EventMessage(topic, "k" + std::to_string(i % 2), e));
    EXPECT_TRUE(sent) << sent.error().message;
    ids.push_back(e.event_id);
  }
  return ids;
}

ConsumerOptions Options(const TempTopic& topic, std::string group) {
  ConsumerOptions o;
  o.kafka = KafkaTestConfig();
  o.kafka.session_timeout = 6s;
  o.group_id = std::move(group);
  o.topics = {topic.name()};
  o.retry_initial = 20ms;
  o.retry_max = 100ms;
  return o;
}

// Runs a consumer on its own thread until `done()` holds (or 30 s pass), then stops it.
void RunUntil(Consumer& consumer, const std::function<bool()>& done) {
  Status result;
  std::thread runner([&] { result = consumer.Run(); });
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  consumer.Stop();
  runner.join();
  EXPECT_TRUE(result) << result.error().message;
}

// Collects the event ids a handler saw, thread-safely.
struct Seen {
  std::mutex mu;
  std::vector<std::string> ids;
  void Add(const std::string& id) {
    std::lock_guard lock(mu);
    ids.push_back(id);
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return ids.size();
  }
};

}  // namespace

TEST(Producer, ReturnsOnlyAfterTheBrokerStoredTheRecord) {
  TempTopic topic("produce");
  auto producer = MakeProducer();
  auto e = NewEvent("x.v1", boost::json::object{{"a", 1}});
  auto trace = store::log::TraceContext::NewTrace();
  ASSERT_TRUE(producer->Produce(EventMessage(topic.name(), "agg-1", e, trace)));

  // Already on the broker the moment Produce returned: no flush, no wait.
  auto records = ReadAll(topic.name());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "agg-1");
  EXPECT_EQ(records[0].Header(kEventIdHeader), e.event_id);
  EXPECT_EQ(records[0].Header(kTraceParentHeader), trace.Header());
  auto decoded = DecodeEvent(records[0].value);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->data.at("a").as_int64(), 1);
}

TEST(Producer, ReportsAFailureInsteadOfSuccessWhenNoBrokerAnswers) {
  auto config = KafkaTestConfig();
  config.bootstrap = "127.0.0.1:1";  // nothing listens there
  config.delivery_timeout = 1500ms;
  auto producer = Producer::Create(config);
  ASSERT_TRUE(producer);
  auto started = std::chrono::steady_clock::now();
  auto sent = (*producer)->Produce(OutgoingMessage{"nowhere.v1", "k", "{}", {}});
  ASSERT_FALSE(sent);
  EXPECT_TRUE(store::core::IsTransient(sent.error().code)) << sent.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST(Producer, LoadsTopicMetadataOrSaysTheBrokerIsAway) {
  TempTopic topic("metadata");
  auto producer = MakeProducer();
  ASSERT_TRUE(producer->LoadMetadata({topic.name()}, 10s));
  ASSERT_TRUE(producer->Produce(OutgoingMessage{topic.name(), "k", "{}", {}}));
  EXPECT_EQ(ReadAll(topic.name()).size(), 1u);

  auto config = KafkaTestConfig();
  config.bootstrap = "127.0.0.1:1";  // nothing listens there
  auto away = Producer::Create(config);
  ASSERT_TRUE(away);
  auto loaded = (*away)->LoadMetadata({topic.name()}, 1500ms);
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(store::core::IsTransient(loaded.error().code)) << loaded.error().message;
}

TEST(Producer, ProduceAsyncResumesTheCoroutineWithTheAcknowledgement) {
  TempTopic topic("async");
  auto producer = MakeProducer();
  store::core::BlockingPool pool(1);
  boost::asio::io_context io;
  auto done = boost::asio::co_spawn(
      io, producer->ProduceAsync(pool, OutgoingMessage{topic.name(), "k", "{}", {}}), boost::asio::use_future);
  io.run();
  auto sent = done.get();
  EXPECT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(ReadAll(topic.name()).size(), 1u);
}

TEST(ConsumerGroup, RestartedMemberResumesAfterTheLastCommittedOffset) {
  TempTopic topic("resume");
  auto producer = MakeProducer();
  auto first = ProduceNumbered(*producer, topic.name(), 0, 5);
  const auto group = store::testing::UniqueName("g");

  Seen seen_first;
  auto a = Consumer::Create(Options(topic, group), EventHandler([&](const Message&, const Event& e) -> Status {
                              seen_first.Add(e.event_id);
                              return {};
                            }));
  ASSERT_TRUE(a);
  RunUntil(**a, [&] { return (*a)->stats().handled == 5; });
  EXPECT_EQ(seen_first.ids, first);
  a->reset();  // the first member is gone

  auto second = ProduceNumbered(*producer, topic.name(), 5, 8);
  Seen seen_second;
  auto b = Consumer::Create(Options(topic, group), EventHandler([&](const Message&, const Event& e) -> Status {
                              seen_second.Add(e.event_id);
                              return {};
                            }));
  ASSERT_TRUE(b);
  // Wait for the three new records, then a little longer so a wrongly replayed one would show.
  std::optional<std::chrono::steady_clock::time_point> enough_at;
  RunUntil(**b, [&] {
    if (seen_second.size() >= 3 && !enough_at) enough_at = std::chrono::steady_clock::now();
    return enough_at && std::chrono::steady_clock::now() > *enough_at + 1s;
  });
  EXPECT_EQ(seen_second.ids, second);
}

TEST(ConsumerGroup, ReportsTheRecordsWaitingBehindTheOneInHandAsLag) {
  TempTopic topic("lag");
  auto producer = MakeProducer();
  ProduceNumbered(*producer, topic.name(), 0, 5);

  std::atomic<bool> in_handler{false}, release{false};
  auto c = Consumer::Create(Options(topic, store::testing::UniqueName("g")),
                            EventHandler([&](const Message&, const Event&) -> Status {
                              in_handler = true;
                              while (!release) std::this_thread::sleep_for(5ms);
                              return {};
                            }));
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)->Lag(), 0);  // nothing assigned yet
  std::int64_t lag_while_stuck = -1;
  RunUntil(**c, [&] {
    if (!in_handler) return false;
    if (lag_while_stuck < 0) {
      // The first record is in hand; the other four are behind it once the fetch is reflected.
      auto deadline = std::chrono::steady_clock::now() + 10s;
      while ((lag_while_stuck = (*c)->Lag()) != 4 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
      release = true;
    }
    return (*c)->stats().handled == 5 && (*c)->Lag() == 0;
  });
  EXPECT_EQ(lag_while_stuck, 4);
  EXPECT_EQ((*c)->stats().handled, 5u);
}

TEST(ConsumerGroup, RetriesATransientFailureInPlaceWithoutSkippingTheRecord) {
  TempTopic topic("retry");
  auto producer = MakeProducer();
  auto ids = ProduceNumbered(*producer, topic.name(), 0, 3);

  Seen attempts;
  int failures_left = 3;
  auto c = Consumer::Create(Options(topic, store::testing::UniqueName("g")),
                            EventHandler([&](const Message&, const Event& e) -> Status {
                              attempts.Add(e.event_id);
                              if (e.event_id == ids[1] && failures_left-- > 0)
                                return Fail(Errc::unavailable, "database is restarting");
                              return {};
                            }));
  ASSERT_TRUE(c);
  RunUntil(**c, [&] { return (*c)->stats().handled == 3; });
  EXPECT_EQ(attempts.ids, (std::vector<std::string>{ids[0], ids[1], ids[1], ids[1], ids[1], ids[2]}));
  EXPECT_EQ((*c)->stats().retried, 3u);
  EXPECT_EQ((*c)->stats().dead_lettered, 0u);
  EXPECT_TRUE(ReadAll(topic.dlq()).empty());
}

TEST(DeadLetters, PoisonRecordsGoToTheDlqWithTheirReasonWhileHealthyOnesAroundThemAreHandled) {
  TempTopic topic("poison");
  auto producer = MakeProducer();
  auto before = ProduceNumbered(*producer, topic.name(), 0, 2);
  ASSERT_TRUE(producer->Produce(OutgoingMessage{topic.name(), "k0", "{\"event_id\": oops", {{"source", "fuzz"}}}));
  auto refused = NewEvent(topic.name(), boost::json::object{{"n", -1}});
  ASSERT_TRUE(producer->Produce(EventMessage(topic.name(), "k1", refused)));
  auto after = ProduceNumbered(*producer, topic.name(), 2, 4);

  Seen handled;
  auto c = Consumer::Create(Options(topic, store::testing::UniqueName("g")),
                            EventHandler([&](const Message&, const Event& e) -> Status {
                              if (e.data.at("n").as_int64() < 0)
                                return Fail(Errc::unprocessable, "negative quantity");
                              handled.Add(e.event_id);
                              return {};
                            }));
  ASSERT_TRUE(c);
  RunUntil(**c, [&] { return (*c)->stats().handled + (*c)->stats().dead_lettered == 6; });

  std::vector<std::string> healthy = before;
  healthy.insert(healthy.end(), after.begin(), after.end());
  EXPECT_EQ(handled.ids, healthy);
  EXPECT_EQ((*c)->stats().dead_lettered, 2u);

  auto dlq = ReadAll(topic.dlq());
  ASSERT_EQ(dlq.size(), 2u);
  EXPECT_EQ(dlq[0].value, "{\"event_id\": oops");
  EXPECT_EQ(dlq[0].key, "k0");
  EXPECT_EQ(dlq[0].Header("source"), "fuzz");  // original headers travel along
  ASSERT_TRUE(dlq[0].Header(kDlqReasonHeader));
  EXPECT_NE(dlq[0].Header(kDlqReasonHeader)->find("not JSON"), std::string_view::npos);
  EXPECT_EQ(dlq[0].Header(kDlqErrorCodeHeader), "invalid_argument");
  EXPECT_EQ(dlq[0].Header(kDlqTopicHeader), topic.name());
  EXPECT_EQ(dlq[0].Header(kDlqOffsetHeader), "2");
  EXPECT_EQ(dlq[1].Header(kDlqReasonHeader), "negative quantity");
  EXPECT_EQ(dlq[1].Header(kDlqErrorCodeHeader), "unprocessable");
  EXPECT_EQ(dlq[1].Header(kEventIdHeader), refused.event_id);
}

// ---- batches -------------------------------------------------------------------------------

namespace {

// What a batch handler saw: each call's (partition, offsets), thread-safely.
struct Batches {
  std::mutex mu;
  std::vector<std::vector<std::int64_t>> offsets;  // per call
  std::vector<std::int32_t> partitions;            // per call
  std::vector<std::string> applied;                // event ids, in the order applied
  void Add(std::span<const Message> batch, const std::vector<std::string>& ids) {
    std::lock_guard lock(mu);
    std::vector<std::int64_t> o;
    for (const auto& m : batch) {
      o.push_back(m.offset);
      EXPECT_EQ(m.partition, batch.front().partition) << "a batch mixes partitions";
    }
    offsets.push_back(std::move(o));
    partitions.push_back(batch.front().partition);
    applied.insert(applied.end(), ids.begin(), ids.end());
  }
  std::size_t applied_count() {
    std::lock_guard lock(mu);
    return applied.size();
  }
};

}  // namespace

TEST(BatchConsumer, HandsOverRecordsOfOnePartitionInOffsetOrderAndCommitsThem) {
  TempTopic topic("batch", 2);
  auto producer = MakeProducer();
  auto ids = ProduceNumbered(*producer, topic.name(), 0, 60);
  const auto group = store::testing::UniqueName("g");
  auto options = Options(topic, group);
  options.batch_max = 25;
  options.batch_wait = 100ms;

  Batches seen;
  auto handler = [&](std::span<const Message> batch) -> Status {
    TRY(records, DecodeBatch(batch));
    std::vector<std::string> got;
    for (const auto& r : records) got.push_back(r.event.event_id);
    seen.Add(batch, got);
    return {};
  };
  auto c = Consumer::CreateBatching(options, handler);
  ASSERT_TRUE(c);
  RunUntil(**c, [&] { return (*c)->stats().handled == 60; });
  EXPECT_EQ((*c)->stats().handled, 60u);
  EXPECT_LT((*c)->stats().batches, 60u);  // several records per call, not one
  std::size_t largest = 0;
  for (const auto& o : seen.offsets) {
    largest = std::max(largest, o.size());
    EXPECT_LE(o.size(), 25u);
    for (std::size_t i = 1; i < o.size(); ++i) EXPECT_EQ(o[i], o[i - 1] + 1) << "offsets in order, no gap";
  }
  EXPECT_GT(largest, 1u);
  std::set<std::string> unique(seen.applied.begin(), seen.applied.end());
  EXPECT_EQ(unique, std::set<std::string>(ids.begin(), ids.end()));
  c->reset();  // Stop() committed what was handled

  // A new member of the group starts after the committed offsets: nothing comes back.
  ProduceNumbered(*producer, topic.name(), 60, 62);
  Batches again;
  auto d = Consumer::CreateBatching(options, [&](std::span<const Message> batch) -> Status {
    again.Add(batch, std::vector<std::string>(batch.size(), "x"));
    return {};
  });
  ASSERT_TRUE(d);
  std::optional<std::chrono::steady_clock::time_point> enough_at;
  RunUntil(**d, [&] {
    if (again.applied_count() >= 2 && !enough_at) enough_at = std::chrono::steady_clock::now();
    return enough_at && std::chrono::steady_clock::now() > *enough_at + 1s;
  });
  EXPECT_EQ(again.applied_count(), 2u);
}

TEST(BatchConsumer, APoisonRecordIsDeadLetteredAloneWhileItsBatchNeighboursAreApplied) {
  TempTopic topic("batchpoison");
  auto producer = MakeProducer();
  auto before = ProduceNumbered(*producer, topic.name(), 0, 10);
  auto poison = NewEvent(topic.name(), boost::json::object{{"n", -1}});
  ASSERT_TRUE(producer->Produce(EventMessage(topic.name(), "k1", poison)));
  ASSERT_TRUE(producer->Produce(OutgoingMessage{topic.name(), "k0", "{\"event_id\": oops", {}}));
  auto after = ProduceNumbered(*producer, topic.name(), 10, 20);

  auto options = Options(topic, store::testing::UniqueName("g"));
  options.batch_max = 100;
  options.batch_wait = 300ms;  // the 22 records arrive as one batch
  Batches seen;
  int transient_left = 2;
  std::mutex mu;
  auto c = Consumer::CreateBatching(options, [&](std::span<const Message> batch) -> Status {
    {
      std::lock_guard lock(mu);
      if (transient_left > 0 && batch.size() > 1) {  // the database hiccups: the batch is retried whole
        --transient_left;
        return Fail(Errc::unavailable, "database is restarting");
      }
    }
    TRY(records, DecodeBatch(batch));
    std::vector<std::string> got;
    for (const auto& r : records) {
      if (r.event.data.at("n").as_int64() < 0) return Fail(Errc::unprocessable, "negative quantity");  // all or nothing
      got.push_back(r.event.event_id);
    }
    seen.Add(batch, got);
    return {};
  });
  ASSERT_TRUE(c);
  RunUntil(**c, [&] { return (*c)->stats().handled + (*c)->stats().dead_lettered == 22; });

  auto stats = (*c)->stats();
  EXPECT_EQ(stats.handled, 20u);
  EXPECT_EQ(stats.dead_lettered, 2u);
  EXPECT_GE(stats.fallbacks, 1u);
  EXPECT_EQ(stats.retried, 2u);
  std::vector<std::string> healthy = before;
  healthy.insert(healthy.end(), after.begin(), after.end());
  EXPECT_EQ(seen.applied, healthy);  // each once, in order
  auto dlq = ReadAll(topic.dlq());
  ASSERT_EQ(dlq.size(), 2u);
  EXPECT_EQ(dlq[0].Header(kEventIdHeader), poison.event_id);
  EXPECT_EQ(dlq[0].Header(kDlqReasonHeader), "negative quantity");
  EXPECT_EQ(dlq[0].Header(kDlqOffsetHeader), "10");
  EXPECT_EQ(dlq[1].value, "{\"event_id\": oops");
  EXPECT_EQ(dlq[1].Header(kDlqOffsetHeader), "11");
}

TEST(ConsumerRunner, RunsItsMembersPublishesTheirLagAndWaitsForPrepare) {
  TempTopic topic("runner", 2);
  auto producer = MakeProducer();
  ProduceNumbered(*producer, topic.name(), 0, 40);
  store::metrics::Registry registry;
  const auto group = store::testing::UniqueName("g");

  std::atomic<int> prepare_calls{0};
  std::atomic<std::size_t> applied{0};
  RunnerOptions options;
  options.consumer = Options(topic, group);
  options.instances = 2;
  options.prepare_retry = 50ms;
  options.prepare = [&]() -> Status {  // a dependency that is ready on the third look
    if (++prepare_calls < 3) return Fail(Errc::unavailable, "not yet");
    return {};
  };
  auto runner = ConsumerRunner::CreateBatching(options, [&](std::span<const Message> batch) -> Status {
    EXPECT_GE(prepare_calls.load(), 3);
    applied += batch.size();
    return {};
  }, &registry);
  ASSERT_TRUE(runner);
  const std::string gauge = "kafka_consumer_lag{group=\"" + group + "\"}";
  EXPECT_NE(registry.Render().find(gauge + " 0\n"), std::string::npos) << registry.Render();
  (*runner)->Start();
  auto deadline = std::chrono::steady_clock::now() + 30s;
  // stats() counts a batch once the handler returned (a moment after `applied` moved).
  while ((applied < 40 || (*runner)->stats().handled < 40) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(applied.load(), 40u);
  EXPECT_EQ(prepare_calls.load(), 3);  // once ready, not asked again (one member prepared for both)
  EXPECT_EQ((*runner)->stats().handled, 40u);
  (*runner)->Stop();
  (*runner)->Stop();  // idempotent
  runner->reset();
  EXPECT_NE(registry.Render().find(gauge + " 0\n"), std::string::npos);  // no dangling gauge
}
