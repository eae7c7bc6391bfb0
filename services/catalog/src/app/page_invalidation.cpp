#include "app/page_invalidation.hpp"

#include "store/log/log.hpp"

namespace store::catalog {

void PageInvalidation::Invalidate(const Changes& changes) {
  if (changes.empty()) return;
  std::vector<std::string> keys;
  for (const auto& id : changes.products) keys.push_back(id.value());
  for (const auto& slug : changes.slugs) keys.push_back(slug);
  if (auto dropped = cache_.Drop(keys); !dropped)
    log::Warn("page cache invalidation failed", {{"error", dropped.error().message}});
  cache_.DropAfter(std::move(keys), again_after_);
}

boost::asio::awaitable<void> PageInvalidation::InvalidateAsync(const Changes& changes) {
  if (changes.empty()) co_return;
  auto run = [&] { Invalidate(changes); };
  co_await pool_.Run(run);
}

}  // namespace store::catalog
