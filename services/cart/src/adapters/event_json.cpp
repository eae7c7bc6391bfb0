#include "adapters/event_json.hpp"

#include <boost/json.hpp>

#include "json_values.hpp"
#include "store/messaging/envelope.hpp"

namespace store::cart {
namespace json = boost::json;

namespace {

std::string_view ModeName(MergeMode m) {
  switch (m) {
    case MergeMode::merge: return "merge";
    case MergeMode::replace: return "replace";
    case MergeMode::keep: return "keep";
  }
  return "merge";
}

struct Data {
  json::object& o;
  void operator()(const ItemAdded& e) const {
    o["sku"] = e.sku.value();
    o["quantity"] = e.quantity;
    o["line_quantity"] = e.line_quantity;
    o["unit_price"] = MoneyJson(e.unit_price);
  }
  void operator()(const ItemQuantityChanged& e) const {
    o["sku"] = e.sku.value();
    o["previous_quantity"] = e.previous_quantity;
    o["quantity"] = e.quantity;
  }
  void operator()(const ItemRemoved& e) const {
    o["sku"] = e.sku.value();
    o["previous_quantity"] = e.previous_quantity;
  }
  void operator()(const CartMerged& e) const {
    json::array lines;
    for (const auto& l : e.lines)
      lines.push_back(json::object{{"sku", l.sku.value()},
                                   {"outcome", OutcomeName(l.outcome)},
                                   {"requested", l.requested},
                                   {"quantity", l.quantity}});
    o["guest_cart_id"] = e.guest_cart_id;
    o["mode"] = ModeName(e.mode);
    o["lines"] = std::move(lines);
  }
  void operator()(const CartCheckedOut& e) const {
    json::array lines;
    for (const auto& l : e.lines) lines.push_back(json::object{{"sku", l.sku.value()}, {"quantity", l.quantity}});
    o["order_id"] = e.order_id;
    o["lines"] = std::move(lines);
  }
};

}  // namespace

std::string TopicOf(const CartEvent& event) {
  struct Name {
    std::string operator()(const ItemAdded&) const { return "cart.item_added.v1"; }
    std::string operator()(const ItemQuantityChanged&) const { return "cart.item_quantity_changed.v1"; }
    std::string operator()(const ItemRemoved&) const { return "cart.item_removed.v1"; }
    std::string operator()(const CartMerged&) const { return "cart.merged.v1"; }
    std::string operator()(const CartCheckedOut&) const { return "cart.checked_out.v1"; }
  };
  return std::visit(Name{}, event);
}

PendingEvent EncodeEvent(const CartEvent& event, const CartKey& key, std::int64_t version, TimePoint at,
                         const std::string& topic_prefix) {
  json::object data{{"cart_id", CartId(key)},
                    {"customer_id", key.kind == CartKey::Kind::customer ? json::value(key.id) : json::value(nullptr)},
                    {"cart_version", version}};
  std::visit(Data{data}, event);
  std::string topic = TopicOf(event);
  auto envelope = messaging::NewEvent(topic, std::move(data), at);
  return PendingEvent{envelope.event_id, topic_prefix + topic, CartId(key), messaging::EncodeEvent(envelope)};
}

}  // namespace store::cart
