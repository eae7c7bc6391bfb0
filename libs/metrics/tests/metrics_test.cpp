#include "store/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>

namespace store::metrics {
namespace {

core::Status RunReadiness(const Readiness& r) {
  boost::asio::io_context ioc;
  auto f = boost::asio::co_spawn(ioc, r.Run(), boost::asio::use_future);
  ioc.run();
  return f.get();
}

TEST(MetricsRegistry, RendersCountersInPrometheusTextFormat) {
  Registry reg;
  reg.GetCounter("orders_total", "Orders placed", {{"channel", "web"}}).Inc(3);
  reg.GetCounter("orders_total", "Orders placed", {{"channel", "a\"b"}}).Inc();
  reg.GetCounter("plain_total", "No labels").Inc();
  std::string text = reg.Render();
  EXPECT_NE(text.find("# HELP orders_total Orders placed\n# TYPE orders_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("orders_total{channel=\"web\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("orders_total{channel=\"a\\\"b\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("plain_total 1\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, RendersGaugesFromTheirCurrentValueAtScrapeTime) {
  Registry reg;
  double lag = 7;
  reg.SetGauge("kafka_consumer_lag", "Records behind", {{"group", "g1"}}, [&] { return lag; });
  EXPECT_NE(reg.Render().find("# TYPE kafka_consumer_lag gauge\nkafka_consumer_lag{group=\"g1\"} 7\n"),
            std::string::npos)
      << reg.Render();
  lag = 2.5;
  EXPECT_NE(reg.Render().find("kafka_consumer_lag{group=\"g1\"} 2.5\n"), std::string::npos) << reg.Render();
  EXPECT_THROW(reg.GetCounter("kafka_consumer_lag", "x"), std::logic_error);
}

TEST(MetricsRegistry, ReturnsTheSameSeriesForTheSameLabels) {
  Registry reg;
  auto& a = reg.GetCounter("x_total", "x", {{"k", "v"}});
  auto& b = reg.GetCounter("x_total", "x", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
}

TEST(MetricsRegistry, RendersHistogramsWithCumulativeBucketsSumAndCount) {
  Registry reg;
  auto& h = reg.GetHistogram("latency_seconds", "Latency", {{"route", "/r"}}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string text = reg.Render();
  EXPECT_NE(text.find("# TYPE latency_seconds histogram\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/r\",le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/r\",le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/r\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_sum{route=\"/r\"} 5.55\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_count{route=\"/r\"} 3\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, CountsCorrectlyFromManyThreads) {
  Registry reg;
  auto& c = reg.GetCounter("n_total", "n");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) reg.GetCounter("n_total", "n").Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000u);
}

TEST(MetricsRegistry, RejectsOneNameWithTwoTypes) {
  Registry reg;
  reg.GetCounter("dup", "d");
  EXPECT_THROW(reg.GetHistogram("dup", "d"), std::logic_error);
}

TEST(Readiness, PassesWhenEveryCheckPasses) {
  Readiness r;
  r.Add("a", []() -> boost::asio::awaitable<core::Status> { co_return core::Status{}; });
  EXPECT_TRUE(RunReadiness(r).has_value());
}

TEST(Readiness, NamesTheFailingCheck) {
  Readiness r;
  r.Add("db", []() -> boost::asio::awaitable<core::Status> { co_return core::Status{}; });
  r.Add("kafka", []() -> boost::asio::awaitable<core::Status> {
    co_return core::Fail(core::Errc::unavailable, "broker down at 10.0.0.1");
  });
  auto s = RunReadiness(r);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::Errc::unavailable);
  EXPECT_NE(s.error().message.find("kafka"), std::string::npos);
  EXPECT_EQ(s.error().message.find("10.0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace store::metrics
