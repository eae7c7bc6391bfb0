// Unit tests: no server.
#include <gtest/gtest.h>

#include <cstdlib>

#include "store/cache/cache.hpp"
#include "store/config/config.hpp"

namespace {

TEST(CacheOptions, AreDeclaredOnTheConfigLoaderAndReadFromTheEnvironment) {
  ::setenv("CACHETEST_CACHE_PORT", "16380", 1);
  ::setenv("CACHETEST_CACHE_COMMAND_TIMEOUT", "150ms", 1);
  store::config::Loader cfg("CACHETEST");
  auto o = store::cache::Options::Declare(cfg);
  cfg.Finish();
  EXPECT_EQ(o.port, 16380);
  EXPECT_EQ(o.command_timeout, std::chrono::milliseconds(150));
  EXPECT_EQ(o.host, "127.0.0.1");
}

TEST(CacheConnection, ToAClosedPortFailsWithUnavailable) {
  store::cache::Options o;
  o.port = 1;  // nothing listens on port 1 of loopback
  auto conn = store::cache::Connection::Open(o);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, store::core::Errc::unavailable);
}

}  // namespace
