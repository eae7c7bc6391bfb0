// The delivery log (app/ports.hpp DeliveryLog) in MariaDB: tables `deliveries` and
// `delivery_attempts` (migrations/V001) and the hand-over marks in `delivery_handovers`
// (V003: a MEMORY table, so writing a mark costs no log flush; a mark is (delivery, attempt), and
// a mark whose attempt is already recorded is stale). The consumer, the sender workers and the
// poller call it on their own plain threads (Database::RunSync/TransactionSync); the admin API
// awaits it (Database::Run, on the Database's blocking pool).
#pragma once

#include "app/ports.hpp"
#include "store/db/db.hpp"

namespace store::notification {

class MariaDbDeliveryLog final : public DeliveryLog {
 public:
  explicit MariaDbDeliveryLog(db::Database& db) : db_(db) {}

  core::Result<std::vector<Delivery>> Record(std::span<const Recording> events,
                                             std::chrono::milliseconds lease) override;
  core::Status RecordUndeliverable(const Source& source, const std::string& template_name,
                                   const std::string& error) override;
  core::Status WithSession(const std::function<core::Status(SendSession&)>& work) override;
  core::Result<std::vector<std::uint64_t>> ClaimDue(int limit, std::chrono::milliseconds lease) override;
  core::Result<std::size_t> SettleHandedOver(int limit) override;
  core::Status Release(std::uint64_t id) override;
  Task<std::vector<Delivery>> List(DeliveryFilter filter) override;
  Task<std::optional<std::pair<Delivery, std::vector<Attempt>>>> Find(std::uint64_t id) override;
  Task<Delivery> Resend(std::uint64_t id) override;

 private:
  db::Database& db_;
};

}  // namespace store::notification
