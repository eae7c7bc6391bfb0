#include "adapters/kafka_events.hpp"

namespace store::cart {

KafkaEvents::KafkaEvents(messaging::KafkaConfig kafka) : kafka_(std::move(kafka)) {
  kafka_.delivery_timeout = std::chrono::milliseconds(0);
  kafka_.extra.emplace("enable.gapless.guarantee", "true");
}

core::Status KafkaEvents::Publish(const std::vector<PendingEvent>& events) {
  std::shared_ptr<messaging::Producer> producer;
  {
    std::lock_guard lock(mu_);
    if (cancelled_) return core::Fail(core::Errc::unavailable, "the event publisher was stopped");
    if (!producer_ || producer_->Fatal()) {
      TRY(created, messaging::Producer::Create(kafka_));
      producer_ = std::move(created);
    }
    producer = producer_;
  }
  std::vector<messaging::OutgoingMessage> records;
  records.reserve(events.size());
  for (const auto& e : events)
    records.push_back(messaging::OutgoingMessage{e.topic, e.key, e.value, {{std::string(messaging::kEventIdHeader), e.event_id}}});
  for (auto& status : producer->ProduceAll(records))
    if (!status) return status;
  return {};
}

void KafkaEvents::Cancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (producer_) producer_->Purge();
}

}  // namespace store::cart
