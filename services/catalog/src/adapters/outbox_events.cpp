// The JSON payloads of the catalog's events (contracts/events/<topic>.schema.json), written into
// the outbox on the use case's transaction.
#include <fmt/format.h>

#include <algorithm>

#include "adapters/mariadb_catalog.hpp"
#include "json_values.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/outbox.hpp"

namespace store::catalog {

namespace json = boost::json;

namespace {

struct Payload {
  std::string topic, key;
  json::object data;
};

json::array LinesJson(const std::vector<ReservedLine>& lines) {
  json::array a;
  for (const auto& l : lines) a.push_back(json::object{{"sku", l.sku.value()}, {"product_id", l.product.value()}, {"quantity", l.quantity}});
  return a;
}

json::object ProductJson(const ProductView& p, const Settings& settings) {
  json::array specs;
  for (const auto& s : p.specs) {
    if (std::holds_alternative<std::monostate>(s.value)) continue;
    json::object o{{"key", s.key}, {"name", s.name}, {"value", SpecValueJson(s.value)}};
    if (s.unit) o["unit"] = *s.unit;
    specs.push_back(std::move(o));
  }
  json::array variants;
  for (const auto& v : p.variants)
    variants.push_back(json::object{{"sku", v.sku.value()},
                                    {"options", OptionsJson(v.options)},
                                    {"price", MoneyJson(v.price_minor, v.currency)},
                                    {"available", std::max<std::int64_t>(0, v.stock.available())}});
  json::array category_ids;
  for (const auto& c : p.breadcrumbs) category_ids.push_back(c.id.value());
  json::object e{{"product_id", p.id.value()},
                 {"slug", p.slug},
                 {"title", p.title},
                 {"description", p.description_text},
                 {"product_type", p.type_code},
                 {"category", json::object{{"id", p.category.id.value()},
                                           {"name", p.category.name},
                                           {"slug", p.category.slug},
                                           {"path", CrumbsJson(p.breadcrumbs)}}},
                 {"category_ids", std::move(category_ids)},
                 {"specs", std::move(specs)},
                 {"variants", std::move(variants)},
                 {"in_stock", p.in_stock()},
                 {"status", NameOf(p.status)},
                 {"created_at", p.created_at},
                 {"updated_at", p.updated_at},
                 {"version", p.version}};
  e["brand"] = OptionalBrandJson(p.brand);
  e["model_line"] = p.model_line ? json::value(json::string(*p.model_line)) : json::value(nullptr);
  if (p.price_min) e["price_min"] = MoneyJson(*p.price_min, p.currency);
  if (p.price_max) e["price_max"] = MoneyJson(*p.price_max, p.currency);
  e["image_url"] = p.images.empty() ? json::value(nullptr)
                                    : json::value(fmt::format("{}/{}-480.jpg", settings.media_url, p.images.front().path));
  return e;
}

Payload PayloadOf(const CatalogEvent& event, const Settings& settings) {
  struct Visitor {
    const Settings& settings;
    Payload operator()(const ProductUpserted& e) const {
      return {"product.upserted.v1", e.product.id.value(), ProductJson(e.product, settings)};
    }
    Payload operator()(const ProductArchived& e) const {
      return {"product.archived.v1", e.product.value(),
              json::object{{"product_id", e.product.value()},
                           {"slug", e.slug},
                           {"version", e.version},
                           {"archived_at", core::FormatTimestamp(e.archived_at)}}};
    }
    Payload operator()(const StockChanged& e) const {
      json::object data{{"sku", e.sku.value()},
                        {"product_id", e.product.value()},
                        {"on_hand", e.level.on_hand},
                        {"reserved", e.level.reserved},
                        {"available", e.level.available()},
                        {"in_stock_product", e.product_in_stock},
                        {"reason", e.reason}};
      data["order_id"] = e.order_id ? json::value(json::string(e.order_id->value())) : json::value(nullptr);
      return {"stock.changed.v1", e.product.value(), std::move(data)};
    }
    Payload operator()(const StockReserved& e) const {
      return {"stock.reserved.v1", e.order_id.value(),
              json::object{{"order_id", e.order_id.value()},
                           {"lines", LinesJson(e.lines)},
                           {"expires_at", core::FormatTimestamp(e.expires_at)}}};
    }
    Payload operator()(const StockReleased& e) const {
      return {"stock.released.v1", e.order_id.value(),
              json::object{{"order_id", e.order_id.value()}, {"lines", LinesJson(e.lines)}, {"reason", e.reason}}};
    }
    Payload operator()(const StockCommitted& e) const {
      return {"stock.committed.v1", e.order_id.value(), json::object{{"order_id", e.order_id.value()}, {"lines", LinesJson(e.lines)}}};
    }
    Payload operator()(const StockReservationFailed& e) const {
      json::array lines;
      for (const auto& l : e.lines)
        lines.push_back(json::object{{"sku", l.sku.value()}, {"requested", l.requested}, {"available", l.available}});
      return {"stock.reservation_failed.v1", e.order_id.value(),
              json::object{{"order_id", e.order_id.value()}, {"reason", e.reason}, {"lines", std::move(lines)}}};
    }
  };
  return std::visit(Visitor{settings}, event);
}

}  // namespace

Status OutboxEvents::Publish(const CatalogEvent& event, const Trace& trace) {
  auto payload = PayloadOf(event, settings_);
  auto ev = messaging::NewEvent(payload.topic, std::move(payload.data), clock_.Now());  // the type: the unprefixed topic
  return messaging::Outbox::Add(c_, settings_.topic_prefix + payload.topic, payload.key, ev, trace);
}

}  // namespace store::catalog
