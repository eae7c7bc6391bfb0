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

Task<std::size_t> OutboxRelay::Relay(CartKey key) {
  const std::string id = CartId(key);
  std::vector<PendingEvent> pending;
  {
    auto held = co_await locks_.Lock(id);
    CO_TRY(found, co_await store_.Load(key));
    if (!found) co_return std::size_t{0};
    for (auto& e : found->outbox)
      if (!published_.Contains(id, e.event_id)) pending.push_back(std::move(e));
  }
  if (pending.empty()) co_return std::size_t{0};
  // Not under the lock: a broker that is slow or away must not hold up the shopper's changes.
  CO_TRY_STATUS(publisher_.Publish(pending));
  std::vector<std::string> ids;
  for (const auto& e : pending) ids.push_back(e.event_id);
  published_.Add(id, ids, clock_.Now());
  {
    std::lock_guard lock(mu_);
    stats_.published += pending.size();
  }
  if (drop_delay_.count() == 0) CO_TRY_STATUS(co_await DropPublished(key));
  co_return pending.size();
}

Task<core::Status> OutboxRelay::DropPublished(CartKey key) {
  const std::string id = CartId(key);
  auto held = co_await locks_.Lock(id);
  CO_TRY(found, co_await store_.Load(key));
  if (!found) {  // merged and deleted meanwhile: nothing left to drop
    published_.ForgetCart(id);
    co_return core::Status{};
  }
  std::vector<std::string> ids;
  for (const auto& e : found->outbox)
    if (published_.Contains(id, e.event_id)) ids.push_back(e.event_id);
  if (!ids.empty()) CO_TRY_STATUS(co_await store_.DropPublished(key, found->version, ids));
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
  std::size_t published = 0;
  std::set<std::string> done;  // a cart woken by several changes is relayed once a round
  // Carts not changed since their events went out: the relay drops those events itself.
  for (const auto& id : published_.Due(clock_.Now() - drop_delay_))
    if (auto key = CartKeyOf(id))
      if (auto dropped = co_await DropPublished(*key); !dropped)
        log::Warn("dropping a cart's published events failed (retried later)", {{"cart", id}, {"error", dropped.error().message}});
  for (auto& key : keys) {
    if (!done.insert(CartId(key)).second) continue;
    auto n = co_await Relay(key);
    if (n) {
      published += *n;
      continue;
    }
    log::Warn("relaying a cart's events failed (retried later)", {{"cart", CartId(key)}, {"error", n.error().message}});
    std::lock_guard lock(mu_);
    ++stats_.failures;
  }
  co_return published;
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
