#include "store/messaging/outbox.hpp"

namespace store::messaging {
using core::Errc;
using core::Fail;

core::Status Outbox::Add(db::Connection& conn, std::string_view topic, std::string_view key,
                         const Event& event, const std::optional<log::TraceContext>& trace) {
  if (!conn.in_transaction())
    return Fail(Errc::internal, "Outbox::Add must run inside the business change's transaction");
  if (topic.empty() || topic.size() > 249) return Fail(Errc::invalid_argument, "outbox: bad topic name");
  if (key.size() > 255) return Fail(Errc::invalid_argument, "outbox: key longer than 255 characters");
  if (!IsUuid(event.event_id)) return Fail(Errc::invalid_argument, "outbox: event_id is not a UUID");
  std::optional<std::string> traceparent;
  if (trace) traceparent = trace->Header();
  auto payload = EncodeEvent(event);
  TRY_STATUS(conn.Execute(
      "INSERT INTO outbox (topic, msg_key, event_id, payload, traceparent) VALUES (?, ?, ?, ?, ?)", topic,
      key, event.event_id, payload, traceparent));
  return {};
}

core::Result<std::int64_t> Outbox::Pending(db::Connection& conn) {
  TRY(row, conn.QueryOne("SELECT COUNT(*) AS n FROM outbox"));
  return row ? row->Int("n") : 0;
}

}  // namespace store::messaging
