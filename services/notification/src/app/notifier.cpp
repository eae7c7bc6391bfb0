#include "app/notifier.hpp"

#include "adapters/delivery_log.hpp"
#include "store/log/log.hpp"

namespace store::notification {

core::Status Notifier::HandleBatch(std::span<const messaging::Message> batch) {
  TRY(records, messaging::DecodeBatch(batch));
  if (records.size() == 1) return Handle(*records[0].message, records[0].event);
  // Render everything first: a bad event fails the batch before anything is written.
  struct Item {
    Source source;
    std::vector<Notification> wanted;
  };
  std::vector<Item> items;
  items.reserve(records.size());
  for (const auto& r : records) {
    const Mapping* mapping = catalog_.Find(r.event.type);
    if (!mapping) return core::Fail(core::Errc::invalid_argument, "no mapping for event type '" + r.event.type + "'");
    auto built = catalog_.Build(*mapping, r.event.data);
    if (!built) return core::Fail(core::Errc::invalid_argument, "event " + r.event.event_id + ": " + built.error().message);
    Item item{Source{r.message->topic, r.message->key, r.message->value, r.event.event_id, r.event.type}, {}};
    for (auto& n : *built)
      if (n.channel != kSms || sms_enabled_) item.wanted.push_back(std::move(n));
    items.push_back(std::move(item));
  }
  auto ids = db_.TransactionSync([&](db::Connection& c) -> core::Result<std::vector<std::uint64_t>> {
    std::vector<std::uint64_t> all;
    for (const auto& item : items) {
      TRY(ids, delivery_log::Record(c, item.source, item.wanted, lease_));
      all.insert(all.end(), ids.begin(), ids.end());
    }
    return all;
  });
  if (!ids) return std::unexpected(std::move(ids.error()));
  std::size_t wanted = 0;
  for (const auto& item : items) wanted += item.wanted.size();
  if (ids->size() < wanted)
    log::Info("batch held already handled events (redelivery)",
              {{"events", static_cast<std::int64_t>(items.size())}, {"new_rows", static_cast<std::int64_t>(ids->size())}});
  dispatcher_.Enqueue(*ids);
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
    auto recorded = db_.TransactionSync([&](db::Connection& c) {
      return delivery_log::RecordUndeliverable(c, source, mapping->template_name, why);
    });
    if (!recorded) return recorded;  // transient: the consumer retries the record
    return core::Fail(core::Errc::invalid_argument, why);
  }
  std::vector<Notification> wanted;
  for (auto& n : *built)
    if (n.channel != kSms || sms_enabled_) wanted.push_back(std::move(n));
  auto ids = db_.TransactionSync([&](db::Connection& c) { return delivery_log::Record(c, source, wanted, lease_); });
  if (!ids) return std::unexpected(std::move(ids.error()));
  if (ids->empty()) {
    log::Info("event already handled (redelivery)", {{"event_id", event.event_id}, {"type", event.type}},
              nullptr);
    return {};
  }
  dispatcher_.Enqueue(*ids);
  return {};
}

}  // namespace store::notification
