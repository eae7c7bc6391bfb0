#include "app/notifier.hpp"

#include "adapters/delivery_log.hpp"
#include "store/log/log.hpp"

namespace store::notification {

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
