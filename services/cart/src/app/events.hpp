// The events the cart publishes (contracts/events/cart.*.v1.schema.json), as typed values: the
// use cases say WHAT happened; the store writes them, encoded (adapters/event_json), into the
// outbox inside the cart document in the same single-document write as the change; the relay
// (app/relay.hpp) publishes them to Kafka and then drops them from the document. Every event
// carries the cart's id (the Kafka key), its customer (if any) and the cart version it made.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "domain/cart.hpp"

namespace store::cart {

// What a shopper who logs in with a guest cart chooses: both carts' lines together (the
// default), the guest cart's lines instead of the customer's, or the customer's cart as it is.
enum class MergeMode { merge, replace, keep };

// cart.item_added.v1: `quantity` more of the SKU (a new line, or a line raised by an add).
struct ItemAdded {
  Sku sku;
  int quantity = 0;       // added now
  int line_quantity = 0;  // the line's quantity after
  core::Money unit_price;
};
// cart.item_quantity_changed.v1: a line set to another quantity (not 0).
struct ItemQuantityChanged {
  Sku sku;
  int previous_quantity = 0;
  int quantity = 0;
};
// cart.item_removed.v1: a line left the cart (removed, set to 0, or the cart emptied).
struct ItemRemoved {
  Sku sku;
  int previous_quantity = 0;
};
// cart.merged.v1: a guest cart was merged into this (customer) cart.
struct CartMerged {
  std::string guest_cart_id;
  MergeMode mode = MergeMode::merge;
  std::vector<MergedLine> lines;
};
// cart.checked_out.v1: a confirmed order's quantities left the cart.
struct CartCheckedOut {
  std::string order_id;
  std::vector<Line> lines;  // the quantities taken out
};

using CartEvent = std::variant<ItemAdded, ItemQuantityChanged, ItemRemoved, CartMerged, CartCheckedOut>;

// An event as the outbox holds it: ready to send, the same bytes (and event id) on every try, so
// a consumer's inbox drops the duplicates an at-least-once relay makes.
struct PendingEvent {
  std::string event_id;
  std::string topic;
  std::string key;    // the cart's id
  std::string value;  // the envelope (libs/messaging): {"event_id","type","occurred_at","data"}
};

// The events of a change from the lines before to the lines after: a new SKU → added, a line
// gone → removed, another quantity → changed (or added, for an add that raised the line).
std::vector<CartEvent> EventsOf(const std::vector<Line>& before, const std::vector<Line>& after, bool adding);

}  // namespace store::cart
