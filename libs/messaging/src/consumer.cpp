#include "store/messaging/consumer.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>

#include "rdkafka_conf.hpp"
#include "store/log/log.hpp"
#include "store/messaging/producer.hpp"

namespace store::messaging {
using core::Errc;
using core::Fail;
using core::Status;

namespace {

Message Convert(RdKafka::Message& raw) {  // headers() is not const in librdkafka
  Message m;
  m.topic = raw.topic_name();
  m.partition = raw.partition();
  m.offset = raw.offset();
  if (raw.key()) m.key = *raw.key();
  m.value.assign(static_cast<const char*>(raw.payload()), raw.len());
  if (auto* headers = raw.headers()) {
    for (const auto& h : headers->get_all())
      m.headers.emplace_back(h.key(), h.value() ? std::string(static_cast<const char*>(h.value()), h.value_size())
                                                : std::string());
  }
  return m;
}

class Events final : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& e) override {
    if (e.type() == RdKafka::Event::EVENT_ERROR)
      log::Warn("kafka consumer error", {{"error", RdKafka::err2str(e.err())}, {"detail", e.str()}});
  }
};

}  // namespace

Handler EventHandler(std::function<Status(const Message&, const Event&)> handler) {
  return [handler = std::move(handler)](const Message& m) -> Status {
    TRY(event, DecodeEvent(m.value));
    return handler(m, event);
  };
}

struct Consumer::Impl {
  ConsumerOptions options;
  Handler handler;
  Events events;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  std::unique_ptr<Producer> dlq;
  bool closed = false;

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

  Status CallHandler(const Message& m) {
    try {
      return handler(m);
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

  // Runs the handler for one record until it is handled or dead-lettered (then commits), or
  // until Stop() (then returns without committing, so the record comes back).
  void Process(RdKafka::Message& raw) {
    Message m = Convert(raw);
    log::Context ctx = m.LogContext();
    auto backoff = options.retry_initial;
    for (;;) {
      Status result = CallHandler(m);
      bool dead_lettered = false;
      if (!result && !core::IsTransient(result.error().code)) {
        log::Warn("dead-lettering a record", {{"topic", m.topic}, {"partition", m.partition},
                                              {"offset", m.offset}, {"reason", result.error().message}},
                  &ctx);
        // A failed DLQ send is itself transient: retry the whole record rather than skip it.
        result = DeadLetter(m, result.error());
        dead_lettered = result.has_value();
      }
      if (result) {
        Commit(raw);
        Count([&](ConsumerStats& s) { ++(dead_lettered ? s.dead_lettered : s.handled); });
        return;
      }
      Count([](ConsumerStats& s) { ++s.retried; });
      log::Warn("retrying a record after a transient failure",
                {{"topic", m.topic}, {"partition", m.partition}, {"offset", m.offset},
                 {"error", result.error().message}, {"backoff_ms", backoff.count()}},
                &ctx);
      if (!Sleep(backoff)) return;
      backoff = std::min(backoff * 2, options.retry_max);
    }
  }

  void Commit(RdKafka::Message& raw) {
    // Synchronous: once the next record is handled, this one's offset is on the broker.
    auto rc = consumer->commitSync(&raw);
    if (rc != RdKafka::ERR_NO_ERROR) {
      // The partition moved to another member (rebalance) or the broker is away: the record
      // will be redelivered, which the inbox absorbs. Nothing is skipped.
      Count([](ConsumerStats& s) { ++s.commit_failures; });
      log::Warn("offset commit failed", {{"topic", raw.topic_name()}, {"partition", raw.partition()},
                                         {"offset", raw.offset()}, {"error", RdKafka::err2str(rc)}});
    }
  }

  void Close() {
    if (closed) return;
    closed = true;
    consumer->close();
  }
};

core::Result<std::unique_ptr<Consumer>> Consumer::Create(ConsumerOptions options, Handler handler) {
  if (options.group_id.empty()) return Fail(Errc::invalid_argument, "consumer: group_id is required");
  if (options.topics.empty()) return Fail(Errc::invalid_argument, "consumer: at least one topic is required");
  auto impl = std::make_unique<Impl>();
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
  impl->consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!impl->consumer) return Fail(Errc::invalid_argument, "kafka consumer: " + err);
  TRY(dlq, Producer::Create(options.kafka));
  impl->dlq = std::move(dlq);
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Consumer::~Consumer() { impl_->Close(); }

Status Consumer::Run() {
  auto& s = *impl_;
  auto rc = s.consumer->subscribe(s.options.topics);
  if (rc != RdKafka::ERR_NO_ERROR)
    return Fail(detail::ErrcOf(rc), fmt::format("kafka subscribe: {}", RdKafka::err2str(rc)));
  const int poll_ms = static_cast<int>(s.options.poll_timeout.count());
  while (!s.stopping) {
    std::unique_ptr<RdKafka::Message> raw(s.consumer->consume(poll_ms));
    switch (raw->err()) {
      case RdKafka::ERR_NO_ERROR:
        s.Process(*raw);
        break;
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        break;
      case RdKafka::ERR__FATAL:
        s.Close();
        return Fail(Errc::internal, "kafka consumer fatal error: " + raw->errstr());
      default:
        // Broker away, topic not there yet, poll interval exceeded...: librdkafka recovers.
        log::Warn("kafka consume", {{"error", raw->errstr()}});
        break;
    }
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
