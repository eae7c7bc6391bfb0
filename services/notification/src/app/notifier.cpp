#include "app/notifier.hpp"

#include "store/log/log.hpp"

namespace store::notification {

core::Status Notifier::HandleBatch(std::span<const messaging::Message> batch) {
  TRY(records, messaging::DecodeBatch(batch));
  if (records.size() == 1) return Handle(*records[0].message, records[0].event);
  // Render everything first: a bad event fails the batch before anything is written.
  std::vector<Recording> items;
  items.reserve(records.size());
  for (const auto& r : records) {
    const Mapping* mapping = catalog_.Find(r.event.type);
    if (!mapping) return core::Fail(core::Errc::invalid_argument, "no mapping for event type '" + r.event.type + "'");
    auto built = catalog_.Build(*mapping, r.event.data);
    if (!built) return core::Fail(core::Errc::invalid_argument, "event " + r.event.event_id + ": " + built.error().message);
    Recording item{Source{r.message->topic, r.message->key, r.message->value, r.event.event_id, r.event.type}, {}};
    for (auto& n : *built)
      if (n.channel != kSms || sms_enabled_) item.notifications.push_back(std::move(n));
    items.push_back(std::move(item));
  }
  TRY(rows, log_.Record(items, lease_));
  std::size_t wanted = 0;
  for (const auto& item : items) wanted += item.notifications.size();
  if (rows.size() < wanted)
    log::Info("batch held already handled events (redelivery)",
              {{"events", static_cast<std::int64_t>(items.size())}, {"new_rows", static_cast<std::int64_t>(rows.size())}});
  if (recorded_) recorded_->Inc(rows.size());
  dispatcher_.Enqueue(std::move(rows));
  return {};
}

core::Status Notifier::Handle(const messaging::Message& message, const messaging::Event& event) {
  const Mapping* mapping = catalog_.Find(event.type);
  if (!mapping) return core::Fail(core::Errc::invalid_argument, "no mapping for event type '" + event.type + "'");
  Source source{message.topic, message.key, message.value, event.event_id, event.type};
  auto built = catalog_.Build(*mapping, event.data);
  if (!built) {
    std::string why = built.error().message;
    for (const auto& f : built.error().fields) why += "; " + f.field + " " + f.message;
    TRY_STATUS(log_.RecordUndeliverable(source, mapping->template_name, why));  // failing: the consumer retries
    return core::Fail(core::Errc::invalid_argument, why);
  }
  Recording item{std::move(source), {}};
  for (auto& n : *built)
    if (n.channel != kSms || sms_enabled_) item.notifications.push_back(std::move(n));
  TRY(rows, log_.Record(std::span<const Recording>(&item, 1), lease_));
  if (rows.empty()) {
    log::Info("event already handled (redelivery)", {{"event_id", event.event_id}, {"type", event.type}},
              nullptr);
    return {};
  }
  if (recorded_) recorded_->Inc(rows.size());
  dispatcher_.Enqueue(std::move(rows));
  return {};
}

}  // namespace store::notification
