#include "adapters/redis_cart_cache.hpp"

#include <boost/json.hpp>

#include "adapters/mongo_cart_store.hpp"
#include "store/log/log.hpp"

namespace store::cart {
namespace json = boost::json;

namespace {

// KEYS[1] the entry; ARGV[1] the cart's version; ARGV[2] "<version>\n<document>"; ARGV[3] ttl (ms).
// Writes the entry unless the cached one is as new or newer.
constexpr const char* kPutIfNewer = R"(
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '\n', 1, true)
  if sep and tonumber(string.sub(cur, 1, sep - 1)) >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
)";

// The same, for a change that keeps the version (the relay dropped published events): the entry
// is replaced only while it still holds that version.
constexpr const char* kReplaceSameVersion = R"(
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local sep = string.find(cur, '\n', 1, true)
if not sep or tonumber(string.sub(cur, 1, sep - 1)) ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
)";

// The entry of a cart that does not exist (version 0, no document).
constexpr const char* kAbsent = "0\n";

void Ignored(std::string_view what, const core::Error& e) {
  log::Debug("the cart cache is unavailable; the store answers alone", {{"call", what}, {"error", e.message}});
}

}  // namespace

boost::asio::awaitable<void> RedisCartCache::Put(const CartKey& key, const StoredCart& cart, const char* script) {
  std::string version = std::to_string(cart.version);
  std::string value = version + "\n" + json::serialize(CartDocument(cart));
  cache::Command put{"EVAL", script, "1", prefix_ + CartId(key), version, std::move(value), std::to_string(ttl_.count())};
  auto r = co_await redis_.Run(std::move(put));
  if (!r) Ignored("put", r.error());
}

boost::asio::awaitable<std::optional<std::optional<StoredCart>>> RedisCartCache::Cached(const CartKey& key) {
  auto hit = co_await redis_.Get(prefix_ + CartId(key));
  if (!hit) Ignored("get", hit.error());
  if (!hit || !*hit) co_return std::nullopt;
  const std::string& entry = **hit;
  if (entry == kAbsent) co_return std::optional<StoredCart>();
  const auto sep = entry.find('\n');
  boost::system::error_code ec;
  json::value doc = sep == std::string::npos ? json::value() : json::parse(std::string_view(entry).substr(sep + 1), ec);
  if (!ec && doc.is_object())
    if (auto cart = FromDocument(doc.get_object())) co_return std::optional<StoredCart>(std::move(*cart));
  log::Warn("a cached cart could not be read; reading the store", {{"cart", CartId(key)}});
  co_return std::nullopt;
}

boost::asio::awaitable<void> RedisCartCache::Drop(const CartKey& key) {
  auto r = co_await redis_.Del(prefix_ + CartId(key));
  if (!r) Ignored("drop", r.error());
}

Task<std::optional<StoredCart>> RedisCartCache::Load(CartKey key) {
  if (auto cached = co_await Cached(key)) co_return std::move(*cached);
  CO_TRY(found, co_await store_.Load(key));
  if (found) {
    co_await Put(key, *found, kPutIfNewer);
  } else {
    // No cart: remembered as version 0 (any save is newer), so reads of carts that do not exist
    // — a guest's first visit, made-up tokens — do not all reach the store.
    cache::Command absent{"EVAL", kPutIfNewer, "1", prefix_ + CartId(key), "0", kAbsent, std::to_string(ttl_.count())};
    auto r = co_await redis_.Run(std::move(absent));
    if (!r) Ignored("put", r.error());
  }
  co_return found;
}

Task<StoredCart> RedisCartCache::Save(CartKey key, StoredCart next, TimePoint now) {
  CO_TRY(written, co_await store_.Save(key, std::move(next), now));
  co_await Put(key, written, kPutIfNewer);
  co_return written;
}

Task<bool> RedisCartCache::Delete(CartKey key, std::int64_t expected) {
  auto deleted = co_await store_.Delete(key, expected);
  co_await Drop(key);
  co_return deleted;
}

Task<std::vector<std::pair<CartKey, std::int64_t>>> RedisCartCache::ExpiredGuests(TimePoint now, std::int64_t limit) {
  co_return co_await store_.ExpiredGuests(now, limit);
}

Task<std::vector<CartKey>> RedisCartCache::WithPendingEvents(std::int64_t limit) {
  co_return co_await store_.WithPendingEvents(limit);
}

Task<core::Status> RedisCartCache::DropPublished(CartKey key, std::int64_t version, std::vector<PendingEvent> remaining) {
  auto dropped = co_await store_.DropPublished(key, version, remaining);
  // The entry loses the same events (the version stays): reviews keep hitting the cache. Any
  // doubt (an error, another version cached): the entry is dropped.
  std::optional<StoredCart> cached;
  if (dropped)
    if (auto entry = co_await Cached(key)) cached = std::move(*entry);
  if (!cached || cached->version != version) {
    co_await Drop(key);
    co_return dropped;
  }
  cached->outbox = std::move(remaining);
  co_await Put(key, *cached, kReplaceSameVersion);
  co_return dropped;
}

}  // namespace store::cart
