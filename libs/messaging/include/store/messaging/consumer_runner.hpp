// ConsumerRunner: the one way a service runs a Kafka consumer. It owns `instances` members of one
// consumer group in this process (one thread each; the group splits the partitions between
// them), starts and stops them (Stop joins), and publishes their summed lag as the gauge
// kafka_consumer_lag{group="<group_id>"} in a metrics::Registry (reset to 0 when the runner goes
// away, so a gauge never reads a dead object).
//
//   auto runner = ConsumerRunner::CreateBatching(
//       {.consumer = options, .instances = 3},
//       InboxBatchHandler(db, "catalog.stock", effect), &registry);   // Result<unique_ptr<...>>
//   (*runner)->Start();
//   ...
//   (*runner)->Stop();   // after the batches in hand; also done by the destructor
//
// `prepare` (optional) runs before any member consumes, retried every `prepare_retry` until it
// succeeds or Stop() is called: a dependency that must exist first (the search alias).
// A member whose Run() fails (fatal Kafka error) is logged and its thread ends.
// Thread-safety: Start/Stop from one thread; Lag/stats from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/core/result.hpp"
#include "store/messaging/consumer.hpp"

namespace store::metrics {
class Registry;
}

namespace store::messaging {

struct RunnerOptions {
  ConsumerOptions consumer;
  int instances = 1;
  std::function<core::Status()> prepare;
  std::chrono::milliseconds prepare_retry{1000};
};

class ConsumerRunner {
 public:
  // One record per handler call (Consumer::Create).
  static core::Result<std::unique_ptr<ConsumerRunner>> Create(RunnerOptions options, Handler handler,
                                                              metrics::Registry* registry);
  // Batches of one partition (Consumer::CreateBatching). The handler is shared by the members:
  // it is called from several threads at once when instances > 1.
  static core::Result<std::unique_ptr<ConsumerRunner>> CreateBatching(RunnerOptions options, BatchHandler handler,
                                                                      metrics::Registry* registry);
  ~ConsumerRunner();
  ConsumerRunner(const ConsumerRunner&) = delete;
  ConsumerRunner& operator=(const ConsumerRunner&) = delete;

  void Start();
  // Stops every member after its batch in hand and joins the threads. Idempotent.
  void Stop();
  std::int64_t Lag() const;       // summed over the members
  ConsumerStats stats() const;    // summed over the members
  const std::string& group() const { return options_.consumer.group_id; }

 private:
  ConsumerRunner(RunnerOptions options, metrics::Registry* registry) : options_(std::move(options)), registry_(registry) {}
  void RegisterGauge();
  bool WaitPrepared();

  RunnerOptions options_;
  metrics::Registry* registry_;
  std::vector<std::unique_ptr<Consumer>> consumers_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool preparing_ = false;
  bool prepared_ = false;
};

}  // namespace store::messaging
