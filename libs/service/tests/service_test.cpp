// store::service::Run through a real process (store_service_example): arguments, config sources,
// exit codes, the ops routes, and the shutdown order on every path.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>

#include "store/http/client.hpp"
#include "store/service/periodic.hpp"
#include "store/testing/async.hpp"
#include "store/testing/process.hpp"

namespace {

using store::testing::ChildProcess;
using store::testing::TempDir;
using namespace std::chrono_literals;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Reply {
  int status = 0;
  std::string body;
};

Reply Get(int port, const std::string& path) {
  boost::asio::io_context ioc;
  store::http::Client client;
  auto r = store::testing::RunAwaitable(ioc, client.Get("http://127.0.0.1:" + std::to_string(port) + path));
  if (!r) return {};
  return {r->status, r->body};
}

class ServiceRun : public ::testing::Test {
 protected:
  TempDir dir_{"service_test"};
  std::string log_ = dir_.path() + "/service.log";
  std::string trace_ = dir_.path() + "/trace";
  std::map<std::string, std::string> Env(int port) {
    return {{"EXAMPLE_HTTP_PORT", std::to_string(port)}, {"EXAMPLE_EXAMPLE_TRACE_FILE", trace_}};
  }
  int RunToEnd(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), STORE_SERVICE_EXAMPLE_BIN);
    return store::testing::RunCommand(args, env, log_);
  }
};

TEST_F(ServiceRun, HelpConfigListsTheSharedAndTheServiceKeys) {
  EXPECT_EQ(RunToEnd({"--help-config"}), 0);
  auto out = ReadFile(log_);
  for (const char* key : {"http.port", "http.body_limit", "log.level", "greeting.text", "EXAMPLE_GREETING_TEXT"})
    EXPECT_NE(out.find(key), std::string::npos) << key;
}

TEST_F(ServiceRun, ABadValueExits2NamingTheKey) {
  EXPECT_EQ(RunToEnd({}, {{"EXAMPLE_HTTP_PORT", "70000"}}), 2);
  EXPECT_NE(ReadFile(log_).find("http.port"), std::string::npos) << ReadFile(log_);
  EXPECT_EQ(RunToEnd({}, {{"EXAMPLE_LOG_LEVEL", "loud"}}), 2);
  EXPECT_NE(ReadFile(log_).find("log.level"), std::string::npos) << ReadFile(log_);
}

TEST_F(ServiceRun, AMissingConfigFileExits2NamingIt) {
  EXPECT_EQ(RunToEnd({"--config", dir_.path() + "/nowhere.conf"}), 2);
  EXPECT_NE(ReadFile(log_).find("nowhere.conf"), std::string::npos);
  EXPECT_EQ(RunToEnd({"--config"}), 2);
}

TEST_F(ServiceRun, AMalformedConfigFileExits2) {
  std::ofstream(dir_.path() + "/bad.conf") << "this line has no equals sign\n";
  EXPECT_EQ(RunToEnd({"--config", dir_.path() + "/bad.conf"}), 2) << ReadFile(log_);
}

TEST_F(ServiceRun, AnUnknownArgumentExits2WithTheUsage) {
  EXPECT_EQ(RunToEnd({"frobnicate"}), 2);
  EXPECT_NE(ReadFile(log_).find("usage: store_example"), std::string::npos);
}

TEST_F(ServiceRun, ACommandRunsInsteadOfServingWithTheSameConfig) {
  EXPECT_EQ(RunToEnd({"show"}, {{"EXAMPLE_GREETING_TEXT", "from the environment"}}), 0);
  EXPECT_NE(ReadFile(log_).find("from the environment"), std::string::npos);
}

TEST_F(ServiceRun, ServesWithTheOpsRoutesAndStopsInOrderOnSigterm) {
  int port = store::testing::FreePort();
  ChildProcess p({STORE_SERVICE_EXAMPLE_BIN}, Env(port), log_);
  ASSERT_TRUE(store::testing::WaitUntil([&] { return Get(port, "/healthz").status == 200; }, 20s)) << p.LogTail();
  auto hello = Get(port, "/v1/hello");
  EXPECT_EQ(hello.status, 200);
  EXPECT_EQ(hello.body, "hello from the defaults file");
  EXPECT_EQ(Get(port, "/readyz").status, 200);
  EXPECT_NE(Get(port, "/metrics").body.find("http_requests_total"), std::string::npos);
  EXPECT_EQ(p.Stop(), 0) << p.LogTail();
  EXPECT_EQ(ReadFile(trace_), "started\nstop hook 2\nstop hook 1\nservice destroyed\n");
}

TEST_F(ServiceRun, AnotherConfigFileAndTheEnvironmentOverrideTheDefaults) {
  std::ofstream(dir_.path() + "/other.conf") << "greeting.text = from the other file\n";
  int port = store::testing::FreePort();
  {
    ChildProcess p({STORE_SERVICE_EXAMPLE_BIN, "--config", dir_.path() + "/other.conf"}, Env(port), log_);
    ASSERT_TRUE(store::testing::WaitUntil([&] { return Get(port, "/healthz").status == 200; }, 20s)) << p.LogTail();
    EXPECT_EQ(Get(port, "/v1/hello").body, "from the other file");
  }
  auto env = Env(port);
  env["EXAMPLE_GREETING_TEXT"] = "from the environment";
  ChildProcess p({STORE_SERVICE_EXAMPLE_BIN, "--config", dir_.path() + "/other.conf"}, env, log_);
  ASSERT_TRUE(store::testing::WaitUntil([&] { return Get(port, "/healthz").status == 200; }, 20s)) << p.LogTail();
  EXPECT_EQ(Get(port, "/v1/hello").body, "from the environment");
}

TEST_F(ServiceRun, AFailureInStartExits1WithoutRunningHooksIntoUnwoundObjects) {
  auto env = Env(store::testing::FreePort());
  env["EXAMPLE_EXAMPLE_FAIL_AT_START"] = "true";
  EXPECT_EQ(RunToEnd({}, env), 1);
  EXPECT_NE(ReadFile(log_).find("asked to fail at start"), std::string::npos);
  // The half-built service was destroyed by the unwinding; its hooks point into it, so none ran.
  EXPECT_EQ(ReadFile(trace_), "service destroyed\n");
}

TEST_F(ServiceRun, APortInUseExits1AfterTheSameShutdownSteps) {
  int port = store::testing::FreePort();
  ChildProcess first({STORE_SERVICE_EXAMPLE_BIN}, {{"EXAMPLE_HTTP_PORT", std::to_string(port)}}, dir_.path() + "/first.log");
  ASSERT_TRUE(store::testing::WaitUntil([&] { return Get(port, "/healthz").status == 200; }, 20s)) << first.LogTail();
  EXPECT_EQ(RunToEnd({}, Env(port)), 1);
  EXPECT_EQ(ReadFile(trace_), "started\nstop hook 2\nstop hook 1\nservice destroyed\n");
}

}  // namespace

TEST(Periodic, RunsARoundEachIntervalAndStopsPromptlyAfterTheRoundInProgress) {
  std::atomic<int> rounds{0};
  auto start = std::chrono::steady_clock::now();
  {
    store::service::Periodic periodic(std::chrono::milliseconds(20), [&] {
      store::service::RunRound([&]() -> boost::asio::awaitable<void> {
        ++rounds;
        co_return;
      });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(210));
  }
  EXPECT_GE(rounds.load(), 5);
  EXPECT_LE(rounds.load(), 11);
  int after = rounds.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(rounds.load(), after) << "no round after the destructor";
  // A long interval does not hold the destructor up.
  auto long_start = std::chrono::steady_clock::now();
  { store::service::Periodic idle(std::chrono::hours(1), [] {}); }
  EXPECT_LT(std::chrono::steady_clock::now() - long_start, std::chrono::seconds(1));
  (void)start;
}
