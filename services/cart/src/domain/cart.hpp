// A shopping cart's rules, pure: lines of SKUs with quantities, the limits a shop sets, stock and
// sellability as the catalog reports them at the time of a change, one currency per cart, the
// merge of a guest cart into a customer's, and the review a shopper sees. No I/O, no JSON: the
// use cases (app/) fetch the catalog's Offers and store the Cart; this file decides.
//
// Errors (core::Error): invalid_argument for a quantity outside 1..max_per_line (0 only where
// it means "remove"), unprocessable for a SKU that cannot be sold (unknown, draft, archived), a
// second currency or a full cart, conflict when the stock available now is below what the
// change asks for, not_found for a SKU that is not in the cart. Every message names the SKU, and
// a stock conflict says how many are available. A refused change leaves the cart as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/core/ids.hpp"
#include "store/core/money.hpp"
#include "store/core/result.hpp"

namespace store::cart {

struct SkuTag {};
using Sku = core::Id<SkuTag>;  // a catalog variant id

// The catalog's SKU alphabet: 1..64 of letters, digits, - _ . — anything else cannot be a SKU
// (the API refuses it with 400; it never reaches a catalog URL).
bool IsSku(const Sku& sku);

struct Limits {
  int max_lines = 100;
  int max_per_line = 99;
  int low_stock = 5;  // "only N left" at or below this many available
};

enum class Sellable { yes, unknown, draft, archived };

// What a shopper sees of a SKU (no rule depends on it).
struct Display {
  std::string product_id, slug, title;
  std::vector<std::pair<std::string, std::string>> options;  // name -> value, in the catalog's order
  std::optional<std::string> image_url;
};

// The catalog's word on one SKU at the time of a change or a review.
struct Offer {
  Sku sku;
  Sellable state = Sellable::yes;
  core::Money price;  // current unit price
  std::int64_t available = 0;                          // stock that can be sold now
  Display display = {};
};

struct Line {
  Sku sku;
  int quantity = 0;
  core::Money seen_price;  // the unit price the shopper last saw
};

// What a merge did with one guest line.
struct MergedLine {
  enum class Outcome { added, raised, capped, dropped };
  Sku sku;
  Outcome outcome = Outcome::added;
  int requested = 0;  // the guest line's quantity
  int quantity = 0;   // the customer line's quantity after the merge (0 when dropped)
  std::string reason;  // for capped / dropped: which limit, how many available, why not sellable
};

// One line of the review.
struct LineView {
  Line line;
  std::optional<Offer> offer;  // none: the catalog has no answer for it now (stale)
  enum class Availability { in_stock, low, out_of_stock, not_sellable, unknown } availability = Availability::unknown;
  std::int64_t available = 0;
  // The catalog's current price; without an offer (stale) the last price the shopper saw.
  core::Money unit_price = line.seen_price;
  std::optional<core::Money> line_total;      // unit_price × quantity (none only on overflow)
  std::optional<core::Money> previous_price;  // the seen price, when the current one differs
};

struct Review {
  std::vector<LineView> lines;
  std::optional<core::Money> subtotal;  // of the lines' totals; none for an empty cart
  int item_count = 0;
  bool stale = false;  // some line has no current offer: its price is the last one seen
};

// Finds the catalog's offer for a SKU; nullopt when the catalog does not know it (or cannot be asked).
using OfferLookup = std::function<std::optional<Offer>(const Sku&)>;

class Cart {
 public:
  Cart() = default;
  explicit Cart(std::vector<Line> lines) : lines_(std::move(lines)) {}

  const std::vector<Line>& lines() const { return lines_; }
  const Line* Find(const Sku& sku) const;
  int item_count() const;
  // The currency of its lines; none while empty.
  std::optional<core::Currency> currency() const;

  // Adds `quantity` of the offer's SKU; a line of the same SKU is raised.
  core::Status Add(const Offer& offer, int quantity, const Limits& limits);
  // Sets the line's quantity; 0 removes it. Lowering a quantity is always allowed (also for a
  // SKU no longer sold or short of stock); raising it needs a sellable SKU and the stock.
  core::Status SetQuantity(const Offer& offer, int quantity, const Limits& limits);
  core::Status Remove(const Sku& sku);
  void Clear() { lines_.clear(); }
  // The shopper saw the current prices: later reviews flag only newer changes.
  void AcknowledgePrices(const OfferLookup& offers);
  // Takes ordered quantities out (a confirmed order); lines added or raised meanwhile keep the rest.
  void RemoveOrdered(std::span<const Line> ordered);

  // Merges a guest cart's lines into this one, line by line: same SKU -> quantities add; capped
  // by max_per_line and the stock available; a guest line whose SKU cannot be sold, is in
  // another currency or finds the cart full is dropped. The report says what happened to each.
  std::vector<MergedLine> MergeFrom(const Cart& guest, const OfferLookup& offers, const Limits& limits);

  // Every line with its current offer, availability, line total and a changed price flagged.
  Review Reviewed(const OfferLookup& offers, const Limits& limits) const;

 private:
  Line* FindMutable(const Sku& sku);
  std::vector<Line> lines_;
};

}  // namespace store::cart
