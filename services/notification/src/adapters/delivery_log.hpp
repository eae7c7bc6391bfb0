// The delivery log (app/ports.hpp DeliveryLog) in MariaDB: tables `deliveries` and
// `delivery_attempts` (migrations/V001) and the hand-over marks in `delivery_handovers`
// (V003: a MEMORY table, so writing a mark costs no log flush; a mark is (delivery, attempt), and
// a mark whose attempt is already recorded is stale). The consumer, the sender workers and the
// poller call it on their own plain threads (Database::RunSync/TransactionSync); the admin API
// awaits it (Database::Run, on the Database's blocking pool).
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <tuple>

#include "app/ports.hpp"
#include "store/db/db.hpp"

namespace store::notification {

// A hand-over mark: attempt `attempt` of delivery `delivery_id` was accepted by the server.
struct HandOverMark {
  std::uint64_t delivery_id = 0;
  int attempt = 0;
};

// The sender workers' hand-over marks, written by one thread on one pooled connection at a time:
// the marks queued while a statement is on its way go together in the next one (one multi-row
// INSERT), so MariaDB takes a statement per group of marks rather than one per message. Started
// with the first mark; stopped by the destructor. Thread-safe.
class HandOverWriter {
 public:
  explicit HandOverWriter(db::Database& db) : db_(db) {}
  ~HandOverWriter();
  // Queues the mark; returns its ticket.
  std::uint64_t Add(HandOverMark mark);
  // Until the statement carrying `ticket` was answered: its outcome.
  core::Status Wait(std::uint64_t ticket);

 private:
  void Run();

  db::Database& db_;
  std::mutex mu_;
  std::condition_variable queued_cv_, written_cv_;
  std::vector<HandOverMark> queued_;
  std::uint64_t next_ticket_ = 1;
  std::uint64_t answered_ = 0;  // tickets up to this one are answered
  // The recent failed statements: [first, last] ticket and why (a handful kept).
  std::vector<std::tuple<std::uint64_t, std::uint64_t, core::Error>> failed_;
  bool stopping_ = false;
  std::thread thread_;
};

class MariaDbDeliveryLog final : public DeliveryLog {
 public:
  explicit MariaDbDeliveryLog(db::Database& db) : db_(db), marks_(db) {}

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
  HandOverWriter marks_;
};

}  // namespace store::notification
