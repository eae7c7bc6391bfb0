#include "adapters/mongo_cart_store.hpp"

#include <boost/json.hpp>

#include "adapters/event_json.hpp"
#include "json_values.hpp"
#include <fmt/format.h>

#include "store/core/clock.hpp"

namespace store::cart {
namespace json = boost::json;
using core::Errc;

namespace {

json::object OutboxEntry(const PendingEvent& e) {
  return {{"event_id", e.event_id}, {"topic", e.topic}, {"key", e.key}, {"value", e.value}};
}

core::Result<std::vector<PendingEvent>> ReadOutbox(const json::object& doc) {
  std::vector<PendingEvent> out;
  const json::value* list = doc.if_contains("outbox");
  if (!list) return out;
  if (!list->is_array()) return core::Fail(Errc::internal, "stored cart: 'outbox' is not a list");
  for (const auto& item : list->get_array()) {
    const json::object* e = item.if_object();
    auto text = [&](std::string_view k) -> const json::string* {
      const json::value* v = e ? e->if_contains(k) : nullptr;
      return v ? v->if_string() : nullptr;
    };
    const json::string *id = text("event_id"), *topic = text("topic"), *key = text("key"), *value = text("value");
    if (!id || !topic || !key || !value) return core::Fail(Errc::internal, "stored cart: an outbox event is malformed");
    out.push_back(PendingEvent{std::string(*id), std::string(*topic), std::string(*key), std::string(*value)});
  }
  return out;
}

json::array OutboxArray(const std::vector<PendingEvent>& events) {
  json::array out;
  for (const auto& e : events) out.push_back(OutboxEntry(e));
  return out;
}

// A BSON date in canonical Extended JSON.
json::object Date(TimePoint at) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  return json::object{{"$date", json::object{{"$numberLong", std::to_string(ms)}}}};
}

// A BSON date as libmongoc's relaxed Extended JSON gives it back: an ISO-8601 string, or
// {"$numberLong": "..."} outside the years 1970..9999.
std::optional<TimePoint> ReadDate(const json::value* v) {
  const json::object* o = v ? v->if_object() : nullptr;
  const json::value* d = o ? o->if_contains("$date") : nullptr;
  if (!d) return std::nullopt;
  if (d->is_string()) return core::ParseTimestamp(d->get_string());
  if (d->is_int64()) return TimePoint(std::chrono::milliseconds(d->get_int64()));
  if (const json::object* n = d->if_object())
    if (const json::value* l = n->if_contains("$numberLong"); l && l->is_string())
      return TimePoint(std::chrono::milliseconds(std::stoll(std::string(l->get_string()))));
  return std::nullopt;
}

json::array Lines(const Cart& cart) {
  json::array out;
  for (const auto& l : cart.lines())
    out.push_back(json::object{{"sku", l.sku.value()},
                               {"quantity", l.quantity},
                               {"seen_price", MoneyJson(l.seen_price)}});
  return out;
}

core::Result<std::int64_t> Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return core::Fail(Errc::internal, fmt::format("stored cart: '{}' is not an integer", key));
}

}  // namespace

core::Result<StoredCart> FromDocument(const json::object& doc) {
  std::vector<Line> lines;
  const json::value* list = doc.if_contains("lines");
  if (!list || !list->is_array()) return core::Fail(Errc::internal, "stored cart: 'lines' is not a list");
  for (const auto& item : list->get_array()) {
    const json::object* l = item.if_object();
    const json::object* price = l && l->if_contains("seen_price") ? l->at("seen_price").if_object() : nullptr;
    const json::value* sku = l ? l->if_contains("sku") : nullptr;
    const json::value* currency = price ? price->if_contains("currency") : nullptr;
    if (!l || !price || !sku || !sku->is_string() || !currency || !currency->is_string())
      return core::Fail(Errc::internal, "stored cart: a line is malformed");
    TRY(quantity, Int(*l, "quantity"));
    TRY(minor, Int(*price, "minor"));
    auto code = core::Currency::Parse(currency->get_string());
    if (!code) return core::Fail(Errc::internal, "stored cart: a line's currency is malformed");
    lines.push_back(Line{Sku(std::string(sku->get_string())), static_cast<int>(quantity), core::Money(minor, *code)});
  }
  TRY(version, Int(doc, "version"));
  auto updated = ReadDate(doc.if_contains("updated_at"));
  if (!updated) return core::Fail(Errc::internal, "stored cart: 'updated_at' is not a date");
  std::vector<std::string> merged;
  if (const json::value* m = doc.if_contains("merged_guests"); m && m->is_array())
    for (const auto& id : m->get_array())
      if (id.is_string()) merged.emplace_back(id.get_string());
  std::vector<std::string> applied;
  if (const json::value* a = doc.if_contains("applied_orders"); a && a->is_array())
    for (const auto& id : a->get_array())
      if (id.is_string()) applied.emplace_back(id.get_string());
  TRY(outbox, ReadOutbox(doc));
  return StoredCart{Cart(std::move(lines)), version, *updated, std::move(merged), std::move(applied), std::move(outbox)};
}

Task<bool> MongoCartStore::UpdateIfVersion(const std::string& id, std::int64_t version, docstore::Document update) {
  docstore::Document filter{{"_id", id}, {"version", version}};
  CO_TRY(updated, co_await carts_.UpdateOne(std::move(filter), std::move(update)));
  co_return updated.matched == 1;
}

Task<std::optional<StoredCart>> MongoCartStore::Load(CartKey key) {
  // Documents are built before co_await: g++ 12 miscompiles braced lists inside it.
  docstore::Document filter{{"_id", CartId(key)}};
  CO_TRY(doc, co_await carts_.FindOne(std::move(filter)));
  if (!doc) co_return std::optional<StoredCart>{};
  CO_TRY(stored, FromDocument(*doc));
  co_return std::optional<StoredCart>{std::move(stored)};
}

json::object CartDocument(const StoredCart& cart) {
  json::array merged, applied;
  for (const auto& id : cart.merged_guests) merged.emplace_back(id);
  for (const auto& id : cart.applied_orders) applied.emplace_back(id);
  return {{"lines", Lines(cart.cart)},
          {"version", cart.version},
          {"merged_guests", std::move(merged)},
          {"applied_orders", std::move(applied)},
          {"outbox", OutboxArray(cart.outbox)},
          {"pending", !cart.outbox.empty()},
          {"updated_at", Date(cart.updated_at)}};
}

Task<StoredCart> MongoCartStore::Save(CartKey key, StoredCart next, TimePoint now) {
  const bool guest = key.kind == CartKey::Kind::guest;
  const std::int64_t expected = next.version;
  // The cart as it will be stored: the outbox is what the relay has not published yet, then
  // this change's events — written by the same single-document write as the change itself.
  StoredCart written = std::move(next);
  for (const auto& e : written.new_events) written.outbox.push_back(EncodeEvent(e, key, expected + 1, now, topic_prefix_));
  written.new_events.clear();
  written.version = expected + 1;
  written.updated_at = now;
  auto keep_latest = [](std::vector<std::string>& ids, std::size_t n) {
    if (ids.size() > n) ids.erase(ids.begin(), ids.end() - static_cast<std::ptrdiff_t>(n));
  };
  keep_latest(written.merged_guests, StoredCart::kMergedKept);
  keep_latest(written.applied_orders, StoredCart::kAppliedKept);
  json::object fields = CartDocument(written);
  fields["kind"] = guest ? "guest" : "customer";
  if (guest) fields["expires_at"] = Date(now + guest_ttl_);
  if (expected == 0) {
    fields["_id"] = CartId(key);
    auto inserted = co_await carts_.InsertOne(std::move(fields));
    if (!inserted) {
      if (inserted.error().code == Errc::conflict)
        co_return core::Fail(Errc::conflict, "the cart was created by another change meanwhile");
      co_return std::unexpected(std::move(inserted.error()));
    }
    co_return written;
  }
  docstore::Document update{{"$set", std::move(fields)}};
  CO_TRY(updated, co_await UpdateIfVersion(CartId(key), expected, std::move(update)));
  if (!updated) co_return core::Fail(Errc::conflict, "the cart was changed by another request meanwhile");
  co_return written;
}

Task<bool> MongoCartStore::Delete(CartKey key, std::int64_t expected) {
  docstore::Document filter{{"_id", CartId(key)}, {"version", expected}};
  CO_TRY(deleted, co_await carts_.DeleteOne(std::move(filter)));
  if (deleted == 1) co_return true;
  docstore::Document any{{"_id", CartId(key)}};
  CO_TRY(still, co_await carts_.FindOne(std::move(any)));
  if (still) co_return core::Fail(Errc::conflict, "the cart was changed by another request meanwhile");
  co_return false;
}

Task<std::vector<CartKey>> MongoCartStore::WithPendingEvents(std::int64_t limit) {
  docstore::Document filter{{"pending", true}};
  docstore::FindOptions options;
  options.projection = docstore::Document{{"_id", 1}};
  options.limit = limit;
  CO_TRY(found, co_await carts_.Find(std::move(filter), std::move(options)));
  std::vector<CartKey> keys;
  for (const auto& doc : found)
    if (const json::value* id = doc.if_contains("_id"); id && id->is_string())
      if (auto key = CartKeyOf(id->get_string())) keys.push_back(std::move(*key));
  co_return keys;
}

Task<core::Status> MongoCartStore::DropPublished(CartKey key, std::int64_t version, std::vector<PendingEvent> remaining) {
  const bool pending = !remaining.empty();
  docstore::Document update{{"$set", json::object{{"outbox", OutboxArray(remaining)}, {"pending", pending}}}};
  CO_TRY(updated, co_await UpdateIfVersion(CartId(key), version, std::move(update)));
  if (!updated) co_return core::Fail(Errc::conflict, "the cart was changed meanwhile");
  co_return core::Status{};
}

Task<std::vector<std::pair<CartKey, std::int64_t>>> MongoCartStore::ExpiredGuests(TimePoint now, std::int64_t limit) {
  docstore::Document expired{{"kind", "guest"}, {"expires_at", json::object{{"$lt", Date(now)}}}, {"pending", json::object{{"$ne", true}}}};
  docstore::FindOptions options;
  options.projection = docstore::Document{{"_id", 1}, {"version", 1}};
  options.limit = limit;
  CO_TRY(found, co_await carts_.Find(std::move(expired), std::move(options)));
  std::vector<std::pair<CartKey, std::int64_t>> out;
  for (const auto& doc : found) {
    const json::value* id = doc.if_contains("_id");
    auto version = Int(doc, "version");
    if (!id || !id->is_string() || !version) continue;
    if (auto key = CartKeyOf(id->get_string())) out.emplace_back(std::move(*key), *version);
  }
  co_return out;
}

boost::asio::awaitable<core::Status> MongoCartStore::EnsureIndexes() {
  docstore::Document pending{{"pending", 1}};
  CO_TRY_STATUS(co_await carts_.CreateIndex(std::move(pending), "pending"));
  docstore::Document expiry{{"kind", 1}, {"expires_at", 1}};
  co_return co_await carts_.CreateIndex(std::move(expiry), "guest_expiry");
}

}  // namespace store::cart
