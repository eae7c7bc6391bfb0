// The relay of the outbox inside each cart document: publishes a cart's pending events to Kafka
// (EventPublisher: in order, acknowledged), then drops exactly those from the document. A crash
// anywhere in between leaves them in the document and they go out again: at least once, never an
// event of a change that was not saved (the events are written by the change's own write).
//
// Which carts: the use cases wake it after every save that wrote events (Carts::OnEvents), and
// every `scan_interval` it asks the store for carts whose outbox is not empty (what a crash or a
// failed publish left behind). Dropping the published events happens under the cart's lock
// (CartLocks, shared with the use cases), so a change and a drop never interleave in this
// process (FerretDB's updates are not atomic: cart_locks.hpp).
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
#include "app/ports.hpp"

namespace store::cart {

struct RelayStats {
  std::uint64_t published = 0;  // events acknowledged by Kafka and dropped from their carts
  std::uint64_t failures = 0;   // rounds of a cart that failed (retried later)
};

class OutboxRelay {
 public:
  OutboxRelay(CartStore& store, EventPublisher& publisher, CartLocks& locks,
              std::chrono::milliseconds scan_interval = std::chrono::seconds(5), std::int64_t scan_batch = 200)
      : store_(store), publisher_(publisher), locks_(locks), scan_interval_(scan_interval), scan_batch_(scan_batch) {}

  // A cart wrote events: relay it soon.
  void Wake(const CartKey& key);
  // Relays every cart woken so far, or (none woken) the carts the store finds with pending
  // events. Returns how many events were published.
  Task<std::size_t> RunOnce();
  // Relays one cart's pending events.
  Task<std::size_t> Relay(CartKey key);
  // Runs rounds until Stop(): woken carts at once, a scan every scan_interval.
  void Run();
  void Stop();
  RelayStats stats() const;

 private:
  CartStore& store_;
  EventPublisher& publisher_;
  CartLocks& locks_;
  std::chrono::milliseconds scan_interval_;
  std::int64_t scan_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CartKey> woken_;
  bool stopping_ = false;
  RelayStats stats_;
};

}  // namespace store::cart
