#include "store/idempotency/idempotency.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "store/auth/secrets.hpp"
#include "store/db/db.hpp"

namespace store::idempotency {

namespace {

http::Response Replay(const StoredAnswer& answer) {
  http::Response r(answer.status, answer.body, answer.content_type);
  r.SetHeader("Idempotent-Replayed", "true");
  return r;
}

}  // namespace

awaitable<http::Response> Idempotent::Run(const http::Request& req, std::string scope,
                                          std::function<awaitable<http::Response>()> handler) {
  std::string key(req.Header("Idempotency-Key"));
  if (key.empty() || key.size() > 255)
    co_return http::Response(core::Error::Invalid("an Idempotency-Key header (1..255 characters) is required",
                                                  {{"Idempotency-Key", "required, 1..255 characters"}}));
  std::string request_hash = auth::Sha256Hex(std::string(req.method_string()) + " " + std::string(req.target()) + "\n" + req.body());
  auto deadline = std::chrono::steady_clock::now() + wait_;
  for (;;) {
    auto claim = co_await store_.Begin(scope, key, request_hash, clock_.Now());
    if (!claim) co_return http::Response(claim.error());
    switch (claim->verdict) {
      case Store::Verdict::fresh: {
        http::Response response = co_await handler();
        core::Status stored;
        if (response.status() >= 500) {
          stored = co_await store_.Abandon(scope, key);
        } else {
          StoredAnswer answer{response.status(), response.content_type(), response.body()};
          stored = co_await store_.Finish(scope, key, std::move(answer));
        }
        if (!stored) co_return http::Response(stored.error());
        co_return response;
      }
      case Store::Verdict::replay: co_return Replay(claim->answer);
      case Store::Verdict::mismatch:
        co_return http::Response(core::Error::Unprocessable("this Idempotency-Key was used with another request",
                                                            {{"Idempotency-Key", "already used with another method, path or body"}}));
      case Store::Verdict::in_progress: break;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      co_return http::Response(core::Error::Conflict("a request with this Idempotency-Key is still in progress; retry later"));
    boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(25));
    co_await pause.async_wait(boost::asio::use_awaitable);
  }
}



awaitable<core::Result<Store::Claim>> MariaDbStore::Begin(std::string scope, std::string key, std::string request_hash,
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
    if (row->Text("state") != "done") {
      // A claim older than stale_after belongs to a request that died with its process: taken over.
      TRY(taken, c.Execute("UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND idem_key = ? AND state = 'in_progress' "
                           "AND created_at < ?",
                           db::ToDbTime(now), scope, key, db::ToDbTime(now - stale_after_)));
      return Claim{.verdict = taken.affected_rows == 1 ? Verdict::fresh : Verdict::in_progress};
    }
    return Claim{.verdict = Verdict::replay,
                 .answer = {.status = static_cast<int>(row->Int("status_code")),
                            .content_type = row->OptText("content_type").value_or(""),
                            .body = row->OptText("body").value_or("")}};
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Status> MariaDbStore::Finish(std::string scope, std::string key, StoredAnswer answer) {
  auto fn = [&](db::Connection& c) -> core::Status {
    TRY_STATUS(c.Execute("UPDATE idempotency_keys SET state = 'done', status_code = ?, content_type = ?, body = ? WHERE scope = ? AND idem_key = ?",
                         static_cast<std::int64_t>(answer.status), answer.content_type, answer.body, scope, key));
    return {};
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Status> MariaDbStore::Abandon(std::string scope, std::string key) {
  auto fn = [&](db::Connection& c) -> core::Status {
    TRY_STATUS(c.Execute("DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND state = 'in_progress'", scope, key));
    return {};
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::int64_t>> MariaDbStore::Purge(TimePoint before, int limit) {
  auto fn = [&](db::Connection& c) -> core::Result<std::int64_t> {
    TRY(done, c.Execute("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT ?", db::ToDbTime(before), static_cast<std::int64_t>(limit)));
    return static_cast<std::int64_t>(done.affected_rows);
  };
  co_return co_await db_.Run(fn);
}


}  // namespace store::idempotency
