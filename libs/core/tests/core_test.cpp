#include <gtest/gtest.h>

#include <set>

#include "store/core/blocking_pool.hpp"
#include "store/core/clock.hpp"
#include "store/core/ids.hpp"
#include "store/core/money.hpp"
#include "store/core/result.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/detached.hpp>

using namespace store::core;

namespace {
Result<int> Half(int v) {
  if (v % 2) return Fail(Error::Invalid("odd"));
  return v / 2;
}
Result<int> Quarter(int v) {
  TRY(h, Half(v));
  TRY(q, Half(h));
  return q;
}
struct UserTag {};
struct OrderTag {};
}  // namespace

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_EQ(Quarter(8).value(), 2);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
}

TEST(Result, EveryCodeMapsToItsHttpStatus) {
  EXPECT_EQ(HttpStatusOf(Errc::invalid_argument), 400);
  EXPECT_EQ(HttpStatusOf(Errc::payload_too_large), 413);
  EXPECT_EQ(HttpStatusOf(Errc::header_too_large), 431);
  EXPECT_EQ(HttpStatusOf(Errc::unavailable), 503);
  EXPECT_EQ(TitleOf(Errc::not_found), "Not Found");
  EXPECT_TRUE(IsTransient(Errc::timeout));
  EXPECT_FALSE(IsTransient(Errc::conflict));
}

TEST(Ids, StrongIdsCompareByValueAndUuidsAreV4AndUnique) {
  using UserId = Id<UserTag>;
  static_assert(!std::is_convertible_v<Id<OrderTag>, UserId>);
  EXPECT_EQ(UserId("a"), UserId("a"));
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto u = NewUuid();
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[14], '4');
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(RandomHex(16).size(), 32u);
}

TEST(Money, ParsesExactlyWithTheCurrencyExponent) {
  auto eur = Currency::Parse("EUR").value();
  auto jpy = Currency::Parse("JPY").value();
  EXPECT_EQ(Money::Parse("12.34", eur)->minor_units(), 1234);
  EXPECT_EQ(Money::Parse("12.3", eur)->minor_units(), 1230);
  EXPECT_EQ(Money::Parse("12", eur)->minor_units(), 1200);
  EXPECT_EQ(Money::Parse("-0.05", eur)->minor_units(), -5);
  EXPECT_EQ(Money::Parse("500", jpy)->minor_units(), 500);
  EXPECT_FALSE(Money::Parse("12.345", eur));
  EXPECT_FALSE(Money::Parse("1.5", jpy));
  EXPECT_FALSE(Money::Parse("1e3", eur));
  EXPECT_FALSE(Money::Parse("99999999999999999999", eur));
  EXPECT_FALSE(Currency::Parse("eur"));
  EXPECT_FALSE(Currency::Parse("EURO"));
}

TEST(Money, ArithmeticRefusesMixedCurrenciesAndOverflow) {
  auto eur = Currency::Parse("EUR").value();
  auto usd = Currency::Parse("USD").value();
  Money a(1999, eur);
  EXPECT_EQ(a.Plus(Money(1, eur))->minor_units(), 2000);
  EXPECT_EQ(a.Times(3)->ToString(), "59.97 EUR");
  EXPECT_FALSE(a.Plus(Money(1, usd)));
  EXPECT_FALSE(Money(INT64_MAX, eur).Plus(Money(1, eur)));
  EXPECT_EQ(Money(-5, eur).Amount(), "-0.05");
  EXPECT_EQ(Money(7, Currency::Parse("KWD").value()).Amount(), "0.007");
}

TEST(Clock, FakeClockAdvancesOnlyWhenTold) {
  FakeClock c;
  auto t0 = c.Now();
  c.Advance(std::chrono::seconds(5));
  EXPECT_EQ(c.Now() - t0, std::chrono::seconds(5));
}

TEST(BlockingPool, RunsWorkOffTheIoThreadAndResumesOnIt) {
  boost::asio::io_context io;
  BlockingPool pool(2);
  std::thread::id io_thread, work_thread, resumed_thread;
  int got = 0;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        io_thread = std::this_thread::get_id();
        got = co_await pool.Run([&] {
          work_thread = std::this_thread::get_id();
          return 42;
        });
        resumed_thread = std::this_thread::get_id();
      },
      boost::asio::detached);
  io.run();
  EXPECT_EQ(got, 42);
  EXPECT_TRUE(work_thread != io_thread);
  EXPECT_TRUE(resumed_thread == io_thread);
}
