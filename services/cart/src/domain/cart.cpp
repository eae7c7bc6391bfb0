#include "domain/cart.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace store::cart {
using core::Errc;
using core::Error;
using core::Fail;

namespace {

std::string_view StateName(Sellable s) {
  switch (s) {
    case Sellable::yes: return "on sale";
    case Sellable::unknown: return "unknown";
    case Sellable::draft: return "not published";
    case Sellable::archived: return "no longer sold";
  }
  return "unknown";
}

Error QuantityError(const Sku& sku, int quantity, const Limits& limits, bool zero_allowed) {
  return Error::Invalid(fmt::format("quantity {} of SKU {} is outside {}..{}", quantity, sku.value(), zero_allowed ? 0 : 1,
                                    limits.max_per_line),
                        {{"quantity", fmt::format("must be within {}..{}", zero_allowed ? 0 : 1, limits.max_per_line)}});
}

Error NotSellable(const Offer& offer) {
  return Error::Unprocessable(fmt::format("SKU {} cannot be bought: {}", offer.sku.value(), StateName(offer.state)),
                              {{"sku", std::string(StateName(offer.state))}});
}

Error Short(const Offer& offer, int wanted) {
  return Error{Errc::conflict,
               fmt::format("only {} of SKU {} available, {} wanted", std::max<std::int64_t>(offer.available, 0),
                           offer.sku.value(), wanted),
               {{"quantity", fmt::format("at most {} available", std::max<std::int64_t>(offer.available, 0))}}};
}

// Why `offer` cannot go into a cart in `currency` (nullopt: it can).
std::optional<Error> Refusal(const Offer& offer, const std::optional<core::Currency>& currency) {
  if (offer.state != Sellable::yes) return NotSellable(offer);
  if (currency && offer.price.currency() != *currency)
    return Error::Unprocessable(fmt::format("SKU {} is priced in {}, the cart in {}", offer.sku.value(),
                                            offer.price.currency().code(), currency->code()),
                                {{"sku", "is priced in another currency than the cart"}});
  return std::nullopt;
}

}  // namespace

bool IsSku(const Sku& sku) {
  const auto& v = sku.value();
  return !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

const Line* Cart::Find(const Sku& sku) const {
  auto it = std::find_if(lines_.begin(), lines_.end(), [&](const Line& l) { return l.sku == sku; });
  return it == lines_.end() ? nullptr : &*it;
}

Line* Cart::FindMutable(const Sku& sku) { return const_cast<Line*>(Find(sku)); }

int Cart::item_count() const {
  int n = 0;
  for (const auto& l : lines_) n += l.quantity;
  return n;
}

std::optional<core::Currency> Cart::currency() const {
  if (lines_.empty()) return std::nullopt;
  return lines_.front().seen_price.currency();
}

core::Status Cart::Add(const Offer& offer, int quantity, const Limits& limits) {
  if (quantity < 1 || quantity > limits.max_per_line) return Fail(QuantityError(offer.sku, quantity, limits, false));
  if (auto refused = Refusal(offer, currency())) return Fail(std::move(*refused));
  Line* line = FindMutable(offer.sku);
  const int total = (line ? line->quantity : 0) + quantity;
  if (total > limits.max_per_line)
    return Fail(Error::Unprocessable(
        fmt::format("at most {} of SKU {} per order; the cart has {}", limits.max_per_line, offer.sku.value(),
                    line ? line->quantity : 0),
        {{"quantity", fmt::format("at most {} more", limits.max_per_line - (line ? line->quantity : 0))}}));
  if (!line && static_cast<int>(lines_.size()) >= limits.max_lines)
    return Fail(Error::Unprocessable(fmt::format("the cart is full ({} lines); SKU {} was not added", limits.max_lines,
                                                 offer.sku.value()),
                                     {{"sku", fmt::format("a cart holds at most {} lines", limits.max_lines)}}));
  if (total > offer.available) return Fail(Short(offer, total));
  if (line) {
    line->quantity = total;
  } else {
    lines_.push_back(Line{offer.sku, quantity, offer.price});
  }
  return {};
}

core::Status Cart::SetQuantity(const Offer& offer, int quantity, const Limits& limits) {
  if (quantity < 0 || quantity > limits.max_per_line) return Fail(QuantityError(offer.sku, quantity, limits, true));
  Line* line = FindMutable(offer.sku);
  if (!line) return Fail(Error::NotFound(fmt::format("SKU {} is not in the cart", offer.sku.value())));
  if (quantity == 0) return Remove(offer.sku);
  if (quantity > line->quantity) {
    if (offer.state != Sellable::yes) return Fail(NotSellable(offer));
    if (quantity > offer.available) return Fail(Short(offer, quantity));
  }
  line->quantity = quantity;
  return {};
}

core::Status Cart::Remove(const Sku& sku) {
  auto it = std::find_if(lines_.begin(), lines_.end(), [&](const Line& l) { return l.sku == sku; });
  if (it == lines_.end()) return Fail(Error::NotFound(fmt::format("SKU {} is not in the cart", sku.value())));
  lines_.erase(it);
  return {};
}

void Cart::AcknowledgePrices(const OfferLookup& offers) {
  for (auto& l : lines_)
    if (auto offer = offers(l.sku); offer && offer->price.currency() == l.seen_price.currency()) l.seen_price = offer->price;
}

void Cart::RemoveOrdered(std::span<const Line> ordered) {
  for (const auto& o : ordered) {
    Line* line = FindMutable(o.sku);
    if (!line) continue;
    line->quantity -= std::min(line->quantity, o.quantity);
    if (line->quantity == 0) (void)Remove(o.sku);
  }
}

std::vector<MergedLine> Cart::MergeFrom(const Cart& guest, const OfferLookup& offers, const Limits& limits) {
  std::vector<MergedLine> report;
  for (const auto& g : guest.lines_) {
    MergedLine m{g.sku, MergedLine::Outcome::added, g.quantity, 0, {}};
    auto offer = offers(g.sku);
    Line* line = FindMutable(g.sku);
    auto drop = [&](std::string why) {
      m.outcome = MergedLine::Outcome::dropped;
      m.quantity = line ? line->quantity : 0;
      m.reason = std::move(why);
      report.push_back(std::move(m));
    };
    if (!offer) {
      drop("the catalog does not know this SKU");
      continue;
    }
    if (auto refused = Refusal(*offer, currency())) {
      drop(refused->message);
      continue;
    }
    if (!line && static_cast<int>(lines_.size()) >= limits.max_lines) {
      drop(fmt::format("the cart is full ({} lines)", limits.max_lines));
      continue;
    }
    const int have = line ? line->quantity : 0;
    const std::int64_t cap = std::min<std::int64_t>(limits.max_per_line, std::max<std::int64_t>(offer->available, 0));
    const int wanted = have + g.quantity;
    const int merged = static_cast<int>(std::min<std::int64_t>(wanted, std::max<std::int64_t>(cap, have)));
    if (merged == have) {
      drop(have >= limits.max_per_line ? fmt::format("at most {} per line", limits.max_per_line)
                                       : fmt::format("only {} available", std::max<std::int64_t>(offer->available, 0)));
      continue;
    }
    if (merged < wanted) {
      m.outcome = MergedLine::Outcome::capped;
      m.reason = merged >= limits.max_per_line ? fmt::format("at most {} per line", limits.max_per_line)
                                               : fmt::format("only {} available", offer->available);
    } else {
      m.outcome = line ? MergedLine::Outcome::raised : MergedLine::Outcome::added;
    }
    if (line) line->quantity = merged;
    else lines_.push_back(Line{g.sku, merged, g.seen_price.currency() == offer->price.currency() ? g.seen_price : offer->price});
    m.quantity = merged;
    report.push_back(std::move(m));
  }
  return report;
}

Review Cart::Reviewed(const OfferLookup& offers, const Limits& limits) const {
  Review r;
  for (const auto& l : lines_) {
    LineView v{l, offers(l.sku), LineView::Availability::unknown, 0, l.seen_price, std::nullopt, std::nullopt};
    r.item_count += l.quantity;
    if (!v.offer) {
      r.stale = true;  // the last known price, availability unknown
    } else {
      v.available = std::max<std::int64_t>(v.offer->available, 0);
      if (v.offer->state != Sellable::yes) v.availability = LineView::Availability::not_sellable;
      else if (v.available == 0) v.availability = LineView::Availability::out_of_stock;
      else if (v.available <= limits.low_stock) v.availability = LineView::Availability::low;
      else v.availability = LineView::Availability::in_stock;
      v.unit_price = v.offer->price;
      if (v.offer->price != l.seen_price) v.previous_price = l.seen_price;
    }
    if (auto total = v.unit_price.Times(l.quantity)) {
      v.line_total = *total;
      if (!r.subtotal) r.subtotal = core::Money(0, total->currency());
      if (auto sum = r.subtotal->Plus(*total)) r.subtotal = *sum;
    }
    r.lines.push_back(std::move(v));
  }
  return r;
}

}  // namespace store::cart
