// The order's events as JSON (contracts/events/order.*.v1.schema.json), and its stored JSON
// columns (address, lines' options, taxes).
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "app/ports.hpp"

namespace store::order {

boost::json::object AddressJson(const Address& a);
Address AddressFrom(const boost::json::value& v);
boost::json::array OptionsJson(const std::vector<std::pair<std::string, std::string>>& options);
std::vector<std::pair<std::string, std::string>> OptionsFrom(const boost::json::value& v);
boost::json::array TaxesJson(const std::vector<TaxLine>& taxes, const std::string& currency);
std::vector<TaxLine> TaxesFrom(const boost::json::value& v);
boost::json::object MoneyJson(std::int64_t minor, const std::string& currency);

// order.placed.v1: what the catalog reserves.
boost::json::object OrderPlacedJson(const Order& o, std::int64_t reservation_ttl_s);
// order.confirmed.v1: the confirmation email's facts (lines, totals, address, payment).
boost::json::object OrderConfirmedJson(const Order& o);
// order.cancelled.v1
boost::json::object OrderCancelledJson(const Order& o, const std::string& reason);

}  // namespace store::order
