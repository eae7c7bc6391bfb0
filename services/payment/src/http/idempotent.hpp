// Idempotency-Key on the API's state-changing routes (Stripe's rules): the first request with a
// key runs; its answer (2xx/4xx) is stored and repeated to every later request with the same key
// and the same method, path and body (header Idempotent-Replayed: true); the same key with another
// request is a 422; a request arriving while the first is still running waits for its answer
// (409 after `wait`). A 5xx is not stored: a retry runs again. Keys are per caller.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "app/ports.hpp"
#include "store/http/message.hpp"

namespace store::payment {

class Idempotent {
 public:
  Idempotent(IdempotencyStore& store, const core::Clock& clock, std::chrono::milliseconds wait = std::chrono::seconds(10))
      : store_(store), clock_(clock), wait_(wait) {}
  // `scope`: whose keys (the caller's subject).
  awaitable<http::Response> Run(const http::Request& req, std::string scope, std::function<awaitable<http::Response>()> handler);

 private:
  IdempotencyStore& store_;
  const core::Clock& clock_;
  std::chrono::milliseconds wait_;
};

}  // namespace store::payment
