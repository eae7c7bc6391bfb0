#include "store/messaging/producer.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "rdkafka_conf.hpp"
#include "store/log/log.hpp"

namespace store::messaging {
using core::Errc;
using core::Fail;
using core::Status;

namespace {

// The records of one Produce/ProduceAll call; delivery reports fill `results`.
struct Batch {
  std::mutex mu;
  std::condition_variable cv;
  std::size_t remaining = 0;
  std::vector<Status> results;

  void Complete(std::size_t index, Status status) {
    std::lock_guard lock(mu);
    results[index] = std::move(status);
    if (--remaining == 0) cv.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return remaining == 0; });
  }
};

struct Ticket {
  Batch* batch;
  std::size_t index;
};

class DeliveryReports final : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& m) override {
    auto* ticket = static_cast<Ticket*>(m.msg_opaque());
    if (!ticket) return;
    Status status;
    if (m.err() != RdKafka::ERR_NO_ERROR)
      status = Fail(detail::ErrcOf(m.err()),
                    fmt::format("kafka delivery to {} failed: {}", m.topic_name(), m.errstr()));
    ticket->batch->Complete(ticket->index, std::move(status));
  }
};

class Events final : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& e) override {
    if (e.type() == RdKafka::Event::EVENT_ERROR) {
      log::Warn("kafka producer error", {{"error", RdKafka::err2str(e.err())},
                                         {"detail", e.str()}, {"fatal", e.fatal()}});
    } else if (e.type() == RdKafka::Event::EVENT_LOG && e.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING &&
               e.fac() != "CONFWARN") {  // warnings about our own fixed settings (experimental flags)
      log::Warn("kafka producer log", {{"facility", e.fac()}, {"detail", e.str()}});
    }
  }
};

}  // namespace

struct Producer::Impl {
  KafkaConfig config;
  DeliveryReports reports;
  Events events;
  std::unique_ptr<RdKafka::Producer> producer;
  std::atomic<bool> stopping{false};
  std::thread poller;
  std::mutex enqueue_mu;  // orders Purge() against enqueueing: no record slips in after a purge
  bool purged = false;

  ~Impl() {
    // Sends wait for their acknowledgements, so normally nothing is left; bound the wait anyway.
    auto limit = config.delivery_timeout.count() > 0 ? config.delivery_timeout : std::chrono::milliseconds(30000);
    if (producer) producer->flush(static_cast<int>(limit.count()));
    stopping = true;
    if (poller.joinable()) poller.join();
  }
};

core::Result<std::unique_ptr<Producer>> Producer::Create(const KafkaConfig& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  TRY(conf, detail::MakeConf(config, {
                                         {"enable.idempotence", "true"},
                                         {"acks", "all"},
                                         {"message.timeout.ms", std::to_string(config.delivery_timeout.count())},
                                         {"partitioner", "murmur2_random"},
                                         // A few ms of batching buys throughput for relays and costs
                                         // little latency.
                                         {"linger.ms", "5"},
                                     }));
  std::string err;
  conf->set("dr_cb", &impl->reports, err);
  conf->set("event_cb", &impl->events, err);
  impl->producer.reset(RdKafka::Producer::create(conf.get(), err));
  if (!impl->producer) return Fail(Errc::invalid_argument, "kafka producer: " + err);
  // Delivery reports are served here, so callers only ever wait on their own batch.
  impl->poller = std::thread([p = impl.get()] {
    while (!p->stopping) p->producer->poll(100);
  });
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Status Producer::LoadMetadata(const std::vector<std::string>& topics, std::chrono::milliseconds timeout) {
  for (const auto& name : topics) {
    std::string err;
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(impl_->producer.get(), name, nullptr, err));
    if (!topic) return Fail(Errc::invalid_argument, fmt::format("kafka topic {}: {}", name, err));
    RdKafka::Metadata* md = nullptr;
    auto rc = impl_->producer->metadata(false, topic.get(), &md, static_cast<int>(timeout.count()));
    std::unique_ptr<RdKafka::Metadata> owned(md);
    if (rc != RdKafka::ERR_NO_ERROR)
      return Fail(detail::ErrcOf(rc), fmt::format("kafka metadata of {}: {}", name, RdKafka::err2str(rc)));
  }
  return {};
}
Producer::~Producer() = default;

Status Producer::Produce(const OutgoingMessage& message) {
  return ProduceAll(std::span<const OutgoingMessage>(&message, 1)).front();
}

std::vector<Status> Producer::ProduceAll(std::span<const OutgoingMessage> messages) {
  Batch batch;
  batch.remaining = messages.size();
  batch.results.resize(messages.size());
  std::vector<Ticket> tickets(messages.size());
  const bool unlimited = impl_->config.delivery_timeout.count() == 0;
  auto give_up_at = std::chrono::steady_clock::now() + impl_->config.delivery_timeout;

  std::unique_lock enqueue(impl_->enqueue_mu);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    tickets[i] = Ticket{&batch, i};
    if (impl_->purged) {
      batch.Complete(i, Fail(Errc::unavailable, "kafka producer is stopping"));
      continue;
    }
    for (;;) {
      RdKafka::Headers* headers = RdKafka::Headers::create();
      for (auto& [name, value] : m.headers) headers->add(name, value);
      auto rc = impl_->producer->produce(
          m.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
          const_cast<char*>(m.value.data()), m.value.size(), m.key.empty() ? nullptr : m.key.data(),
          m.key.size(), 0, headers, &tickets[i]);
      if (rc == RdKafka::ERR_NO_ERROR) break;  // librdkafka owns the headers now
      delete headers;
      // A full local queue drains as the broker acknowledges; wait rather than fail, up to the
      // delivery timeout (the broker may be down).
      if (rc == RdKafka::ERR__QUEUE_FULL && (unlimited || std::chrono::steady_clock::now() < give_up_at)) {
        enqueue.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        enqueue.lock();
        if (!impl_->purged) continue;
        rc = RdKafka::ERR__PURGE_QUEUE;
      }
      batch.Complete(i, Fail(detail::ErrcOf(rc), fmt::format("kafka produce to {} failed: {}", m.topic,
                                                             RdKafka::err2str(rc))));
      break;
    }
  }
  enqueue.unlock();
  // librdkafka reports every enqueued record (within message.timeout.ms, or when purged), so
  // this wait ends; returning earlier would leave it writing into a dead Batch.
  batch.Wait();
  return std::move(batch.results);
}

boost::asio::awaitable<Status> Producer::ProduceAsync(core::BlockingPool& pool, OutgoingMessage message) {
  co_return co_await pool.Run([&] { return Produce(message); });
}

Status Producer::Flush(std::chrono::milliseconds timeout) {
  auto rc = impl_->producer->flush(static_cast<int>(timeout.count()));
  if (rc != RdKafka::ERR_NO_ERROR)
    return Fail(Errc::timeout, fmt::format("kafka flush: {} records still in flight", impl_->producer->outq_len()));
  return {};
}

void Producer::Purge() {
  std::lock_guard lock(impl_->enqueue_mu);
  impl_->purged = true;
  impl_->producer->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
}

bool Producer::Fatal() const {
  std::string err;
  return impl_->producer->fatal_error(err) != RdKafka::ERR_NO_ERROR;
}

}  // namespace store::messaging
