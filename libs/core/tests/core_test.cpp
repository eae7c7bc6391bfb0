#include <gtest/gtest.h>

#include <set>

#include "store/core/blocking_pool.hpp"
#include "store/core/clock.hpp"
#include "store/core/connection_pool.hpp"
#include "store/core/ids.hpp"
#include "store/core/money.hpp"
#include "store/core/result.hpp"
#include "store/core/text.hpp"
#include "store/core/when_all.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_future.hpp>

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

TEST(Ids, IsUuidAcceptsOnlyTheCanonicalForm) {
  EXPECT_TRUE(store::core::IsUuid(store::core::NewUuid()));
  EXPECT_TRUE(store::core::IsUuid("0B4F0F7E-6A0B-4C57-9A57-2F3B1D5F6C01"));
  EXPECT_FALSE(store::core::IsUuid("0b4f0f7e6a0b4c579a572f3b1d5f6c01"));
  EXPECT_FALSE(store::core::IsUuid("0b4f0f7e-6a0b-4c57-9a57-2f3b1d5f6c0g"));
  EXPECT_FALSE(store::core::IsUuid("0b4f0f7e-6a0b-4c57-9a57-2f3b1d5f6c01 "));
  EXPECT_FALSE(store::core::IsUuid(""));
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

TEST(Timestamp, ParsesUtcAndOffsetsToTheSameInstant) {
  auto utc = ParseTimestamp("2024-05-01T12:00:00.5Z");
  auto plus2 = ParseTimestamp("2024-05-01T14:00:00.500+02:00");
  ASSERT_TRUE(utc && plus2);
  EXPECT_EQ(*utc, *plus2);
  EXPECT_EQ(FormatTimestamp(*utc), "2024-05-01T12:00:00.500Z");
}

TEST(Timestamp, AcceptsTheWholeRepresentableRange) {
  EXPECT_TRUE(ParseTimestamp("1678-01-01T00:00:00Z"));
  EXPECT_TRUE(ParseTimestamp("2261-12-31T23:59:59.999Z"));
}

TEST(Timestamp, RejectsMalformedDates) {
  for (auto bad : {"2024-05-01", "2024-05-01T12:00:00", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                   "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00Zjunk", "2024-05-01 12:00:00Z",
                   // outside what a nanosecond system_clock can hold (was a signed overflow)
                   "2999-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1600-01-01T00:00:00Z"})
    EXPECT_FALSE(ParseTimestamp(bad)) << bad;
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

namespace {
// A stand-in connection for the pool's own rules (the engines' pools are tested against them).
struct FakeConn {
  int id;
  bool is_broken = false;
  int* pings;
  bool Ping() {
    ++*pings;
    return !is_broken;
  }
  bool broken() const { return is_broken; }
};
}  // namespace

// Three steps waiting 150, 50 and 100 ms take about 150 ms together, their results in their order;
// a step that throws lets the others finish, then its exception comes out.
TEST(WhenAll, RunsTheStepsAtOnceAndKeepsTheirOrder) {
  boost::asio::io_context ioc;
  auto wait_then = [](int ms, int value) -> boost::asio::awaitable<int> {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await t.async_wait(boost::asio::use_awaitable);
    if (value < 0) throw std::runtime_error("step failed");
    co_return value;
  };
  auto all = [&](std::vector<int> values) -> boost::asio::awaitable<std::vector<int>> {
    const int delays_ms[] = {150, 50, 100};
    std::vector<boost::asio::awaitable<int>> steps;
    for (std::size_t i = 0; i < values.size(); ++i) steps.push_back(wait_then(delays_ms[i], values[i]));
    co_return co_await store::core::WhenAll(std::move(steps));
  };
  const auto start = std::chrono::steady_clock::now();
  auto done = boost::asio::co_spawn(ioc, all({1, 2, 3}), boost::asio::use_future);
  ioc.run();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(done.get(), (std::vector<int>{1, 2, 3}));
  EXPECT_LT(took, std::chrono::milliseconds(250)) << "one after the other would take 300 ms";

  ioc.restart();
  auto failing = boost::asio::co_spawn(ioc, all({1, -1, 3}), boost::asio::use_future);
  ioc.run();
  EXPECT_THROW(failing.get(), std::runtime_error);

  ioc.restart();
  auto none = boost::asio::co_spawn(ioc, all({}), boost::asio::use_future);
  ioc.run();
  EXPECT_TRUE(none.get().empty());
}

TEST(ConnectionPool, OpensLazilyUpToItsSizeThenTimesOutAsUnavailable) {
  int opened = 0, pings = 0;
  ConnectionPool<FakeConn> pool({"fake", 2, std::chrono::milliseconds(50), std::chrono::hours(1)},
                                [&]() -> Result<std::unique_ptr<FakeConn>> {
                                  return std::make_unique<FakeConn>(FakeConn{++opened, false, &pings});
                                });
  auto a = pool.Take();
  auto b = pool.Take();
  ASSERT_TRUE(a && b);
  auto c = pool.Take();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::unavailable);
  EXPECT_NE(c.error().message.find("no free fake connection"), std::string::npos);
  pool.Give(std::move(*a));
  auto d = pool.Take();
  ASSERT_TRUE(d);
  EXPECT_EQ(opened, 2);   // reused, not reopened
  EXPECT_EQ(pings, 0);    // fresh and nothing discarded: no ping needed
  EXPECT_EQ(pool.Stats().open, 2u);
}

TEST(ConnectionPool, DiscardsABrokenConnectionAndPingsTheOthersBeforeReuse) {
  int opened = 0, pings = 0;
  ConnectionPool<FakeConn> pool({"fake", 2, std::chrono::milliseconds(50), std::chrono::hours(1)},
                                [&]() -> Result<std::unique_ptr<FakeConn>> {
                                  return std::make_unique<FakeConn>(FakeConn{++opened, false, &pings});
                                });
  auto a = std::move(*pool.Take());
  auto b = std::move(*pool.Take());
  pool.Give(std::move(a));       // idle, validated before the failure below
  b->is_broken = true;
  pool.Give(std::move(b));       // discarded: the server may have restarted
  EXPECT_EQ(pool.Stats().discarded_total, 1u);
  EXPECT_EQ(pool.Stats().open, 1u);
  auto again = pool.Take();      // the idle one is pinged first
  ASSERT_TRUE(again);
  EXPECT_EQ(pings, 1);
  EXPECT_EQ((*again)->id, 1);
}

// The schemathesis finding: "a" + 20 x "é" cut to 40 bytes split the 20th "é" (2 bytes each), and
// the problem+json echoing it was not valid UTF-8.
TEST(Utf8, TruncationNeverSplitsACharacter) {
  std::string e_acute = "\xC3\xA9";
  std::string text = "a";
  for (int i = 0; i < 20; ++i) text += e_acute;
  ASSERT_EQ(text.size(), 41u);
  EXPECT_FALSE(IsValidUtf8(text.substr(0, 40)));  // what a byte cut gives
  auto cut = TruncateUtf8(text, 40);
  EXPECT_EQ(cut.size(), 39u);
  EXPECT_TRUE(IsValidUtf8(cut));
  EXPECT_EQ(Utf8Length(cut), 20u);
  // 3- and 4-byte characters too: the cut lands before the character that does not fit.
  EXPECT_EQ(TruncateUtf8("ab\xE2\x82\xAC", 4), "ab");           // "ab€"
  EXPECT_EQ(TruncateUtf8("\xF0\x9F\x98\x80x", 3), "");          // "😀x"
  EXPECT_EQ(TruncateUtf8("\xF0\x9F\x98\x80x", 5), "\xF0\x9F\x98\x80x");
  EXPECT_EQ(TruncateUtf8("plain", 100), "plain");
  EXPECT_EQ(TruncateUtf8("plain", 0), "");
}

TEST(Utf8, InvalidBytesBecomeReplacementCharactersSoTheResultIsAlwaysValid) {
  EXPECT_EQ(TruncateUtf8("a\xFF" "b", 10), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(TruncateUtf8("a\xC3", 10), "a\xEF\xBF\xBD");  // a sequence cut by the sender
  EXPECT_EQ(TruncateUtf8("a\xFF" "b", 3), "a");           // U+FFFD (3 bytes) does not fit after "a"
  for (std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad.size();
    EXPECT_TRUE(IsValidUtf8(TruncateUtf8(bad, 64)));
  }
  EXPECT_EQ(Utf8Length("h\xC3\xA9llo \xF0\x9F\x98\x80"), 7u);
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Html, TheFiveSpecialCharactersBecomeEntitiesAndNothingElseChanges) {
  EXPECT_EQ(store::core::HtmlEscape(R"(<a href="x" title='y'>Tom & Jerry</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;");
  EXPECT_EQ(store::core::HtmlEscape("Caf\xC3\xA9 cr\xC3\xA8me"), "Caf\xC3\xA9 cr\xC3\xA8me");
  EXPECT_EQ(store::core::HtmlEscape(""), "");
}

TEST(Text, SplitListTrimsItemsAndDropsEmptyOnes) {
  using store::core::SplitList;
  EXPECT_EQ(SplitList("card, online_banking ,\twallet"), (std::vector<std::string>{"card", "online_banking", "wallet"}));
  EXPECT_EQ(SplitList(" DE ,, FR,"), (std::vector<std::string>{"DE", "FR"}));
  EXPECT_TRUE(SplitList("").empty());
  EXPECT_TRUE(SplitList(" , ,").empty());
  EXPECT_EQ(store::core::Trim("\t a b  "), "a b");
}

TEST(Text, PercentEncodeKeepsOnlyTheUnreservedCharacters) {
  EXPECT_EQ(store::core::PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(store::core::PercentEncode("a b+c/d?e=f&g%h"), "a%20b%2Bc%2Fd%3Fe%3Df%26g%25h");
  EXPECT_EQ(store::core::PercentEncode("Caf\xC3\xA9 @ \x01"), "Caf%C3%A9%20%40%20%01");
  EXPECT_EQ(store::core::PercentEncode(""), "");
}
