#include "http/dto.hpp"

#include <boost/json/array.hpp>

#include "store/db/db.hpp"
#include "store/core/clock.hpp"

namespace store::payment {

namespace {


bool AwaitsShopper(Status s) { return s == Status::requires_payment_method || s == Status::requires_action || s == Status::failed; }

}  // namespace

boost::json::object MoneyJson(std::int64_t minor, const std::string& currency) { return {{"minor", minor}, {"currency", currency}}; }

boost::json::object IntentJson(const Intent& i) {
  boost::json::object o{{"id", i.id},
                        {"order_id", i.order_id},
                        {"customer_id", i.customer_id},
                        {"amount", MoneyJson(i.amount, i.currency)},
                        {"method", NameOf(i.method)},
                        {"capture_mode", NameOf(i.capture)},
                        {"status", NameOf(i.status)},
                        {"status_reason", i.status_reason},
                        {"provider", i.provider},
                        {"provider_reference", i.provider_ref.empty() ? boost::json::value(nullptr) : boost::json::value(i.provider_ref)},
                        {"authorised", MoneyJson(i.sums.authorised, i.currency)},
                        {"captured", MoneyJson(i.sums.captured, i.currency)},
                        {"refunded", MoneyJson(i.sums.refunded, i.currency)},
                        {"refundable", MoneyJson(Refundable(i.sums, i.pending_refunds), i.currency)},
                        {"created_at", core::FormatTimestamp(i.created_at)},
                        {"updated_at", core::FormatTimestamp(i.updated_at)},
                        {"paid_at", i.paid_at ? boost::json::value(core::FormatTimestamp(*i.paid_at)) : boost::json::value(nullptr)}};
  if (!i.card_last4.empty()) o["card"] = boost::json::object{{"brand", i.card_brand}, {"last4", i.card_last4}};
  if (AwaitsShopper(i.status) && !i.redirect_url.empty())
    o["next_action"] = boost::json::object{{"type", "redirect"}, {"url", i.redirect_url}};
  else
    o["next_action"] = nullptr;
  return o;
}

boost::json::object RefundJson(const Refund& r, const std::string& currency) {
  return {{"id", r.id},
          {"payment_id", r.intent_id},
          {"amount", MoneyJson(r.amount, currency)},
          {"status", r.status},
          {"reason", r.reason},
          {"requested_by", r.requested_by},
          {"provider_reference", r.provider_ref.empty() ? boost::json::value(nullptr) : boost::json::value(r.provider_ref)},
          {"created_at", core::FormatTimestamp(r.created_at)}};
}

boost::json::object TransactionsJson(const Intent& intent, const std::vector<LedgerEntry>& ledger,
                                     const std::vector<Transition>& transitions, const std::vector<Refund>& refunds) {
  boost::json::array entries, changes, refund_list;
  for (const auto& e : ledger)
    entries.push_back(boost::json::object{{"id", e.id},
                                          {"kind", NameOf(e.kind)},
                                          {"amount", MoneyJson(e.amount, intent.currency)},
                                          {"provider_reference", e.reference},
                                          {"at", core::FormatTimestamp(e.at)}});
  for (const auto& t : transitions)
    changes.push_back(boost::json::object{{"from", t.from}, {"to", t.to}, {"reason", t.reason}, {"source", t.source}, {"at", core::FormatTimestamp(t.at)}});
  for (const auto& r : refunds) refund_list.push_back(RefundJson(r, intent.currency));
  return {{"payment", IntentJson(intent)}, {"ledger", std::move(entries)}, {"transitions", std::move(changes)}, {"refunds", std::move(refund_list)}};
}

}  // namespace store::payment
