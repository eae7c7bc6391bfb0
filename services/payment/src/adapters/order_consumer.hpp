// The order.cancelled consumer: inside the inbox's transaction (exactly once per event), the
// order's live intents are marked; the reconciliation round then voids what is authorised or
// refunds what is captured (provider calls cannot run inside a consumer's transaction).
#pragma once

#include "store/db/db.hpp"
#include "store/messaging/consumer.hpp"

namespace store::payment {

messaging::BatchHandler OrderCancelledHandler(db::Database& db);

}  // namespace store::payment
