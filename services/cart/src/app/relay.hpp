// The relay of the outbox inside each cart document: publishes a cart's pending events to Kafka
// (EventPublisher: in order, acknowledged), then drops exactly those from the document. A crash
// anywhere in between leaves them in the document and they go out again: at least once, never an
// event of a change that was not saved (the events are written by the change's own write).
//
// Which carts: the use cases wake it after every save that wrote events (Carts::OnEvents), and
// every `scan_interval` it asks the store for carts whose outbox is not empty (what a crash or a
// failed publish left behind).
//
// Dropping what was published: the relay records the published ids (PublishedEvents, shared
// with the use cases) and the cart's next save leaves them out of the document it writes; a cart
// not changed again within `drop_delay` has them dropped by the relay (a store write of its own,
// under the cart's lock — CartLocks, shared with the use cases — so a change and a drop never
// interleave in this process: FerretDB's updates are not atomic, cart_locks.hpp). So filling a
// cart costs one store write per change, and an idle cart one more at the end.
//
// Thread-safety: Wake from any thread; RunOnce/Run on the relay's own thread (Run until Stop).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "app/cart_locks.hpp"
#include "app/published.hpp"
#include "app/ports.hpp"
#include "store/core/clock.hpp"

namespace store::cart {

struct RelayStats {
  std::uint64_t published = 0;  // events acknowledged by Kafka
  std::uint64_t failures = 0;   // carts whose round failed (retried later)
};

class OutboxRelay {
 public:
  // drop_delay 0: the published events are dropped at once, in the same round.
  OutboxRelay(CartStore& store, EventPublisher& publisher, CartLocks& locks, PublishedEvents& published,
              const core::Clock& clock, std::chrono::milliseconds drop_delay = std::chrono::seconds(5),
              std::chrono::milliseconds scan_interval = std::chrono::seconds(5), std::int64_t scan_batch = 200)
      : store_(store), publisher_(publisher), locks_(locks), published_(published), clock_(clock), drop_delay_(drop_delay),
        scan_interval_(scan_interval), scan_batch_(scan_batch) {}

  // A cart wrote events: relay it soon.
  void Wake(const CartKey& key);
  // Relays every cart woken so far, or (none woken) the carts the store finds with pending
  // events, in one acknowledged batch. Returns how many events were published.
  Task<std::size_t> RunOnce();
  // Drops from the cart's document the events published before that are still there.
  Task<core::Status> DropPublished(CartKey key);
  // Runs rounds until Stop(): woken carts at once, a scan every scan_interval.
  void Run();
  void Stop();
  RelayStats stats() const;

 private:
  CartStore& store_;
  EventPublisher& publisher_;
  CartLocks& locks_;
  PublishedEvents& published_;
  const core::Clock& clock_;
  std::chrono::milliseconds drop_delay_;
  std::chrono::milliseconds scan_interval_;
  std::int64_t scan_batch_;

  // The cart's events not published yet (read under its lock).
  Task<std::vector<PendingEvent>> Unpublished(CartKey key);
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CartKey> woken_;
  bool stopping_ = false;
  RelayStats stats_;
};

}  // namespace store::cart
