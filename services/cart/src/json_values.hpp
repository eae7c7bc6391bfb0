// JSON shapes the cart's API answers (http/dto) and its events (adapters/event_json) share:
// money as {"minor", "currency"} and the names of a merge's outcomes.
#pragma once
#include <boost/json/object.hpp>
#include <string_view>

#include "domain/cart.hpp"

namespace store::cart {

inline boost::json::object MoneyJson(const core::Money& m) {
  return {{"minor", m.minor_units()}, {"currency", m.currency().code()}};
}

inline std::string_view OutcomeName(MergedLine::Outcome o) {
  switch (o) {
    case MergedLine::Outcome::added: return "added";
    case MergedLine::Outcome::raised: return "raised";
    case MergedLine::Outcome::capped: return "capped";
    case MergedLine::Outcome::dropped: return "dropped";
  }
  return "dropped";
}

}  // namespace store::cart
