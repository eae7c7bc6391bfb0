#include "store/messaging/inbox.hpp"

namespace store::messaging {
using core::Errc;
using core::Fail;

core::Result<InboxVerdict> Inbox::Apply(db::Connection& conn, std::string_view consumer,
                                        std::string_view event_id) {
  if (!conn.in_transaction())
    return Fail(Errc::internal, "Inbox::Apply must run inside the effect's transaction");
  if (consumer.empty() || consumer.size() > 100)
    return Fail(Errc::invalid_argument, "inbox: consumer name must be 1..100 characters");
  if (!IsUuid(event_id)) return Fail(Errc::invalid_argument, "inbox: event_id is not a UUID");
  // IGNORE turns only the duplicate key into "0 rows"; inputs were validated above, so no
  // other error can be silenced by it.
  TRY(r, conn.Execute("INSERT IGNORE INTO inbox (consumer, event_id) VALUES (?, ?)", consumer, event_id));
  return r.affected_rows == 1 ? InboxVerdict::first_delivery : InboxVerdict::already_applied;
}

core::Result<std::uint64_t> Inbox::Purge(db::Connection& conn, std::string_view consumer,
                                         std::chrono::hours age) {
  TRY(r, conn.Execute("DELETE FROM inbox WHERE consumer = ? AND applied_at < UTC_TIMESTAMP(6) - INTERVAL ? HOUR",
                      consumer, static_cast<std::int64_t>(age.count())));
  return r.affected_rows;
}

Handler InboxHandler(db::Database& db, std::string consumer, InboxEffect effect) {
  return EventHandler([&db, consumer = std::move(consumer), effect = std::move(effect)](
                          const Message& m, const Event& event) -> core::Status {
    return db.TransactionSync([&](db::Connection& conn) -> core::Status {
      TRY(verdict, Inbox::Apply(conn, consumer, event.event_id));
      if (verdict == InboxVerdict::already_applied) return {};
      return effect(conn, m, event);
    });
  });
}

BatchHandler InboxBatchHandler(db::Database& db, std::string consumer, InboxEffect effect) {
  return [&db, consumer = std::move(consumer), effect = std::move(effect)](std::span<const Message> batch) -> core::Status {
    TRY(records, DecodeBatch(batch));
    return db.TransactionSync([&](db::Connection& conn) -> core::Status {
      for (const auto& r : records) {
        TRY(verdict, Inbox::Apply(conn, consumer, r.event.event_id));
        if (verdict == InboxVerdict::already_applied) continue;
        TRY_STATUS(effect(conn, *r.message, r.event));
      }
      return {};
    });
  };
}

}  // namespace store::messaging
