// Notifier: the Kafka consumer's handler. For each event: find its mapping, render its messages,
// record them in the delivery log (one transaction; the unique key (event_id, template,
// channel) makes a redelivered event a no-op), then hand the new rows to the Dispatcher. The
// Consumer commits the offset after this returns, so the delivery log row — not the Kafka
// offset — is what guarantees one message per (event, template, channel).
//
// Errors: an unknown event type, bad data (no or invalid recipient) -> invalid_argument, so the
// Consumer dead-letters the record (and a failed row records why, when a mapping exists);
// a database outage -> unavailable, so the Consumer retries the record in place.
// Thread-safety: Handle is called from the consumer thread only.
#pragma once

#include <chrono>

#include "app/dispatcher.hpp"
#include "domain/catalog.hpp"
#include "store/db/db.hpp"
#include "store/messaging/consumer.hpp"

namespace store::notification {

class Notifier {
 public:
  Notifier(const Catalog& catalog, db::Database& db, Dispatcher& dispatcher, bool sms_enabled,
           std::chrono::milliseconds lease)
      : catalog_(catalog), db_(db), dispatcher_(dispatcher), sms_enabled_(sms_enabled), lease_(lease) {}

  core::Status Handle(const messaging::Message& message, const messaging::Event& event);

 private:
  const Catalog& catalog_;
  db::Database& db_;
  Dispatcher& dispatcher_;
  bool sms_enabled_;
  std::chrono::milliseconds lease_;
};

}  // namespace store::notification
