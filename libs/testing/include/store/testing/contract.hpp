// The request policy every service shares (libs/http), checked against a running service and
// its contract (contracts/openapi/<service>.yaml). For each documented operation it sends:
//   - the example request without a token: a secured operation must answer 401;
//   - the example request with a token of the operation's role (x-role; "" for any customer),
//     when the test gives one;
//   - for an operation that takes JSON, a body declared as text/plain: must answer 415;
//   - for an operation that takes a body, one byte over its body limit: must answer 413
//     (both are refused before authentication, so they are sent with the token, if any);
// and every answer's status must be one the operation lists. The outside API tester found
// exactly these drifts (415 answered by one service, 201 by another; 413 documented nowhere),
// so a contract test that uses this fails on them.
//
//   auto violations = store::testing::CheckRequestPolicy(spec, base_url, {.tokens = {{"admin", t}}});
//   EXPECT_TRUE(violations.empty()) << store::testing::Join(violations);
//
// Mutating example requests are sent as they are: give the probe a service whose state the test
// owns. Thread-safety: none needed (one call, one thread).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "store/testing/openapi.hpp"

namespace store::testing {

// Every member has a default initializer, so designated initializers may leave any out (g++ 12's
// -Wmissing-field-initializers warns about a member without one).
struct RequestPolicyOptions {
  // Bearer tokens by x-role ("" is used for secured operations without x-role).
  std::map<std::string, std::string> tokens = {};
  // Path parameter values by name, when the parameter has no example; else `fallback_id`.
  std::map<std::string, std::string> path_values = {};
  std::string fallback_id = "1";
  // The server's body limit (http.body_limit) and any route's own, by documented path.
  std::size_t body_limit = 1024 * 1024;
  std::map<std::string, std::size_t> route_body_limits = {};
};

// One line per violation ("POST /v1/x: text/plain body answered 201, want 415"); empty when the
// running service at `base_url` (http://127.0.0.1:port) keeps the policy and its contract.
std::vector<std::string> CheckRequestPolicy(const OpenApi& spec, const std::string& base_url,
                                            const RequestPolicyOptions& options = {});

// Whether `status` is listed for the operation; a readable violation otherwise.
std::string UndocumentedStatus(const OpenApiOperation& op, int status, const std::string& what);

std::string Join(const std::vector<std::string>& lines);

}  // namespace store::testing
