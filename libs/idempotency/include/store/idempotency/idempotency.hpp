// store::idempotency — the Idempotency-Key rules of every state-changing API route (Stripe's): the
// first request with a key runs; its answer (2xx/4xx) is stored and repeated to every later request
// with the same key and the same method, path and body (header Idempotent-Replayed: true); the same
// key with another request is a 422; a request arriving while the first is still running waits for
// its answer (409 after `wait`). A 5xx is not stored: a retry runs again. Keys are per caller
// (`scope`) and kept 24 hours (Store::Purge).
//
//   store::idempotency::MariaDbStore keys(db);          // table idempotency_keys (migrations/ here)
//   store::idempotency::Idempotent idempotent(keys, clock);
//   router.Post("/v1/orders", [&](Request& req) { return idempotent.Run(req, caller, [&]() -> awaitable<Response> {...}); });
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "store/core/clock.hpp"
#include "store/core/result.hpp"
#include "store/http/message.hpp"

namespace store::db {
class Database;
}

namespace store::idempotency {

using boost::asio::awaitable;
using TimePoint = core::Clock::time_point;

struct StoredAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Where keys and their answers are kept.
class Store {
 public:
  enum class Verdict { fresh, replay, mismatch, in_progress };
  struct Claim {
    Verdict verdict = Verdict::fresh;
    StoredAnswer answer = {};  // for replay
  };
  virtual ~Store() = default;
  // Claims (scope, key) for a request whose method, target and body hash to `request_hash`.
  virtual awaitable<core::Result<Claim>> Begin(std::string scope, std::string key, std::string request_hash, TimePoint now) = 0;
  virtual awaitable<core::Status> Finish(std::string scope, std::string key, StoredAnswer answer) = 0;
  // Forgets a claim whose request failed without an answer worth repeating (5xx): a retry runs again.
  virtual awaitable<core::Status> Abandon(std::string scope, std::string key) = 0;
  // Drops records made before `before`; returns how many.
  virtual awaitable<core::Result<std::int64_t>> Purge(TimePoint before, int limit) = 0;
};

// Store on MariaDB: table idempotency_keys (libs/idempotency/migrations, applied by the service
// with store::db::Migrate next to its own; versions 950+ are reserved for it). A claim still in
// progress after `stale_after` is taken over by the next request with the key: its process died
// (killed, crashed) before storing an answer, and the key must not stay blocked for ever. So a
// handler must be safe to run again after a crash: idempotent by itself (the payment service makes
// one intent per order; the order service finds the order its key placed).
class MariaDbStore final : public Store {
 public:
  explicit MariaDbStore(db::Database& db, std::chrono::seconds stale_after = std::chrono::seconds(30))
      : db_(db), stale_after_(stale_after) {}
  awaitable<core::Result<Claim>> Begin(std::string scope, std::string key, std::string request_hash, TimePoint now) override;
  awaitable<core::Status> Finish(std::string scope, std::string key, StoredAnswer answer) override;
  awaitable<core::Status> Abandon(std::string scope, std::string key) override;
  awaitable<core::Result<std::int64_t>> Purge(TimePoint before, int limit) override;

 private:
  db::Database& db_;
  std::chrono::seconds stale_after_;
};

class Idempotent {
 public:
  Idempotent(Store& store, const core::Clock& clock, std::chrono::milliseconds wait = std::chrono::seconds(10))
      : store_(store), clock_(clock), wait_(wait) {}
  // `scope`: whose keys (the caller's subject). 400 without an Idempotency-Key header.
  awaitable<http::Response> Run(const http::Request& req, std::string scope, std::function<awaitable<http::Response>()> handler);

 private:
  Store& store_;
  const core::Clock& clock_;
  std::chrono::milliseconds wait_;
};

}  // namespace store::idempotency
