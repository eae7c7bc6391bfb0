// EventPublisher on Kafka: libs/messaging's idempotent producer (acks=all, order kept per
// partition across retries). Publish sends a cart's events pipelined and returns once every one
// was acknowledged. As libs/messaging's outbox relay: sends never time out (a broker outage
// makes the relay wait; Cancel() fails what is in flight so the relay can stop) and the gapless
// guarantee stops the producer at any failure that could reorder a cart's events; the next
// Publish starts a new producer and sends them again, in order.
#pragma once

#include <memory>
#include <mutex>

#include "app/ports.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/messaging/producer.hpp"

namespace store::cart {

class KafkaEvents final : public EventPublisher {
 public:
  explicit KafkaEvents(messaging::KafkaConfig kafka);
  core::Status Publish(const std::vector<PendingEvent>& events) override;
  // Fails the sends in flight and every later one (for stopping).
  void Cancel();

 private:
  messaging::KafkaConfig kafka_;
  std::mutex mu_;
  bool cancelled_ = false;
  std::shared_ptr<messaging::Producer> producer_;
};

}  // namespace store::cart
