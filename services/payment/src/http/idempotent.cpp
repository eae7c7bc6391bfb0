#include "http/idempotent.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "store/auth/secrets.hpp"

namespace store::payment {

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
      case IdempotencyStore::Verdict::fresh: {
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
      case IdempotencyStore::Verdict::replay: co_return Replay(claim->answer);
      case IdempotencyStore::Verdict::mismatch:
        co_return http::Response(core::Error::Unprocessable("this Idempotency-Key was used with another request",
                                                            {{"Idempotency-Key", "already used with another method, path or body"}}));
      case IdempotencyStore::Verdict::in_progress: break;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      co_return http::Response(core::Error::Conflict("a request with this Idempotency-Key is still in progress; retry later"));
    boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(25));
    co_await pause.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace store::payment
