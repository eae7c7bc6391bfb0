#include "http/dto.hpp"

#include "json_values.hpp"

namespace store::cart {
namespace json = boost::json;

namespace {

json::value OptionalMoney(const std::optional<core::Money>& m) { return m ? json::value(MoneyJson(*m)) : json::value(nullptr); }

std::string_view AvailabilityName(LineView::Availability a) {
  switch (a) {
    case LineView::Availability::in_stock: return "in_stock";
    case LineView::Availability::low: return "low_stock";
    case LineView::Availability::out_of_stock: return "out_of_stock";
    case LineView::Availability::not_sellable: return "not_sellable";
    case LineView::Availability::unknown: return "unknown";
  }
  return "unknown";
}

json::object LineJson(const LineView& v) {
  json::object o{{"sku", v.line.sku.value()},
                 {"quantity", v.line.quantity},
                 {"unit_price", MoneyJson(v.unit_price)},
                 {"line_total", OptionalMoney(v.line_total)},
                 {"previous_price", OptionalMoney(v.previous_price)},
                 {"availability", AvailabilityName(v.availability)},
                 {"available", v.available}};
  if (v.offer) {
    const Display& d = v.offer->display;
    json::array options;
    for (const auto& [name, value] : d.options) options.push_back(json::object{{"name", name}, {"value", value}});
    o["product_id"] = d.product_id;
    o["slug"] = d.slug;
    o["title"] = d.title;
    o["options"] = std::move(options);
    o["image_url"] = d.image_url ? json::value(*d.image_url) : json::value(nullptr);
  } else {
    o["product_id"] = nullptr;
    o["slug"] = nullptr;
    o["title"] = nullptr;
    o["options"] = json::array();
    o["image_url"] = nullptr;
  }
  return o;
}

}  // namespace

json::object CartJson(const CartView& view, const Limits& limits) {
  json::array lines;
  for (const auto& l : view.review.lines) lines.push_back(LineJson(l));
  const auto& subtotal = view.review.subtotal;
  return {{"version", view.version},
          {"lines", std::move(lines)},
          {"item_count", view.review.item_count},
          {"subtotal", OptionalMoney(subtotal)},
          {"currency", subtotal ? json::value(subtotal->currency().code()) : json::value(nullptr)},
          {"stale", view.review.stale},
          {"limits", json::object{{"max_lines", limits.max_lines}, {"max_per_line", limits.max_per_line}}}};
}

json::object MergeJson(const MergeResult& result, const Limits& limits) {
  json::array report;
  for (const auto& m : result.report)
    report.push_back(json::object{{"sku", m.sku.value()},
                                  {"outcome", OutcomeName(m.outcome)},
                                  {"requested", m.requested},
                                  {"quantity", m.quantity},
                                  {"reason", m.reason.empty() ? json::value(nullptr) : json::value(m.reason)}});
  return {{"cart", CartJson(result.cart, limits)}, {"merged", std::move(report)}};
}

}  // namespace store::cart
