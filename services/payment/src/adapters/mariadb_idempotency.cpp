#include "adapters/mariadb_idempotency.hpp"

namespace store::payment {

awaitable<core::Result<IdempotencyStore::Claim>> MariaDbIdempotency::Begin(std::string scope, std::string key, std::string request_hash,
                                                                            TimePoint now) {
  auto fn = [&](db::Connection& c) -> core::Result<Claim> {
    auto inserted = c.Execute("INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, created_at) VALUES (?, ?, ?, 'in_progress', ?)",
                              scope, key, request_hash, db::ToDbTime(now));
    if (inserted) return Claim{};
    if (inserted.error().code != core::Errc::conflict) return std::unexpected(inserted.error());
    TRY(row, c.QueryOne("SELECT request_hash, state, status_code, content_type, body FROM idempotency_keys WHERE scope = ? AND idem_key = ?",
                        scope, key));
    if (!row) return core::Fail(core::Error::Unavailable("the idempotency key was released meanwhile; retry"));
    if (row->Text("request_hash") != request_hash) return Claim{.verdict = Verdict::mismatch};
    if (row->Text("state") != "done") return Claim{.verdict = Verdict::in_progress};
    return Claim{.verdict = Verdict::replay,
                 .answer = {.status = static_cast<int>(row->Int("status_code")),
                            .content_type = row->OptText("content_type").value_or(""),
                            .body = row->OptText("body").value_or("")}};
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Status> MariaDbIdempotency::Finish(std::string scope, std::string key, StoredAnswer answer) {
  auto fn = [&](db::Connection& c) -> core::Status {
    TRY_STATUS(c.Execute("UPDATE idempotency_keys SET state = 'done', status_code = ?, content_type = ?, body = ? WHERE scope = ? AND idem_key = ?",
                         static_cast<std::int64_t>(answer.status), answer.content_type, answer.body, scope, key));
    return {};
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Status> MariaDbIdempotency::Abandon(std::string scope, std::string key) {
  auto fn = [&](db::Connection& c) -> core::Status {
    TRY_STATUS(c.Execute("DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND state = 'in_progress'", scope, key));
    return {};
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::int64_t>> MariaDbIdempotency::Purge(TimePoint before, int limit) {
  auto fn = [&](db::Connection& c) -> core::Result<std::int64_t> {
    TRY(done, c.Execute("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT ?", db::ToDbTime(before), static_cast<std::int64_t>(limit)));
    return static_cast<std::int64_t>(done.affected_rows);
  };
  co_return co_await db_.Run(fn);
}

}  // namespace store::payment
