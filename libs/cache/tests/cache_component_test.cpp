// Component tests against the real Redis from `./store up`, each in its own key prefix.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <set>
#include <thread>

#include "store/cache/cache.hpp"
#include "store/testing/async.hpp"
#include "store/testing/cache.hpp"

namespace {

using namespace std::chrono_literals;
using store::cache::Cache;
using store::cache::Command;
using store::core::Errc;
namespace asio = boost::asio;

using store::testing::RunAwaitable;

TEST(Cache, ReturnsWhatWasSet) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  const std::string value("binary\0value \xF0\x9F\x98\x80", 18);
  ASSERT_TRUE(RunAwaitable(cache.Set(ks.Key("a"), value)));
  auto got = RunAwaitable(cache.Get(ks.Key("a")));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, std::optional<std::string>(value));
  auto ttl = RunAwaitable(cache.Ttl(ks.Key("a")));
  ASSERT_TRUE(ttl);
  EXPECT_FALSE(*ttl);  // no expiry was asked for
}

TEST(Cache, GetOfAMissingKeyIsEmpty) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  auto got = RunAwaitable(cache.Get(ks.Key("never-set")));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_FALSE(*got);
}

TEST(Cache, KeyWithAShortTtlDisappears) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  ASSERT_TRUE(RunAwaitable(cache.Set(ks.Key("short"), "v", 150ms)));
  auto ttl = RunAwaitable(cache.Ttl(ks.Key("short")));
  ASSERT_TRUE(ttl && *ttl);
  EXPECT_GT(**ttl, 0ms);
  EXPECT_LE(**ttl, 150ms);
  EXPECT_TRUE(*RunAwaitable(cache.Get(ks.Key("short"))));
  std::this_thread::sleep_for(400ms);
  auto gone = RunAwaitable(cache.Get(ks.Key("short")));
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST(Cache, ExpireSetsALifetimeOnAnExistingKeyOnly) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  ASSERT_TRUE(RunAwaitable(cache.Set(ks.Key("e"), "v")));
  EXPECT_EQ(RunAwaitable(cache.Expire(ks.Key("e"), 10s)), true);
  EXPECT_EQ(RunAwaitable(cache.Expire(ks.Key("missing"), 10s)), false);
  auto ttl = RunAwaitable(cache.Ttl(ks.Key("e")));
  ASSERT_TRUE(ttl && *ttl);
  EXPECT_GT(**ttl, 9s);
}

TEST(Cache, IncrCountsAndDelRemoves) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  EXPECT_EQ(RunAwaitable(cache.Incr(ks.Key("n"))), 1);
  EXPECT_EQ(RunAwaitable(cache.Incr(ks.Key("n"), 41)), 42);
  EXPECT_EQ(RunAwaitable(cache.Del(ks.Key("n"))), 1);
  EXPECT_EQ(RunAwaitable(cache.Del(ks.Key("n"))), 0);
  EXPECT_FALSE(*RunAwaitable(cache.Get(ks.Key("n"))));
}

TEST(Cache, SetIfAbsentCreatesOnlyOnce) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  EXPECT_EQ(RunAwaitable(cache.SetIfAbsent(ks.Key("once"), "first", 10s)), true);
  EXPECT_EQ(RunAwaitable(cache.SetIfAbsent(ks.Key("once"), "second", 10s)), false);
  EXPECT_EQ(*RunAwaitable(cache.Get(ks.Key("once"))), std::optional<std::string>("first"));
}

TEST(Cache, PipelineOfAThousandIncrsAnswersEachInOrder) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  std::vector<Command> commands(1000, Command{"INCR", ks.Key("counter")});
  auto replies = RunAwaitable(cache.Pipeline(commands));
  ASSERT_TRUE(replies) << replies.error().message;
  ASSERT_EQ(replies->size(), 1000u);
  for (std::size_t i = 0; i < replies->size(); ++i) ASSERT_EQ((*replies)[i].integer, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(*RunAwaitable(cache.Get(ks.Key("counter"))), std::optional<std::string>("1000"));
}

TEST(Cache, PipelineKeepsAnErrorReplyInPlaceAndTheRestSucceed) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  auto replies = cache.PipelineSync({{"SET", ks.Key("s"), "text"},
                                     {"INCR", ks.Key("s")},
                                     {"GET", ks.Key("s")}});
  ASSERT_TRUE(replies) << replies.error().message;
  ASSERT_EQ(replies->size(), 3u);
  EXPECT_TRUE((*replies)[1].is_error());
  EXPECT_EQ((*replies)[2].str, "text");
  // A single command with an error reply is an error Result.
  auto single = cache.RunSync({"INCR", ks.Key("s")});
  ASSERT_FALSE(single);
  EXPECT_EQ(single.error().code, Errc::internal);
}

// Every coroutine of one io_context shares one pipelined connection, whatever their number.
TEST(Cache, ServesManyParallelCoroutinesOnOneConnectionPerIoContext) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  asio::io_context ioc;
  std::vector<std::future<store::core::Result<std::int64_t>>> incrs;
  std::vector<std::future<store::core::Result<store::cache::Reply>>> ids;
  for (int i = 0; i < 50; ++i) {
    incrs.push_back(asio::co_spawn(ioc, cache.Incr(ks.Key("parallel")), asio::use_future));
    ids.push_back(asio::co_spawn(ioc, cache.Run({"CLIENT", "ID"}), asio::use_future));
  }
  ioc.run();
  std::set<std::int64_t> connections;
  for (auto& f : incrs) EXPECT_TRUE(f.get());
  for (auto& f : ids) {
    auto id = f.get();
    ASSERT_TRUE(id) << id.error().message;
    connections.insert(id->integer);
  }
  EXPECT_EQ(connections.size(), 1u);
  EXPECT_EQ(*RunAwaitable(cache.Get(ks.Key("parallel"))), std::optional<std::string>("50"));
  // Another io_context has its own connection.
  auto other = RunAwaitable(cache.Run({"CLIENT", "ID"}));
  ASSERT_TRUE(other);
  EXPECT_FALSE(connections.contains(other->integer));
}

// An idle connection holds no work: an io_context run to completion returns at once, and the
// next call on it reuses the connection.
TEST(Cache, AnIdleConnectionKeepsNoIoContextRunning) {
  store::testing::TempKeyspace ks;
  auto options = ks.options();
  options.command_timeout = 5s;
  Cache cache(options);
  asio::io_context ioc;
  const auto started = std::chrono::steady_clock::now();
  auto first = RunAwaitable(ioc, cache.Run({"CLIENT", "ID"}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  auto second = RunAwaitable(ioc, cache.Run({"CLIENT", "ID"}));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->integer, second->integer);
}

// A reply slower than command_timeout loses the connection: the caller gets 503-class
// unavailable, and the next call works on a fresh connection.
TEST(Cache, AReplySlowerThanTheCommandTimeoutIsUnavailable) {
  store::testing::TempKeyspace ks;
  auto options = ks.options();
  options.command_timeout = 100ms;
  Cache cache(options);
  asio::io_context ioc;
  auto before = RunAwaitable(ioc, cache.Run({"CLIENT", "ID"}));
  ASSERT_TRUE(before);
  const auto started = std::chrono::steady_clock::now();
  auto blocked = RunAwaitable(ioc, cache.Run({"BLPOP", ks.Key("never"), "2"}));  // Redis answers after 2 s
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  auto after = RunAwaitable(ioc, cache.Run({"CLIENT", "ID"}));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_NE(after->integer, before->integer);
}

// The server closed the idle connection: the next call notices before sending and reconnects.
TEST(Cache, AnAwaitableCallReplacesAnIdleConnectionKilledByTheServer) {
  store::testing::TempKeyspace ks;
  Cache cache(ks.options());
  asio::io_context ioc;
  auto id = RunAwaitable(ioc, cache.Run({"CLIENT", "ID"}));
  ASSERT_TRUE(id) << id.error().message;
  auto admin = store::cache::Connection::Open(ks.options());
  ASSERT_TRUE(admin);
  auto killed = (*admin)->Run({"CLIENT", "KILL", "ID", std::to_string(id->integer)});
  ASSERT_TRUE(killed && killed->integer == 1);
  std::this_thread::sleep_for(50ms);  // the FIN arrives
  auto after = RunAwaitable(ioc, cache.Run({"CLIENT", "ID"}));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_NE(after->integer, id->integer);
}

TEST(Cache, ReplacesAConnectionKilledByTheServer) {
  store::testing::TempKeyspace ks;
  auto options = ks.options();
  options.pool_size = 1;
  options.validate_after_idle = 0ms;
  Cache cache(options);
  auto id = cache.RunSync({"CLIENT", "ID"});
  ASSERT_TRUE(id) << id.error().message;
  auto admin = store::cache::Connection::Open(ks.options());
  ASSERT_TRUE(admin);
  auto killed = (*admin)->Run({"CLIENT", "KILL", "ID", std::to_string(id->integer)});
  ASSERT_TRUE(killed) << killed.error().message;
  EXPECT_EQ(killed->integer, 1);
  auto after = cache.RunSync({"CLIENT", "ID"});
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_NE(after->integer, id->integer);
  EXPECT_EQ(cache.Stats().discarded_total, 1u);
}

}  // namespace
