// No card data, after the whole suite: ctest runs this test last (FIXTURES_CLEANUP of the fixture
// every store_test requires), and it scans what the suite left in the engines and on disk for
// card numbers and the tests' CVC (card_data_scan.hpp): every table of every MariaDB schema but
// the server's own, every Redis string value, every OpenSearch document, every record of the
// shop's topics (deploy/kafka/topics.conf), every email in MailDev, and the logs (the tests'
// /tmp/store_*.log, the shop's .state/log/*.log). The tests type every sandbox test card (and the
// CVC 7319) into the provider's page; none of it may be found on the shop's side.
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "card_data_scan.hpp"
#include "store/db/db.hpp"
#include "store/http/client.hpp"
#include "store/testing/async.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"

using namespace store::payment::testing::card_data;

namespace {

std::string Get(const std::string& url) {
  boost::asio::io_context ioc;
  store::http::Client client;
  auto r = store::testing::RunAwaitable(ioc, client.Get(url));
  return r && r->status == 200 ? r->body : std::string();
}

std::string Command(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

}  // namespace

TEST(AfterTheSuite, NoCardNumberAndNoCvcInAnyDatabase) {
  auto e = store::testing::Engines::FromEnv();
  store::db::Options o;
  o.host = e.host;
  o.port = e.mariadb_port;
  o.user = e.mariadb_user;
  o.password = e.mariadb_password;
  store::db::Database db(o);
  auto tables = db.RunSync([](store::db::Connection& c) {
    return c.Query("SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND "
                   "table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')");
  });
  ASSERT_TRUE(tables) << tables.error().message;
  for (const auto& t : *tables) {
    std::string name = "`" + t.Text("s") + "`.`" + t.Text("t") + "`";
    auto rows = db.RunSync([&](store::db::Connection& c) { return c.Query("SELECT * FROM " + name); });
    if (!rows) continue;  // dropped by its test meanwhile
    std::string dump;
    for (const auto& r : *rows)
      for (std::size_t i = 0; i < r.size(); ++i) dump += r[i].value_or("") + "\t";
    ExpectClean("table " + name, dump);
  }
}

TEST(AfterTheSuite, NoCardNumberAndNoCvcInRedis) {
  auto e = store::testing::Engines::FromEnv();
  std::string cli = "redis-cli -h " + e.host + " -p " + std::to_string(e.redis_port);
  std::istringstream keys(Command(cli + " --scan --count 1000"));
  std::vector<std::string> batch;
  std::string key, values;
  auto flush = [&] {
    if (batch.empty()) return;
    std::string args;
    for (const auto& k : batch) args += " '" + k + "'";
    values += Command(cli + " --raw MGET" + args + " 2>/dev/null");
    batch.clear();
  };
  while (std::getline(keys, key)) {
    if (key.find('\'') != std::string::npos) continue;
    batch.push_back(key);
    if (batch.size() == 200) flush();
  }
  flush();
  ExpectClean("redis", values);
}

TEST(AfterTheSuite, NoCardNumberAndNoCvcInOpenSearch) {
  auto e = store::testing::Engines::FromEnv();
  std::string base = "http://" + e.host + ":" + std::to_string(e.opensearch_port);
  std::istringstream indices(Get(base + "/_cat/indices?h=index"));
  std::string index;
  while (std::getline(indices, index)) {
    if (index.empty() || index[0] == '.') continue;  // OpenSearch's own
    ExpectClean("index " + index, Get(base + "/" + index + "/_search?size=10000"));
  }
}

TEST(AfterTheSuite, NoCardNumberAndNoCvcOnTheShopsTopics) {
  std::ifstream conf(std::string(STORE_SOURCE_DIR) + "/deploy/kafka/topics.conf");
  ASSERT_TRUE(conf);
  std::string line;
  while (std::getline(conf, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string topic = line.substr(0, line.find_first_of(" \t"));
    std::string all;
    for (const auto& m : store::testing::ReadAll(topic, std::chrono::seconds(10))) all += m.value + "\n";
    ExpectClean("topic " + topic, all);
  }
}

TEST(AfterTheSuite, NoCardNumberAndNoCvcInTheEmails) {
  auto e = store::testing::Engines::FromEnv();
  ExpectClean("MailDev", Get("http://" + e.host + ":" + std::to_string(e.maildev_web_port) + "/email"));
}

TEST(AfterTheSuite, NoCardNumberAndNoCvcInTheLogs) {
  int scanned = 0;
  auto scan_dir = [&](const std::string& dir, const std::string& prefix) {
    if (!std::filesystem::is_directory(dir)) return;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      auto name = entry.path().filename().string();
      if (!entry.is_regular_file() || name.rfind(prefix, 0) != 0 || name.find(".log") == std::string::npos) continue;
      ExpectClean(entry.path().string(), ReadFile(entry.path().string()));
      ++scanned;
    }
  };
  scan_dir("/tmp", "store_");
  scan_dir(std::string(STORE_SOURCE_DIR) + "/.state/log", "");
  EXPECT_GT(scanned, 0) << "the suite's services leave their logs in /tmp/store_*.log";
}
