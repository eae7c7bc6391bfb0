#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "store/config/config.hpp"

using namespace store::config;
using namespace std::chrono_literals;

TEST(Config, DefaultsApplyWhenNothingIsSet) {
  Loader cfg("CFGTEST_A");
  EXPECT_EQ(cfg.Int("http.port", 8080, "port", 0, 65535), 8080);
  EXPECT_EQ(cfg.Duration("read.timeout", 30s, "t"), 30s);
  EXPECT_NO_THROW(cfg.Finish());
  EXPECT_EQ(cfg.keys().size(), 2u);
  EXPECT_NE(cfg.Describe().find("`CFGTEST_A_HTTP_PORT`"), std::string::npos);
}

TEST(Config, EnvironmentOverridesTheFileWhichOverridesTheDefault) {
  auto path = ::testing::TempDir() + "/cfg_b.env";
  std::ofstream(path) << "# comment\nhttp.port = 9000\nname = from-file\n";
  setenv("CFGTEST_B_NAME", "from-env", 1);
  Loader cfg("CFGTEST_B", path);
  EXPECT_EQ(cfg.Int("http.port", 8080, "port"), 9000);
  EXPECT_EQ(cfg.String("name", "default", "name"), "from-env");
  EXPECT_NO_THROW(cfg.Finish());
}

TEST(Config, FinishNamesEveryBadKey) {
  setenv("CFGTEST_C_HTTP_PORT", "70000", 1);
  setenv("CFGTEST_C_READ_TIMEOUT", "soon", 1);
  setenv("CFGTEST_C_MODE", "fast", 1);
  Loader cfg("CFGTEST_C");
  cfg.Int("http.port", 8080, "port", 0, 65535);
  cfg.Duration("read.timeout", 1s, "t");
  cfg.Choice("mode", "safe", {"safe", "strict"}, "m");
  cfg.Bytes("body.limit", 1024, "b");
  try {
    cfg.Finish();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("http.port (CFGTEST_C_HTTP_PORT)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("read.timeout"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'fast' is not one of safe, strict"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("body.limit"), std::string::npos) << msg;
  }
}

TEST(Config, ParsesDurationsAndSizesWithUnits) {
  EXPECT_EQ(ParseDuration("250ms"), 250ms);
  EXPECT_EQ(ParseDuration("5m"), 5min);
  EXPECT_EQ(ParseDuration("7d"), std::chrono::hours(168));
  EXPECT_FALSE(ParseDuration("5"));
  EXPECT_FALSE(ParseDuration("-5s"));
  EXPECT_EQ(ParseBytes("64KiB"), 65536);
  EXPECT_EQ(ParseBytes("100"), 100);
  EXPECT_FALSE(ParseBytes("1.5MiB"));
}
