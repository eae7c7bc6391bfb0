// contracts/openapi/user.yaml is true: every documented operation exists on the running service
// (the router does not answer 404/405 for it) and its example request gets one of the documented
// statuses; methods and paths the spec does not document are not served.
#include <algorithm>
#include <set>

#include "fixture.hpp"
#include "store/testing/contract.hpp"
#include "store/testing/openapi.hpp"

namespace usertest {
namespace {

constexpr const char* kRouterNotFound = "No resource matches this path.";

using OpenApi = UserFixture;

TEST_F(OpenApi, EveryDocumentedOperationAnswersADocumentedStatusAndNothingElseIsServed) {
  auto spec = store::testing::ReadOpenApi(std::string(STORE_CONTRACTS_DIR) + "/openapi/user.yaml");
  ASSERT_EQ(spec.version.rfind("3.1", 0), 0u);
  RegisterVerified("spec@example.com", kPassword);
  int operations = 0;
  for (const auto& operation : spec.operations) {
    ++operations;
    const auto& path = operation.path;
    // The example request: path and query parameters, body, a fresh token of the right role.
    std::string url = operation.ExamplePath();
    std::string query = operation.ExampleQuery();
    std::string body;
    if (!operation.request_example.is_null()) body = json::serialize(operation.request_example);
    std::string token;
    if (operation.secured) {
      bool admin = operation.role == "admin";
      auto t = admin ? Login("admin@shop.example", "admin password for tests") : Login("spec@example.com", kPassword);
      token = std::string(t.at("access_token").as_string());
    }
    std::string upper = operation.Verb();
    const auto& statuses = operation.statuses;
    if (operation.has_request_body) {  // a body of a media type it does not take: the documented 415
      bool takes_form = std::ranges::find(operation.request_media_types, "application/x-www-form-urlencoded") !=
                        operation.request_media_types.end();
      auto wrong = takes_form ? Call(upper, url + query, R"({"x":1})", token, "10.0.0.1", {{"Content-Type", "application/json"}})
                              : Call(upper, url + query, "x=1", token, "10.0.0.1", {{"Content-Type", "application/x-www-form-urlencoded"}});
      EXPECT_EQ(wrong.status, 415) << upper << " " << path << ": " << wrong.body;
      EXPECT_TRUE(statuses.contains(415)) << upper << " " << path;
    }
    auto r = Call(upper, url + query, body, token);
    EXPECT_TRUE(statuses.contains(r.status)) << upper << " " << path << " answered " << r.status << ": " << r.body;
    EXPECT_NE(r.status, 405) << upper << " " << path;
    EXPECT_EQ(r.body.find(kRouterNotFound), std::string::npos) << upper << " " << path << " is not routed";
    // Without a token, a protected operation is a documented 401.
    if (operation.secured && !operation.anonymous_allowed) {
      auto anonymous = Call(upper, url + query, body);
      EXPECT_EQ(anonymous.status, 401) << upper << " " << path;
      EXPECT_TRUE(statuses.contains(401)) << upper << " " << path;
    }
  }
  // Undocumented methods on a documented path: 405.
  for (const auto& [path, methods] : spec.Routes()) {
    std::string concrete = store::testing::ConcretePath(path, {}, "00000000-0000-4000-8000-000000000000");
    for (const auto& verb : store::testing::HttpMethods()) {
      if (methods.contains(verb)) continue;
      std::string upper = store::testing::UpperCase(verb);
      auto r = Call(upper, concrete, upper == "GET" || upper == "DELETE" ? "" : "{}");
      EXPECT_EQ(r.status, 405) << upper << " " << path << " is served but not documented";
    }
  }
  EXPECT_GE(operations, 28);
  // Plausible paths the spec does not have are not served.
  for (const char* path : {"/v1/users", "/v1/auth/token", "/v1/auth/oidc/local", "/v1/admin/users/00000000-0000-4000-8000-000000000000/sessions",
                           "/v1/me/addresses/00000000-0000-4000-8000-000000000000/default", "/v1/me/roles", "/v1/auth/verify",
                           "/jwks.json", "/v1/admin/users/00000000-0000-4000-8000-000000000000/delete"}) {
    for (const char* method : {"GET", "POST"}) {
      auto r = Call(method, path, std::string(method) == "POST" ? "{}" : "");
      EXPECT_EQ(r.status, 404) << method << " " << path;
      EXPECT_NE(r.body.find(kRouterNotFound), std::string::npos) << method << " " << path;
    }
  }
}

// The request policy every service shares (libs/http: 415 for a body that is not JSON, 413 over
// the body limit, 401 without a token) is documented on every operation, and no answer has a
// status the contract does not list.
TEST_F(OpenApi, EveryOperationKeepsTheSharedRequestPolicyWithDocumentedStatusesOnly) {
  auto spec = store::testing::ReadOpenApi(std::string(STORE_CONTRACTS_DIR) + "/openapi/user.yaml");
  RegisterVerified("policy@example.com", kPassword);
  std::string customer(Login("policy@example.com", kPassword).at("access_token").as_string());
  std::string admin(Login("admin@shop.example", "admin password for tests").at("access_token").as_string());
  auto violations = store::testing::CheckRequestPolicy(spec, server_->Url(""), {.tokens = {{"", customer}, {"admin", admin}}});
  EXPECT_TRUE(violations.empty()) << store::testing::Join(violations);
}

}  // namespace
}  // namespace usertest
