#include "store/messaging/outbox.hpp"

namespace store::messaging {
using core::Errc;
using core::Fail;

core::Status Outbox::Add(db::Connection& conn, std::string_view topic, std::string_view key,
                         const Event& event, const std::optional<log::TraceContext>& trace) {
  const Record record{topic, key, &event, trace};
  return AddMany(conn, std::span<const Record>(&record, 1));
}

core::Status Outbox::AddMany(db::Connection& conn, std::span<const Record> records) {
  if (records.empty()) return {};
  if (!conn.in_transaction())
    return Fail(Errc::internal, "Outbox::Add must run inside the business change's transaction");
  std::vector<std::string> payloads, traceparents;
  payloads.reserve(records.size());
  traceparents.reserve(records.size());
  std::string sql = "INSERT INTO outbox (topic, msg_key, event_id, payload, traceparent) VALUES ";
  std::vector<db::Param> params;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.topic.empty() || r.topic.size() > 249) return Fail(Errc::invalid_argument, "outbox: bad topic name");
    if (r.key.size() > 255) return Fail(Errc::invalid_argument, "outbox: key longer than 255 characters");
    if (!r.event || !IsUuid(r.event->event_id)) return Fail(Errc::invalid_argument, "outbox: event_id is not a UUID");
    payloads.push_back(EncodeEvent(*r.event));
    traceparents.push_back(r.trace ? r.trace->Header() : std::string());
  }
  // The params point into payloads/traceparents: both are complete (no reallocation) from here.
  for (std::size_t i = 0; i < records.size(); ++i) {
    sql += i ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)";
    params.emplace_back(records[i].topic);
    params.emplace_back(records[i].key);
    params.emplace_back(std::string_view(records[i].event->event_id));
    params.emplace_back(std::string_view(payloads[i]));
    if (records[i].trace) params.emplace_back(std::string_view(traceparents[i]));
    else params.emplace_back(nullptr);
  }
  TRY_STATUS(conn.ExecuteParams(sql, params));
  return {};
}

core::Result<std::int64_t> Outbox::Pending(db::Connection& conn) {
  TRY(row, conn.QueryOne("SELECT COUNT(*) AS n FROM outbox"));
  return row ? row->Int("n") : 0;
}

}  // namespace store::messaging
