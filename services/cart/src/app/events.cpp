#include "app/events.hpp"

#include <algorithm>

namespace store::cart {

std::vector<CartEvent> EventsOf(const std::vector<Line>& before, const std::vector<Line>& after, bool adding) {
  auto find = [](const std::vector<Line>& lines, const Sku& sku) -> const Line* {
    auto it = std::find_if(lines.begin(), lines.end(), [&](const Line& l) { return l.sku == sku; });
    return it == lines.end() ? nullptr : &*it;
  };
  std::vector<CartEvent> events;
  for (const auto& was : before)
    if (!find(after, was.sku)) events.emplace_back(ItemRemoved{was.sku, was.quantity});
  for (const auto& now : after) {
    const Line* was = find(before, now.sku);
    if (!was) {
      events.emplace_back(ItemAdded{now.sku, now.quantity, now.quantity, now.seen_price});
    } else if (was->quantity != now.quantity) {
      if (adding && now.quantity > was->quantity)
        events.emplace_back(ItemAdded{now.sku, now.quantity - was->quantity, now.quantity, now.seen_price});
      else
        events.emplace_back(ItemQuantityChanged{now.sku, was->quantity, now.quantity});
    }
  }
  return events;
}

}  // namespace store::cart
