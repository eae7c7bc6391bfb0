#include "store/messaging/consumer_runner.hpp"

#include "store/log/log.hpp"
#include "store/metrics/metrics.hpp"

namespace store::messaging {

namespace {
constexpr const char* kLagGauge = "kafka_consumer_lag";
constexpr const char* kLagHelp = "Records waiting in the assigned partitions";
}  // namespace

core::Result<std::unique_ptr<ConsumerRunner>> ConsumerRunner::Create(RunnerOptions options, Handler handler,
                                                                     metrics::Registry* registry) {
  if (options.instances < 1) return core::Fail(core::Errc::invalid_argument, "consumer runner: instances must be >= 1");
  std::unique_ptr<ConsumerRunner> runner(new ConsumerRunner(std::move(options), registry));
  for (int i = 0; i < runner->options_.instances; ++i) {
    TRY(consumer, Consumer::Create(runner->options_.consumer, handler));
    runner->consumers_.push_back(std::move(consumer));
  }
  runner->RegisterGauge();
  return runner;
}

core::Result<std::unique_ptr<ConsumerRunner>> ConsumerRunner::CreateBatching(RunnerOptions options,
                                                                             BatchHandler handler,
                                                                             metrics::Registry* registry) {
  if (options.instances < 1) return core::Fail(core::Errc::invalid_argument, "consumer runner: instances must be >= 1");
  std::unique_ptr<ConsumerRunner> runner(new ConsumerRunner(std::move(options), registry));
  for (int i = 0; i < runner->options_.instances; ++i) {
    TRY(consumer, Consumer::CreateBatching(runner->options_.consumer, handler));
    runner->consumers_.push_back(std::move(consumer));
  }
  runner->RegisterGauge();
  return runner;
}

void ConsumerRunner::RegisterGauge() {
  if (registry_)
    registry_->SetGauge(kLagGauge, kLagHelp, {{"group", group()}}, [this] { return static_cast<double>(Lag()); });
}

ConsumerRunner::~ConsumerRunner() {
  Stop();
  if (registry_) registry_->SetGauge(kLagGauge, kLagHelp, {{"group", group()}}, [] { return 0.0; });
}

bool ConsumerRunner::WaitPrepared() {
  if (!options_.prepare) return true;
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return false;
    if (prepared_) return true;
    if (!preparing_) break;
    cv_.wait(lock);
  }
  preparing_ = true;  // this thread prepares; the others wait for it
  for (;;) {
    lock.unlock();
    auto ready = options_.prepare();
    lock.lock();
    if (ready) {
      prepared_ = true;
      cv_.notify_all();
      return true;
    }
    log::Warn("consumer: not ready to consume yet, retrying", {{"group", group()}, {"error", ready.error().message}});
    if (cv_.wait_for(lock, options_.prepare_retry, [&] { return stopping_; })) return false;
  }
}

void ConsumerRunner::Start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  for (auto& consumer : consumers_) {
    threads_.emplace_back([this, c = consumer.get()] {
      if (!WaitPrepared()) return;
      if (auto st = c->Run(); !st)
        log::Error("consumer stopped", {{"group", group()}, {"error", st.error().message}});
    });
  }
}

void ConsumerRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& c : consumers_) c->Stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

std::int64_t ConsumerRunner::Lag() const {
  std::int64_t lag = 0;
  for (const auto& c : consumers_) lag += c->Lag();
  return lag;
}

ConsumerStats ConsumerRunner::stats() const {
  ConsumerStats total;
  for (const auto& c : consumers_) {
    auto s = c->stats();
    total.handled += s.handled;
    total.batches += s.batches;
    total.fallbacks += s.fallbacks;
    total.retried += s.retried;
    total.dead_lettered += s.dead_lettered;
    total.commit_failures += s.commit_failures;
  }
  return total;
}

}  // namespace store::messaging
