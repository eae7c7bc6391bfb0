// The shared test plumbing itself: the OpenAPI reader against a small document and the real
// contracts, and child processes (environment, log, working directory, exit codes, SIGTERM then
// SIGKILL), ports, polling and temporary directories.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/testing/engines.hpp"
#include "store/testing/openapi.hpp"
#include "store/testing/schema.hpp"
#include "store/testing/process.hpp"

namespace store::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSpec = R"(openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /v1/things/{id}:
    parameters:
      - {name: id, in: path, required: true}
    get:
      parameters:
        - {name: id, in: path, example: '42'}
        - {name: size, in: query, example: 5}
        - {name: q, in: query}
      responses:
        '200': {description: ok}
        '404': {description: missing}
    put:
      security: [{bearer: []}]
      x-role: admin
      requestBody:
        content:
          application/json:
            example: {name: "Kettle", count: 2, on: true, code: '007'}
      responses:
        '204': {description: done}
        '401': {description: no token}
        '415': {description: not json}
  /v1/me:
    get:
      security: [{bearer: []}, {}]
      responses:
        '200': {description: ok}
)";

TEST(EventSchema, AcceptsAMatchingEventAndNamesEachViolation) {
  namespace json = boost::json;
  json::object ok{{"sku", "A-1"}, {"product_id", "p1"}, {"on_hand", 5}, {"reserved", 1}, {"available", 4},
                  {"in_stock_product", true}, {"reason", "reserved"}, {"order_id", nullptr}, {"extra", "ignored"}};
  EXPECT_TRUE(store::testing::EventSchemaViolations("stock.changed.v1", ok).empty());
  auto bad = ok;
  bad.erase("sku");
  bad["available"] = -1;
  bad["reason"] = "stolen";
  bad["in_stock_product"] = "yes";
  auto v = store::testing::EventSchemaViolations("stock.changed.v1", bad);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_NE(v[0].find("lacks sku"), std::string::npos);
  EXPECT_FALSE(store::testing::EventSchemaViolations("no.such.topic.v1", ok).empty());
  for (const auto& entry : std::filesystem::directory_iterator(store::testing::ContractsDir() + "/events"))
    EXPECT_EQ(store::testing::EventSchemaViolations(entry.path().stem().stem().string(), {}).empty(),
              false) << entry.path() << " requires nothing or does not parse";
}

TEST(OpenApiReader, ReadsOperationsStatusesExamplesAndSecurity) {
  TempDir dir("store-testing-openapi");
  std::string file = dir.path() + "/spec.yaml";
  std::ofstream(file) << kSpec;
  auto spec = ReadOpenApi(file);
  EXPECT_EQ(spec.version, "3.1.0");
  ASSERT_EQ(spec.operations.size(), 3u);  // path-level `parameters` is not an operation
  const auto& get = spec.operations[0];
  EXPECT_EQ(get.path, "/v1/things/{id}");
  EXPECT_EQ(get.method, "get");
  EXPECT_EQ(get.Verb(), "GET");
  EXPECT_EQ(get.statuses, (std::set<int>{200, 404}));
  EXPECT_EQ(get.ExamplePath(), "/v1/things/42");
  EXPECT_EQ(get.ExampleQuery(), "?size=5");
  EXPECT_FALSE(get.secured);
  EXPECT_FALSE(get.has_request_body);
  const auto& put = spec.operations[1];
  EXPECT_TRUE(put.secured);
  EXPECT_FALSE(put.anonymous_allowed);
  EXPECT_EQ(put.role, "admin");
  EXPECT_TRUE(put.has_request_body);
  EXPECT_EQ(put.request_example,
            boost::json::parse(R"({"name":"Kettle","count":2,"on":true,"code":"007"})"));
  EXPECT_EQ(put.ExamplePath(), "/v1/things/{id}");  // no example of its own: stays templated
  const auto& me = spec.operations[2];
  EXPECT_TRUE(me.secured);
  EXPECT_TRUE(me.anonymous_allowed);
  auto routes = spec.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes.at("/v1/things/{id}").size(), 2u);
  EXPECT_EQ(routes.at("/v1/things/{id}").at("put"), (std::set<int>{204, 401, 415}));
  EXPECT_THROW(ReadOpenApi(dir.path() + "/missing.yaml"), std::exception);
}

TEST(OpenApiReader, ReadsEveryContractOfTheRepository) {
  int documents = 0;
  for (const auto& entry : std::filesystem::directory_iterator(STORE_CONTRACTS_DIR "/openapi")) {
    if (entry.path().extension() != ".yaml") continue;
    auto spec = ReadOpenApi(entry.path().string());
    EXPECT_EQ(spec.version.rfind("3.1", 0), 0u) << entry.path();
    EXPECT_FALSE(spec.operations.empty()) << entry.path();
    for (const auto& op : spec.operations) EXPECT_FALSE(op.statuses.empty()) << entry.path() << " " << op.method << " " << op.path;
    ++documents;
  }
  EXPECT_GE(documents, 4);
}

TEST(OpenApiReader, ConcretePathFillsEachPlaceholder) {
  EXPECT_EQ(ConcretePath("/v1/p/{id}/images/{image_id}", {{"id", "1"}}, "x"), "/v1/p/1/images/x");
  EXPECT_EQ(ConcretePath("/v1/p/{id}/{id}", {{"id", "7"}}, "x"), "/v1/p/7/7");
  EXPECT_EQ(ConcretePath("/healthz", {}, "x"), "/healthz");
}

TEST(Process, EnvironmentLogWorkingDirectoryAndExitCode) {
  TempDir dir("store-testing-process");
  std::string log = dir.path() + "/child.log";
  ChildProcess child({"sh", "-c", "echo \"value=$STORE_TESTING_X\"; pwd; echo oops >&2; exit 3"},
                     {{"STORE_TESTING_X", "forty two"}}, log, dir.path());
  EXPECT_EQ(child.Wait(10s), 3);
  EXPECT_FALSE(child.Running());
  EXPECT_NE(child.Log().find("value=forty two\n" + dir.path() + "\noops"), std::string::npos) << child.Log();
  EXPECT_EQ(RunCommand({"sh", "-c", "exit 5"}), 5);
  EXPECT_EQ(RunCommand({"/nonexistent/binary"}), 127);
}

TEST(Process, StopIsSigtermThenSigkillAndWaitKillsAfterItsTimeout) {
  ChildProcess polite({"sleep", "30"});
  EXPECT_TRUE(polite.Running());
  EXPECT_EQ(polite.Stop(5s), 128 + SIGTERM);
  ChildProcess stubborn({"sh", "-c", "trap '' TERM; sleep 30"});
  std::this_thread::sleep_for(200ms);  // the trap is set
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(stubborn.Stop(300ms), 128 + SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  ChildProcess slow({"sleep", "30"});
  EXPECT_EQ(slow.Wait(100ms), -1);
  EXPECT_FALSE(slow.Running());
}

TEST(Process, PortsPollingAndTempDir) {
  int port = FreePort();
  EXPECT_GT(port, 0);
  EXPECT_FALSE(PortOpen(port));
  int calls = 0;
  EXPECT_TRUE(WaitUntil([&] { return ++calls == 3; }, 5s));
  EXPECT_FALSE(WaitUntil([] { return false; }, 100ms));
  std::string path;
  {
    TempDir dir("store-testing-tmp");
    path = dir.path();
    EXPECT_TRUE(std::filesystem::is_directory(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace store::testing
