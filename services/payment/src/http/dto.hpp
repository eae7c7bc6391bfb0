// The API's JSON (contracts/openapi/payment.yaml): an intent, a refund, the transaction log.
#pragma once

#include <boost/json/object.hpp>
#include <vector>

#include "app/ports.hpp"

namespace store::payment {

boost::json::object MoneyJson(std::int64_t minor, const std::string& currency);
boost::json::object IntentJson(const Intent& intent);
boost::json::object RefundJson(const Refund& refund, const std::string& currency);
boost::json::object TransactionsJson(const Intent& intent, const std::vector<LedgerEntry>& ledger,
                                     const std::vector<Transition>& transitions, const std::vector<Refund>& refunds);

}  // namespace store::payment
