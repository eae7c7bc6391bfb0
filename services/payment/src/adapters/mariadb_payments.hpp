// PaymentStore on MariaDB (schema store_payment, migrations/V001__payments.sql): intents with the
// sums of their ledger, the append-only ledger, transitions, refunds, webhook event ids, and the
// outbox (libs/messaging) written in the same transaction as the change they announce.
#pragma once

#include "app/ports.hpp"
#include "store/db/db.hpp"
#include "store/messaging/envelope.hpp"

namespace store::payment {

class MariaDbPayments final : public PaymentStore {
 public:
  MariaDbPayments(db::Database& db, const core::Clock& clock, std::string topic_prefix = "")
      : db_(db), clock_(clock), topic_prefix_(std::move(topic_prefix)) {}

  awaitable<core::Status> Insert(const Intent& intent, Change first) override;
  awaitable<core::Result<std::optional<Intent>>> Get(std::string id) override;
  awaitable<core::Result<std::optional<Intent>>> ByOrder(std::string order_id) override;
  awaitable<core::Result<std::optional<Intent>>> ByReference(std::string provider, std::string reference) override;
  awaitable<core::Result<Intent>> Update(std::string id, Decide decide) override;
  awaitable<core::Result<std::vector<LedgerEntry>>> Ledger(std::string id) override;
  awaitable<core::Result<std::vector<Transition>>> Transitions(std::string id) override;
  awaitable<core::Result<std::vector<Refund>>> Refunds(std::string id) override;
  awaitable<core::Result<std::vector<std::string>>> ClaimStuck(TimePoint now, TimePoint stuck_before, std::chrono::milliseconds lease,
                                                               int limit) override;
  awaitable<core::Result<std::vector<Refund>>> ClaimPendingRefunds(TimePoint now, TimePoint stuck_before,
                                                                   std::chrono::milliseconds lease, int limit) override;

  // order.cancelled, inside the inbox's transaction: the order's live intents are to be voided or
  // refunded (by the next reconciliation round).
  static core::Status MarkOrderCancelled(db::Connection& c, std::string_view order_id);

 private:
  // Writes the change; returns the intent as it is now.
  core::Result<Intent> Write(db::Connection& c, const Intent& before, const Change& change, TimePoint now);

  db::Database& db_;
  const core::Clock& clock_;
  std::string topic_prefix_;
};

}  // namespace store::payment
