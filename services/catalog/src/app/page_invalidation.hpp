// The ONE way a product page leaves the cache after a write, for every path that changes what a
// page shows (HTTP use cases, the Kafka stock consumer, the reservation expiry sweep).
//
// After the write's transaction committed, the pages of the changed products (by id and by every
// slug) are dropped at once, and dropped again `again_after` later: a reader that loaded the page
// from the database just before the commit and stores it just after the first drop would
// otherwise leave a stale page (e.g. the old availability) for the whole page TTL.
// Thread-safe.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "app/model.hpp"
#include "app/ports.hpp"
#include "store/core/blocking_pool.hpp"

namespace store::catalog {

class PageInvalidation {
 public:
  static constexpr std::chrono::milliseconds kAgainAfter{300};

  explicit PageInvalidation(PageCache& cache, std::chrono::milliseconds again_after = kAgainAfter)
      : cache_(cache), again_after_(again_after) {}

  // Drops now (blocking) and schedules the second drop. A cache failure is logged, never
  // returned: the write has committed, and pages expire anyway.
  void Invalidate(const Changes& changes);

  // The same from a coroutine: Invalidate on a pool thread, never on an I/O thread.
  boost::asio::awaitable<void> InvalidateAsync(const Changes& changes);

 private:
  PageCache& cache_;
  std::chrono::milliseconds again_after_;
  core::BlockingPool pool_{2};
};

}  // namespace store::catalog
