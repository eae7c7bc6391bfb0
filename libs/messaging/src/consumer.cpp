#include "store/messaging/consumer.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <utility>

#include "rdkafka_conf.hpp"
#include "store/log/log.hpp"
#include "store/messaging/producer.hpp"

namespace store::messaging {
using core::Errc;
using core::Fail;
using core::Status;

namespace {

class Events final : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& e) override {
    if (e.type() == RdKafka::Event::EVENT_ERROR)
      log::Warn("kafka consumer error", {{"error", RdKafka::err2str(e.err())}, {"detail", e.str()}});
  }
};

using PartKey = std::pair<std::string, std::int32_t>;

}  // namespace

Handler EventHandler(std::function<Status(const Message&, const Event&)> handler) {
  return [handler = std::move(handler)](const Message& m) -> Status {
    TRY(event, DecodeEvent(m.value));
    return handler(m, event);
  };
}

core::Result<std::vector<EventRecord>> DecodeBatch(std::span<const Message> batch) {
  std::vector<EventRecord> out;
  out.reserve(batch.size());
  for (const auto& m : batch) {
    TRY(event, DecodeEvent(m.value));
    out.push_back(EventRecord{&m, std::move(event)});
  }
  return out;
}

struct Consumer::Impl : RdKafka::RebalanceCb, RdKafka::OffsetCommitCb {
  ConsumerOptions options;
  BatchHandler handler;
  Events events;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  std::unique_ptr<Producer> dlq;
  bool closed = false;

  // Consumer thread only (the rebalance callback runs inside consume() on that thread).
  std::map<PartKey, std::vector<Message>> buffered;  // fetched, not handed out yet
  std::vector<PartKey> buffer_order;                 // partitions in order of first arrival
  std::size_t buffered_count = 0;
  std::map<PartKey, std::int64_t> handled_next;      // next offset to commit, per partition

  std::atomic<bool> stopping{false};
  std::mutex mu;  // guards the stop wait and stats
  std::condition_variable wake;
  ConsumerStats stats;

  // Sleeps up to `d`; false if Stop() was called.
  bool Sleep(std::chrono::milliseconds d) {
    std::unique_lock lock(mu);
    return !wake.wait_for(lock, d, [&] { return stopping.load(); });
  }

  template <class F>
  void Count(F f) {
    std::lock_guard lock(mu);
    f(stats);
  }

  Status CallHandler(std::span<const Message> batch) {
    try {
      return handler(batch);
    } catch (const std::exception& e) {
      return Fail(Errc::internal, fmt::format("handler threw: {}", e.what()));
    } catch (...) {
      return Fail(Errc::internal, "handler threw a non-standard exception");
    }
  }

  Status DeadLetter(const Message& m, const core::Error& why) {
    OutgoingMessage out{m.topic + options.dlq_suffix, m.key.value_or(""), m.value, m.headers};
    out.headers.emplace_back(kDlqReasonHeader, why.message);
    out.headers.emplace_back(kDlqErrorCodeHeader, std::string(core::NameOf(why.code)));
    out.headers.emplace_back(kDlqTopicHeader, m.topic);
    out.headers.emplace_back(kDlqPartitionHeader, std::to_string(m.partition));
    out.headers.emplace_back(kDlqOffsetHeader, std::to_string(m.offset));
    out.headers.emplace_back(kDlqGroupHeader, options.group_id);
    return dlq->Produce(out);
  }

  // Runs the handler on `batch` (one partition, offset order) until it is handled — as a whole,
  // or one record at a time after a permanent failure, dead-lettering the records that fail on
  // their own — then marks the offsets for commit. False when Stop() interrupted a retry wait
  // (nothing after the last handled record is committed, so it comes back).
  bool Process(std::span<const Message> batch) {
    const Message& first = batch.front();
    log::Context ctx = first.LogContext();
    auto backoff = options.retry_initial;
    for (;;) {
      Status result = CallHandler(batch);
      bool dead_lettered = false;
      if (!result && !core::IsTransient(result.error().code)) {
        if (batch.size() > 1) {
          // Someone in the batch is poison (or the batch as a whole is refused): hand the records
          // over one at a time so only the bad one is dead-lettered.
          Count([](ConsumerStats& s) { ++s.fallbacks; });
          log::Warn("a batch failed permanently, handling its records one by one",
                    {{"topic", first.topic}, {"partition", first.partition}, {"first_offset", first.offset},
                     {"records", static_cast<std::int64_t>(batch.size())}, {"reason", result.error().message}},
                    &ctx);
          for (std::size_t i = 0; i < batch.size(); ++i)
            if (!Process(batch.subspan(i, 1))) return false;
          return true;
        }
        log::Warn("dead-lettering a record", {{"topic", first.topic}, {"partition", first.partition},
                                              {"offset", first.offset}, {"reason", result.error().message}},
                  &ctx);
        // A failed DLQ send is itself transient: retry the whole record rather than skip it.
        result = DeadLetter(first, result.error());
        dead_lettered = result.has_value();
      }
      if (result) {
        MarkHandled(batch.back());
        Count([&](ConsumerStats& s) {
          if (dead_lettered) {
            ++s.dead_lettered;
          } else {
            s.handled += batch.size();
            ++s.batches;
          }
        });
        return true;
      }
      Count([](ConsumerStats& s) { ++s.retried; });
      log::Warn("retrying after a transient failure",
                {{"topic", first.topic}, {"partition", first.partition}, {"first_offset", first.offset},
                 {"records", static_cast<std::int64_t>(batch.size())}, {"error", result.error().message},
                 {"backoff_ms", backoff.count()}},
                &ctx);
      if (!Sleep(backoff)) return false;
      backoff = std::min(backoff * 2, options.retry_max);
    }
  }

  // Asynchronous: the next batch does not wait for the broker. A lost commit (crash, revoke
  // race) only means a redelivery, which the inbox absorbs; revoke and close commit
  // synchronously what was handled.
  void MarkHandled(const Message& last) {
    handled_next[{last.topic, last.partition}] = last.offset + 1;
    std::vector<RdKafka::TopicPartition*> parts{RdKafka::TopicPartition::create(last.topic, last.partition, last.offset + 1)};
    auto rc = consumer->commitAsync(parts);
    RdKafka::TopicPartition::destroy(parts);
    if (rc != RdKafka::ERR_NO_ERROR) CommitFailed(rc, "async");
  }

  // Synchronously commits what was handled on `which` (all partitions when null) and forgets it.
  void CommitHandled(const std::vector<RdKafka::TopicPartition*>* which) {
    std::vector<RdKafka::TopicPartition*> parts;
    for (auto it = handled_next.begin(); it != handled_next.end();) {
      bool wanted = !which;
      if (which)
        for (const auto* tp : *which) wanted = wanted || (tp->topic() == it->first.first && tp->partition() == it->first.second);
      if (!wanted) {
        ++it;
        continue;
      }
      parts.push_back(RdKafka::TopicPartition::create(it->first.first, it->first.second, it->second));
      it = handled_next.erase(it);
    }
    if (parts.empty()) return;
    auto rc = consumer->commitSync(parts);
    RdKafka::TopicPartition::destroy(parts);
    if (rc != RdKafka::ERR_NO_ERROR) CommitFailed(rc, "sync");
  }

  void CommitFailed(RdKafka::ErrorCode rc, std::string_view how) {
    // The partition moved to another member or the broker is away: the records will be
    // redelivered, which the inbox absorbs. Nothing is skipped.
    Count([](ConsumerStats& s) { ++s.commit_failures; });
    log::Warn("offset commit failed", {{"mode", how}, {"error", RdKafka::err2str(rc)}});
  }

  void offset_commit_cb(RdKafka::ErrorCode err, std::vector<RdKafka::TopicPartition*>&) override {
    if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__NO_OFFSET) CommitFailed(err, "async");
  }

  void rebalance_cb(RdKafka::KafkaConsumer* c, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = c->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        if (auto* e = c->incremental_assign(partitions)) {
          log::Warn("kafka incremental assign", {{"error", e->str()}});
          delete e;
        }
      } else {
        c->assign(partitions);
      }
      return;
    }
    // Revoked (or lost): what was handled is committed now, while this member still owns the
    // partitions; what was fetched but not handed out belongs to the next owner.
    // (A lost assignment — session timed out — cannot commit any more.)
    if (err == RdKafka::ERR__REVOKE_PARTITIONS && !c->assignment_lost()) CommitHandled(&partitions);
    for (const auto* tp : partitions) {
      PartKey key{tp->topic(), tp->partition()};
      handled_next.erase(key);
      if (auto it = buffered.find(key); it != buffered.end()) {
        buffered_count -= it->second.size();
        buffered.erase(it);
        std::erase(buffer_order, key);
      }
    }
    if (cooperative) {
      if (auto* e = c->incremental_unassign(partitions)) {
        log::Warn("kafka incremental unassign", {{"error", e->str()}});
        delete e;
      }
    } else {
      c->unassign();
    }
  }

  // Adds a fetched record; true when its partition has a full batch.
  bool Buffer(RdKafka::Message& raw) {
    PartKey key{raw.topic_name(), raw.partition()};
    auto& list = buffered[key];
    if (list.empty()) buffer_order.push_back(key);
    list.push_back(detail::ToMessage(raw));
    ++buffered_count;
    return list.size() >= options.batch_max;
  }

  // Hands every buffered partition to the handler, batch_max records at a time. False if Stop()
  // interrupted (the rest stays uncommitted and comes back).
  bool Dispatch() {
    auto order = std::move(buffer_order);
    auto batches = std::move(buffered);
    buffer_order.clear();
    buffered.clear();
    buffered_count = 0;
    for (const auto& key : order) {
      std::span<const Message> all = batches[key];
      for (std::size_t at = 0; at < all.size(); at += options.batch_max)
        if (!Process(all.subspan(at, std::min(options.batch_max, all.size() - at)))) return false;
    }
    return true;
  }

  void Close() {
    if (closed) return;
    closed = true;
    CommitHandled(nullptr);
    consumer->close();
  }
};

core::Result<std::unique_ptr<Consumer::Impl>> Consumer::MakeImpl(ConsumerOptions options, BatchHandler handler) {
  if (options.group_id.empty()) return Fail(Errc::invalid_argument, "consumer: group_id is required");
  if (options.topics.empty()) return Fail(Errc::invalid_argument, "consumer: at least one topic is required");
  if (options.batch_max == 0) return Fail(Errc::invalid_argument, "consumer: batch_max must be at least 1");
  auto impl = std::make_unique<Consumer::Impl>();
  std::map<std::string, std::string> props = {
      {"group.id", options.group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", options.start_from_earliest ? "earliest" : "latest"},
      {"session.timeout.ms", std::to_string(options.kafka.session_timeout.count())},
      {"enable.partition.eof", "false"},
  };
  if (!options.instance_id.empty()) props["group.instance.id"] = options.instance_id;
  TRY(conf, detail::MakeConf(options.kafka, props));
  std::string err;
  conf->set("event_cb", &impl->events, err);
  conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(impl.get()), err);
  conf->set("offset_commit_cb", static_cast<RdKafka::OffsetCommitCb*>(impl.get()), err);
  impl->consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!impl->consumer) return Fail(Errc::invalid_argument, "kafka consumer: " + err);
  TRY(dlq, Producer::Create(options.kafka));
  impl->dlq = std::move(dlq);
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  return impl;
}

core::Result<std::unique_ptr<Consumer>> Consumer::Create(ConsumerOptions options, Handler handler) {
  options.batch_max = 1;
  TRY(impl, MakeImpl(std::move(options), [handler = std::move(handler)](std::span<const Message> batch) {
        return handler(batch.front());
      }));
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

core::Result<std::unique_ptr<Consumer>> Consumer::CreateBatching(ConsumerOptions options, BatchHandler handler) {
  TRY(impl, MakeImpl(std::move(options), std::move(handler)));
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Consumer::~Consumer() { impl_->Close(); }

Status Consumer::Run() {
  auto& s = *impl_;
  auto rc = s.consumer->subscribe(s.options.topics);
  if (rc != RdKafka::ERR_NO_ERROR)
    return Fail(detail::ErrcOf(rc), fmt::format("kafka subscribe: {}", RdKafka::err2str(rc)));
  using Clock = std::chrono::steady_clock;
  Clock::time_point batch_deadline{};
  while (!s.stopping) {
    // Poll long while nothing is buffered; once a batch started, only until its deadline.
    int wait_ms = static_cast<int>(s.options.poll_timeout.count());
    if (s.buffered_count > 0)
      wait_ms = static_cast<int>(std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(batch_deadline - Clock::now()).count()));
    std::unique_ptr<RdKafka::Message> raw(s.consumer->consume(wait_ms));
    bool full = false, drained = false;  // drained: nothing more fetched (locally) right now
    switch (raw->err()) {
      case RdKafka::ERR_NO_ERROR:
        if (s.buffered_count == 0) batch_deadline = Clock::now() + s.options.batch_wait;
        full = s.Buffer(*raw);
        break;
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        drained = true;
        break;
      case RdKafka::ERR__FATAL:
        s.Close();
        return Fail(Errc::internal, "kafka consumer fatal error: " + raw->errstr());
      default:
        // Broker away, topic not there yet, poll interval exceeded...: librdkafka recovers.
        log::Warn("kafka consume", {{"error", raw->errstr()}});
        break;
    }
    // Past the deadline the batch still takes what was fetched already (consume(0) returns it at
    // once), so a batch_wait of 0 costs no latency and batches still grow under load.
    if (s.buffered_count > 0 && (full || (drained && Clock::now() >= batch_deadline)) && !s.stopping)
      if (!s.Dispatch()) break;
  }
  s.Close();
  return {};
}
void Consumer::Stop() {
  std::lock_guard lock(impl_->mu);
  impl_->stopping = true;
  impl_->wake.notify_all();
}

ConsumerStats Consumer::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

std::int64_t Consumer::Lag() const {
  std::vector<RdKafka::TopicPartition*> partitions;
  if (impl_->consumer->assignment(partitions) != RdKafka::ERR_NO_ERROR) return 0;
  std::int64_t lag = 0;
  if (!partitions.empty() && impl_->consumer->position(partitions) == RdKafka::ERR_NO_ERROR) {
    for (auto* tp : partitions) {
      std::int64_t low = 0, high = 0;
      if (tp->offset() < 0 ||
          impl_->consumer->get_watermark_offsets(tp->topic(), tp->partition(), &low, &high) != RdKafka::ERR_NO_ERROR)
        continue;
      lag += std::max<std::int64_t>(0, high - tp->offset());
    }
  }
  RdKafka::TopicPartition::destroy(partitions);
  return lag;
}

}  // namespace store::messaging
