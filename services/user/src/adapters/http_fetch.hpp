// HTTP(S) calls to OpenID providers through libcurl (libs/http's Client is plain HTTP only, and
// Google & co. are HTTPS). TLS certificates are verified (system CA store); redirects are not
// followed; bodies above 1 MiB are refused (unavailable).
// Fetch blocks: CurlFetcher (the HttpFetcher port) runs it on its own BlockingPool, never on an
// I/O thread. Thread-safety: each call uses its own easy handle; CurlGlobalInit() once at start-up.
#pragma once

#include <cstddef>
#include <memory>

#include "app/ports.hpp"
#include "store/core/blocking_pool.hpp"

namespace store::user {

void CurlGlobalInit();
// unavailable when the server cannot be reached, timeout when it is too slow; any HTTP status is
// a response. (The component tests use it as their HTTP client too.)
core::Result<FetchResponse> Fetch(const FetchRequest& request);

class CurlFetcher final : public HttpFetcher {
 public:
  explicit CurlFetcher(std::size_t threads) : pool_(std::make_unique<core::BlockingPool>(threads)) {}
  Task<FetchResponse> Fetch(const FetchRequest& request) override;

 private:
  std::unique_ptr<core::BlockingPool> pool_;
};

}  // namespace store::user
