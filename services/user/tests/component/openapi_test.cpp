// contracts/openapi/user.yaml is true: every documented operation exists on the running service
// (the router does not answer 404/405 for it) and its example request gets one of the documented
// statuses; methods and paths the spec does not document are not served.
#include <yaml-cpp/yaml.h>

#include <set>

#include "fixture.hpp"

namespace usertest {
namespace {

constexpr const char* kRouterNotFound = "No resource matches this path.";

json::value ToJson(const YAML::Node& n) {
  if (n.IsMap()) {
    json::object o;
    for (const auto& kv : n) o[kv.first.as<std::string>()] = ToJson(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    json::array a;
    for (const auto& e : n) a.push_back(ToJson(e));
    return a;
  }
  if (n.IsNull()) return nullptr;
  auto text = n.as<std::string>();
  if (n.Tag() == "!") return json::value(text);  // quoted: a string
  if (text == "true") return true;
  if (text == "false") return false;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (!text.empty() && *end == '\0') return v;
  return json::value(text);
}

using OpenApi = UserFixture;

TEST_F(OpenApi, EveryDocumentedOperationAnswersADocumentedStatusAndNothingElseIsServed) {
  auto spec = YAML::LoadFile(std::string(STORE_CONTRACTS_DIR) + "/openapi/user.yaml");
  ASSERT_EQ(spec["openapi"].as<std::string>().rfind("3.1", 0), 0u);
  RegisterVerified("spec@example.com", kPassword);
  const std::set<std::string> verbs{"get", "post", "put", "patch", "delete"};
  int operations = 0;
  for (const auto& path_item : spec["paths"]) {
    auto path = path_item.first.as<std::string>();
    std::set<std::string> documented;
    for (const auto& op : path_item.second) {
      auto method = op.first.as<std::string>();
      if (!verbs.contains(method)) continue;
      documented.insert(method);
      ++operations;
      const auto& operation = op.second;
      // The example request: path and query parameters, body, a fresh token of the right role.
      std::string url = path;
      std::string query;
      for (const auto& p : operation["parameters"]) {
        if (!p["example"]) continue;
        auto name = p["name"].as<std::string>();
        auto value = p["example"].as<std::string>();
        if (p["in"].as<std::string>() == "path") url.replace(url.find("{" + name + "}"), name.size() + 2, value);
        else if (p["in"].as<std::string>() == "query") query += (query.empty() ? "?" : "&") + name + "=" + value;
      }
      std::string body;
      if (auto rb = operation["requestBody"]; rb && rb["content"]["application/json"]["example"])
        body = json::serialize(ToJson(rb["content"]["application/json"]["example"]));
      std::string token;
      if (operation["security"]) {
        bool admin = operation["x-role"] && operation["x-role"].as<std::string>() == "admin";
        auto t = admin ? Login("admin@shop.example", "admin password for tests") : Login("spec@example.com", kPassword);
        token = std::string(t.at("access_token").as_string());
      }
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(ch));
      std::set<long> statuses;
      for (const auto& resp : operation["responses"]) statuses.insert(std::stol(resp.first.as<std::string>()));
      if (operation["requestBody"]) {  // a body that is not JSON: the documented 415
        auto wrong = Call(upper, url + query, "x=1", token, "10.0.0.1", {{"Content-Type", "application/x-www-form-urlencoded"}});
        EXPECT_EQ(wrong.status, 415) << upper << " " << path << ": " << wrong.body;
        EXPECT_TRUE(statuses.contains(415)) << upper << " " << path;
      }
      auto r = Call(upper, url + query, body, token);
      EXPECT_TRUE(statuses.contains(r.status)) << upper << " " << path << " answered " << r.status << ": " << r.body;
      EXPECT_NE(r.status, 405) << upper << " " << path;
      EXPECT_EQ(r.body.find(kRouterNotFound), std::string::npos) << upper << " " << path << " is not routed";
      // Without a token, a protected operation is a documented 401.
      if (operation["security"] && !operation["security"][1]) {
        auto anonymous = Call(upper, url + query, body);
        EXPECT_EQ(anonymous.status, 401) << upper << " " << path;
        EXPECT_TRUE(statuses.contains(401)) << upper << " " << path;
      }
    }
    // Undocumented methods on a documented path: 405.
    std::string concrete = path;
    for (auto open = concrete.find('{'); open != std::string::npos; open = concrete.find('{'))
      concrete.replace(open, concrete.find('}', open) - open + 1, "00000000-0000-4000-8000-000000000000");
    for (const auto& verb : verbs) {
      if (documented.contains(verb)) continue;
      std::string upper = verb;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(ch));
      if (upper == "GET" && documented.contains("head")) continue;
      auto r = Call(upper, concrete, upper == "GET" || upper == "DELETE" ? "" : "{}");
      EXPECT_EQ(r.status, 405) << upper << " " << path << " is served but not documented";
    }
  }
  EXPECT_GE(operations, 27);
  // Plausible paths the spec does not have are not served.
  for (const char* path : {"/v1/users", "/v1/auth/token", "/v1/auth/oidc/local", "/v1/admin/users/00000000-0000-4000-8000-000000000000",
                           "/v1/me/addresses/00000000-0000-4000-8000-000000000000/default", "/v1/me/roles", "/v1/auth/verify",
                           "/jwks.json", "/v1/admin/users/00000000-0000-4000-8000-000000000000/delete"}) {
    for (const char* method : {"GET", "POST"}) {
      auto r = Call(method, path, std::string(method) == "POST" ? "{}" : "");
      EXPECT_EQ(r.status, 404) << method << " " << path;
      EXPECT_NE(r.body.find(kRouterNotFound), std::string::npos) << method << " " << path;
    }
  }
}

}  // namespace
}  // namespace usertest
