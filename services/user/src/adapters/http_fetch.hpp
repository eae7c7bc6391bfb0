// Blocking HTTP(S) calls to OpenID providers through libcurl (libs/http's Client is plain HTTP
// only, and Google & co. are HTTPS). Callers run Fetch on a BlockingPool, never on an I/O
// thread. TLS certificates are verified (system CA store); redirects are not followed.
// Thread-safety: each call uses its own easy handle; CurlGlobalInit() once at start-up.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "store/core/result.hpp"

namespace store::user {

struct FetchRequest {
  std::string method = "GET";  // any verb; a body is sent when not empty
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string basic_user;  // HTTP Basic when non-empty (client_secret_basic)
  std::string basic_password;
  std::chrono::milliseconds timeout{5000};
};

struct FetchResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string Header(std::string_view name) const;            // "" when absent
};

void CurlGlobalInit();
// unavailable when the provider cannot be reached, timeout when it is too slow; any HTTP status
// is a response. Bodies above 1 MiB are refused (unavailable).
core::Result<FetchResponse> Fetch(const FetchRequest& request);
// application/x-www-form-urlencoded encoding of one value.
std::string FormEncode(std::string_view value);

}  // namespace store::user
