#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <unistd.h>

#include "store/log/log.hpp"

using namespace store::log;

TEST(Log, WritesOneJsonObjectPerLineWithContextAndFields) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Init("svc-test", Level::info, fds[1]);
  Context ctx{"req-1", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"};
  Info("hello \"world\"", {{"order_id", "o-1"}, {"n", 3}}, &ctx);
  Debug("not written");
  close(fds[1]);
  char buf[4096];
  auto n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  ASSERT_GT(n, 0);
  std::string out(buf, static_cast<size_t>(n));
  ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  auto v = boost::json::parse(out).as_object();
  EXPECT_EQ(v.at("level").as_string(), "info");
  EXPECT_EQ(v.at("service").as_string(), "svc-test");
  EXPECT_EQ(v.at("request_id").as_string(), "req-1");
  EXPECT_EQ(v.at("trace_id").as_string(), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(v.at("msg").as_string(), "hello \"world\"");
  EXPECT_EQ(v.at("order_id").as_string(), "o-1");
  EXPECT_EQ(v.at("n").as_int64(), 3);
  EXPECT_TRUE(v.at("ts").as_string().ends_with("Z"));
  Init("svc-test", Level::info, 2);
}

TEST(Log, ParsesLevelNames) {
  EXPECT_EQ(ParseLevel("warn"), Level::warn);
  EXPECT_FALSE(ParseLevel("loud"));
}
