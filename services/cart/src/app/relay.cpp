#include "app/relay.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <set>

#include "store/log/log.hpp"

namespace store::cart {

void OutboxRelay::Wake(const CartKey& key) {
  {
    std::lock_guard lock(mu_);
    woken_.push_back(key);
  }
  cv_.notify_one();
}

Task<std::vector<PendingEvent>> OutboxRelay::Unpublished(CartKey key) {
  const std::string id = CartId(key);
  std::vector<PendingEvent> pending;
  auto held = co_await locks_.Lock(id);
  CO_TRY(found, co_await store_.Load(key));
  if (!found) co_return pending;
  for (auto& e : found->outbox)
    if (!published_.Contains(id, e.event_id)) pending.push_back(std::move(e));
  co_return pending;
}

Task<core::Status> OutboxRelay::DropPublished(CartKey key) {
  const std::string id = CartId(key);
  auto held = co_await locks_.Lock(id);
  CO_TRY(found, co_await store_.Load(key));
  if (!found) {  // merged and deleted meanwhile: nothing left to drop
    published_.ForgetCart(id);
    co_return core::Status{};
  }
  std::vector<PendingEvent> remaining;
  bool published = false;
  for (auto& e : found->outbox) {
    if (published_.Contains(id, e.event_id))
      published = true;
    else
      remaining.push_back(std::move(e));
  }
  if (published) CO_TRY_STATUS(co_await store_.DropPublished(key, found->version, std::move(remaining)));
  published_.ForgetCart(id);  // what was published is out of the document now (or was already)
  co_return core::Status{};
}

Task<std::size_t> OutboxRelay::RunOnce() {
  std::deque<CartKey> keys;
  {
    std::lock_guard lock(mu_);
    keys.swap(woken_);
  }
  if (keys.empty()) {
    CO_TRY(found, co_await store_.WithPendingEvents(scan_batch_));
    keys.assign(found.begin(), found.end());
  }
  std::set<std::string> done;  // a cart woken by several changes is relayed once a round
  // Carts not changed since their events went out: the relay drops those events itself.
  for (const auto& id : published_.Due(clock_.Now() - drop_delay_))
    if (auto key = CartKeyOf(id))
      if (auto dropped = co_await DropPublished(*key); !dropped)
        log::Warn("dropping a cart's published events failed (retried later)", {{"cart", id}, {"error", dropped.error().message}});
  // Every cart's unpublished events, then ONE acknowledged batch for them all: the producer's
  // linger and Kafka's acknowledgement are waited for once a round, not once a cart (a cart's
  // events stay in order: one key, one partition, one idempotent producer).
  std::vector<PendingEvent> batch;
  std::vector<std::pair<CartKey, std::vector<std::string>>> relayed;
  for (auto& key : keys) {
    if (!done.insert(CartId(key)).second) continue;
    auto pending = co_await Unpublished(key);
    if (!pending) {
      log::Warn("reading a cart's events failed (retried later)", {{"cart", CartId(key)}, {"error", pending.error().message}});
      std::lock_guard lock(mu_);
      ++stats_.failures;
      continue;
    }
    if (pending->empty()) continue;
    std::vector<std::string> ids;
    for (auto& e : *pending) {
      ids.push_back(e.event_id);
      batch.push_back(std::move(e));
    }
    relayed.emplace_back(std::move(key), std::move(ids));
  }
  if (batch.empty()) co_return std::size_t{0};
  // Not under any cart's lock: a broker that is slow or away must not hold up the shopper's changes.
  if (auto sent = publisher_.Publish(batch); !sent) {
    log::Warn("publishing the carts' events failed (retried later)",
              {{"carts", static_cast<std::int64_t>(relayed.size())}, {"error", sent.error().message}});
    std::lock_guard lock(mu_);
    stats_.failures += relayed.size();
    co_return std::size_t{0};
  }
  for (const auto& [key, ids] : relayed) published_.Add(CartId(key), ids, clock_.Now());
  {
    std::lock_guard lock(mu_);
    stats_.published += batch.size();
  }
  if (drop_delay_.count() == 0)
    for (const auto& [key, ids] : relayed)
      if (auto dropped = co_await DropPublished(key); !dropped)
        log::Warn("dropping a cart's published events failed (retried later)", {{"cart", CartId(key)}, {"error", dropped.error().message}});
  co_return batch.size();
}

void OutboxRelay::Run() {
  boost::asio::io_context ioc;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto round = boost::asio::co_spawn(ioc, RunOnce(), boost::asio::use_future);
    ioc.restart();
    ioc.run();
    auto published = round.get();
    lock.lock();
    // A failed round (the store or Kafka away) waits for the next scan; woken carts go at once.
    if (!published) log::Warn("the cart event relay's scan failed", {{"error", published.error().message}});
    cv_.wait_for(lock, scan_interval_, [this] { return stopping_ || !woken_.empty(); });
  }
}

void OutboxRelay::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

RelayStats OutboxRelay::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace store::cart
