// Events the relay published that are still in their cart's outbox, by cart id. The next save of
// that cart leaves them out of the document it writes (Strip, then Forget once saved), so a cart
// being filled costs one store write per change, not two; the relay drops them itself only from
// a cart that is not changed again within its drop delay (Due). Lost on a restart: the events
// are then published again (the same event ids; consumers' inboxes drop the duplicates).
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "app/ports.hpp"

namespace store::cart {

class PublishedEvents {
 public:
  void Add(const std::string& cart, const std::vector<std::string>& ids, TimePoint at) {
    std::lock_guard lock(mu_);
    auto& c = carts_[cart];
    if (c.ids.empty()) c.since = at;
    c.ids.insert(ids.begin(), ids.end());
  }
  // Takes the events already published out of `outbox`; answers their ids.
  std::vector<std::string> Strip(const std::string& cart, std::vector<PendingEvent>& outbox) const {
    std::vector<std::string> stripped;
    std::lock_guard lock(mu_);
    auto it = carts_.find(cart);
    if (it == carts_.end()) return stripped;
    std::erase_if(outbox, [&](const PendingEvent& e) {
      if (!it->second.ids.contains(e.event_id)) return false;
      stripped.push_back(e.event_id);
      return true;
    });
    return stripped;
  }
  bool Contains(const std::string& cart, const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = carts_.find(cart);
    return it != carts_.end() && it->second.ids.contains(id);
  }
  // The events are out of the document (a save or the relay's drop wrote it without them).
  void Forget(const std::string& cart, const std::vector<std::string>& ids) {
    std::lock_guard lock(mu_);
    auto it = carts_.find(cart);
    if (it == carts_.end()) return;
    for (const auto& id : ids) it->second.ids.erase(id);
    if (it->second.ids.empty()) carts_.erase(it);
  }
  void ForgetCart(const std::string& cart) {
    std::lock_guard lock(mu_);
    carts_.erase(cart);
  }
  // Carts whose published events are still in their documents.
  std::size_t carts() const {
    std::lock_guard lock(mu_);
    return carts_.size();
  }
  // Carts holding published events since before `before`.
  std::vector<std::string> Due(TimePoint before) const {
    std::vector<std::string> due;
    std::lock_guard lock(mu_);
    for (const auto& [cart, c] : carts_)
      if (c.since <= before) due.push_back(cart);
    return due;
  }

 private:
  struct Cart {
    std::set<std::string> ids;
    TimePoint since;
  };
  mutable std::mutex mu_;
  std::map<std::string, Cart> carts_;
};

}  // namespace store::cart
