// IdempotencyStore on MariaDB (table idempotency_keys): the first request with a key claims it
// (a row in state in_progress), its answer is stored with it (state done) and repeated to every
// later request with the same key and body.
#pragma once

#include "app/ports.hpp"
#include "store/db/db.hpp"

namespace store::payment {

class MariaDbIdempotency final : public IdempotencyStore {
 public:
  explicit MariaDbIdempotency(db::Database& db) : db_(db) {}
  awaitable<core::Result<Claim>> Begin(std::string scope, std::string key, std::string request_hash, TimePoint now) override;
  awaitable<core::Status> Finish(std::string scope, std::string key, StoredAnswer answer) override;
  awaitable<core::Status> Abandon(std::string scope, std::string key) override;
  awaitable<core::Result<std::int64_t>> Purge(TimePoint before, int limit) override;

 private:
  db::Database& db_;
};

}  // namespace store::payment
