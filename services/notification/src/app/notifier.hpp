// Notifier: the Kafka consumer's batch handler. For a batch of events (one partition): find each
// one's mapping, render its messages, record them ALL in the delivery log in ONE transaction
// (the unique key (event_id, template, channel) makes a redelivered event a no-op), and only
// after that commit hand the new rows to the Dispatcher, so every row is written before its
// message is sent. The Consumer commits the offsets after this returns, so the delivery log
// row — not the Kafka offset — is what guarantees one message per (event, template, channel).
//
// Errors: an unknown event type, bad data (no or invalid recipient) -> invalid_argument. In a
// batch of several that fails the batch before anything is written, and the Consumer hands the
// records over one at a time; alone, the record is dead-lettered (and a failed row records why,
// when a mapping exists). A database outage -> unavailable: the Consumer retries in place.
// Thread-safety: HandleBatch/Handle may run on several consumer threads at once (stateless;
// the DeliveryLog and the Dispatcher are thread-safe).
#pragma once

#include <chrono>
#include <span>

#include "app/dispatcher.hpp"
#include "domain/catalog.hpp"
#include "app/ports.hpp"
#include "store/messaging/consumer.hpp"
#include "store/metrics/metrics.hpp"

namespace store::notification {

class Notifier {
 public:
  // recorded (optional): counts the delivery rows recorded (notification_recorded_total).
  Notifier(const Catalog& catalog, DeliveryLog& log, Dispatcher& dispatcher, bool sms_enabled,
           std::chrono::milliseconds lease, metrics::Counter* recorded = nullptr)
      : catalog_(catalog), log_(log), dispatcher_(dispatcher), sms_enabled_(sms_enabled), lease_(lease), recorded_(recorded) {}

  core::Status HandleBatch(std::span<const messaging::Message> batch);
  core::Status Handle(const messaging::Message& message, const messaging::Event& event);

 private:
  const Catalog& catalog_;
  DeliveryLog& log_;
  Dispatcher& dispatcher_;
  bool sms_enabled_;
  std::chrono::milliseconds lease_;
  metrics::Counter* recorded_;
};

}  // namespace store::notification
