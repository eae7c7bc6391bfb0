// Component tests against the real MariaDB from `./store up`. Each test works in its own fresh
// database (TempDatabase), so they run in parallel and repeatedly.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <atomic>
#include <fstream>
#include <latch>
#include <thread>

#include "store/db/db.hpp"
#include "store/db/migrations.hpp"
#include "store/testing/async.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/process.hpp"

namespace {

using store::core::Errc;
using store::core::Result;
using store::core::Status;
using store::db::Connection;
using store::db::Database;
namespace asio = boost::asio;

using store::testing::RunAwaitable;

void CreateItems(Database& db) {
  auto made = db.RunSync([](Connection& c) -> Status {
    return c.ExecuteScript(
        "CREATE TABLE items (id BIGINT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(64) NOT NULL UNIQUE, "
        "qty INT NOT NULL, note MEDIUMTEXT NULL)");
  });
  ASSERT_TRUE(made) << made.error().message;
}

std::int64_t CountItems(Database& db) {
  auto n = db.RunSync([](Connection& c) -> Result<std::int64_t> {
    TRY(row, c.QueryOne("SELECT COUNT(*) AS n FROM items"));
    return row->Int("n");
  });
  EXPECT_TRUE(n) << n.error().message;
  return n.value_or(-1);
}

TEST(Database, InsertsAndSelectsInsideATransaction) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);

  auto inserted = RunAwaitable(db.Transaction([](Connection& c) -> Result<std::uint64_t> {
    TRY(a, c.Execute("INSERT INTO items (sku, qty) VALUES (?, ?)", "SKU-1", 5));
    TRY(b, c.Execute("INSERT INTO items (sku, qty, note) VALUES (?, ?, ?)", std::string("SKU-2"),
                     7, "fragile"));
    EXPECT_EQ(a.affected_rows, 1u);
    EXPECT_GT(b.last_insert_id, a.last_insert_id);
    return b.last_insert_id;
  }));
  ASSERT_TRUE(inserted) << inserted.error().message;

  auto rows = RunAwaitable(db.Run([](Connection& c) {
    return c.Query("SELECT id, sku, qty, note FROM items WHERE qty >= ? ORDER BY id", 1);
  }));
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text("sku"), "SKU-1");
  EXPECT_TRUE((*rows)[0].IsNull("note"));
  EXPECT_EQ((*rows)[1].UInt("id"), *inserted);
  EXPECT_EQ((*rows)[1].Int("qty"), 7);
  EXPECT_EQ((*rows)[1].Text("note"), "fragile");
}

TEST(Database, RollsBackEverythingWhenTheTransactionReturnsAnError) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);

  auto result = RunAwaitable(db.Transaction([](Connection& c) -> Status {
    TRY_STATUS(c.Execute("INSERT INTO items (sku, qty) VALUES (?, ?)", "A", 1));
    TRY_STATUS(c.Execute("INSERT INTO items (sku, qty) VALUES (?, ?)", "B", 2));
    return store::core::Fail(Errc::unprocessable, "out of stock");
  }));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unprocessable);
  EXPECT_EQ(CountItems(db), 0);
}

TEST(Database, RollsBackAndRethrowsWhenTheTransactionThrows) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);

  EXPECT_THROW(RunAwaitable(db.Transaction([](Connection& c) -> Status {
                 TRY_STATUS(c.Execute("INSERT INTO items (sku, qty) VALUES (?, ?)", "A", 1));
                 throw std::runtime_error("bug");
               })),
               std::runtime_error);
  EXPECT_EQ(CountItems(db), 0);
}

TEST(Database, ReportsADuplicateKeyAsAConflict) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);

  auto second = db.TransactionSync([](Connection& c) -> Status {
    TRY_STATUS(c.Execute("INSERT INTO items (sku, qty) VALUES (?, ?)", "DUP", 1));
    TRY_STATUS(c.Execute("INSERT INTO items (sku, qty) VALUES (?, ?)", "DUP", 2));
    return {};
  });
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::conflict);
  EXPECT_NE(second.error().message.find("1062"), std::string::npos);
  EXPECT_EQ(CountItems(db), 0);
}

TEST(Database, ReportsALockWaitTimeoutAsARetryableTransactionError) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);
  ASSERT_TRUE(db.RunSync([](Connection& c) {
    return c.Execute("INSERT INTO items (sku, qty) VALUES ('LOCKED', 1)");
  }));

  auto holder = Connection::Open(tmp.options());
  ASSERT_TRUE(holder) << holder.error().message;
  ASSERT_TRUE((*holder)->Begin());
  ASSERT_TRUE((*holder)->Execute("UPDATE items SET qty = 2 WHERE sku = 'LOCKED'"));

  auto waiter = Connection::Open(tmp.options());
  ASSERT_TRUE(waiter);
  ASSERT_TRUE((*waiter)->Execute("SET SESSION innodb_lock_wait_timeout = 1"));
  auto blocked = (*waiter)->Transaction([](Connection& c) {
    return c.Execute("UPDATE items SET qty = 3 WHERE sku = 'LOCKED'");
  });
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::timeout);
  EXPECT_TRUE(store::db::IsRetryableTransaction(blocked.error()));
  EXPECT_TRUE(store::core::IsTransient(blocked.error().code));
  EXPECT_FALSE((*waiter)->broken());
  ASSERT_TRUE((*holder)->Rollback());
}

TEST(Database, RunsADeadlockedTransactionAgainSoBothSucceed) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);
  ASSERT_TRUE(db.RunSync([](Connection& c) {
    return c.Execute("INSERT INTO items (sku, qty) VALUES ('A', 0), ('B', 0)");
  }));

  std::atomic<int> attempts{0};
  std::latch both_hold_their_first_row(2);
  // Two transactions lock A then B and B then A: InnoDB picks one as the deadlock victim.
  auto cross = [&](const char* first, const char* second) {
    return db.TransactionSync([&](Connection& c) -> Status {
      const int attempt = ++attempts;
      TRY_STATUS(c.Execute("UPDATE items SET qty = qty + 1 WHERE sku = ?", first));
      if (attempt <= 2) both_hold_their_first_row.arrive_and_wait();
      TRY_STATUS(c.Execute("UPDATE items SET qty = qty + 1 WHERE sku = ?", second));
      return {};
    });
  };
  Status ab, ba;
  std::thread t1([&] { ab = cross("A", "B"); });
  std::thread t2([&] { ba = cross("B", "A"); });
  t1.join();
  t2.join();
  EXPECT_TRUE(ab) << ab.error().message;
  EXPECT_TRUE(ba) << ba.error().message;
  EXPECT_EQ(attempts.load(), 3);  // the victim ran once more
  auto rows = db.RunSync([](Connection& c) { return c.Query("SELECT qty FROM items ORDER BY sku"); });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Int("qty"), 2);
  EXPECT_EQ((*rows)[1].Int("qty"), 2);
}

TEST(Database, StoresParametersVerbatimWhateverTheyContain) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);
  const std::string hostile = "x'); DROP TABLE items; -- \\ \" ` \xF0\x9F\x98\x80";
  const std::string big(200000, 'z');
  std::string binary("a\0b\0c", 5);
  // An empty optional binds NULL. Static: g++ 12 (-O1, ASan) reports a disengaged temporary
  // optional<string> read under its own `if (v)` as maybe-uninitialized.
  static const std::optional<std::string> kNoNote;

  auto rows = db.RunSync([&](Connection& c) -> Result<store::db::Rows> {
    TRY_STATUS(c.Execute("INSERT INTO items (sku, qty, note) VALUES (?, ?, ?)", "H", 1, hostile));
    TRY_STATUS(c.Execute("INSERT INTO items (sku, qty, note) VALUES (?, ?, ?)", "BIG", 2, big));
    TRY_STATUS(c.Execute("INSERT INTO items (sku, qty, note) VALUES (?, ?, ?)", "BIN", 3, binary));
    TRY_STATUS(c.Execute("INSERT INTO items (sku, qty, note) VALUES (?, ?, ?)", "NUL", 4, kNoNote));
    return c.Query("SELECT sku, note FROM items ORDER BY qty");
  });
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].Text("note"), hostile);
  EXPECT_EQ((*rows)[1].Text("note"), big);
  EXPECT_EQ((*rows)[2].Text("note"), binary);
  EXPECT_TRUE((*rows)[3].IsNull("note"));
}

TEST(Database, ReturnsNumbersDecimalsAndDatesAsText) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  auto row = db.RunSync([](Connection& c) {
    return c.QueryOne(
        "SELECT CAST(? AS UNSIGNED) AS big, CAST(? AS DECIMAL(10,2)) AS price, ? AS neg, "
        "CAST('2024-02-29 13:14:15.123456' AS DATETIME(6)) AS at, ? + 0.5 AS half, "
        "@@session.time_zone AS tz",
        std::uint64_t{18446744073709551615ull}, "12.5", -42, 1.0);
  });
  ASSERT_TRUE(row) << row.error().message;
  ASSERT_TRUE(*row);
  EXPECT_EQ((*row)->UInt("big"), 18446744073709551615ull);
  EXPECT_EQ((*row)->Text("price"), "12.50");
  EXPECT_EQ((*row)->Int("neg"), -42);
  EXPECT_EQ((*row)->Text("at"), "2024-02-29 13:14:15.123456");
  EXPECT_DOUBLE_EQ((*row)->Double("half"), 1.5);
  EXPECT_EQ((*row)->Text("tz"), "+00:00");
}

TEST(Database, QueryOneOfNoRowsIsEmpty) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);
  auto row = db.RunSync([](Connection& c) { return c.QueryOne("SELECT * FROM items WHERE id = ?", 1); });
  ASSERT_TRUE(row);
  EXPECT_FALSE(*row);
}

TEST(Database, ServesManyParallelCoroutinesWithASmallerPool) {
  store::testing::TempDatabase tmp;
  auto options = tmp.options();
  options.pool_size = 3;
  Database db(options);
  CreateItems(db);

  constexpr int kCalls = 24;
  asio::io_context ioc;
  std::vector<std::future<Result<std::uint64_t>>> futures;
  for (int i = 0; i < kCalls; ++i) {
    futures.push_back(asio::co_spawn(
        ioc,
        [&db, i]() -> asio::awaitable<Result<std::uint64_t>> {
          co_return co_await db.Transaction([i](Connection& c) -> Result<std::uint64_t> {
            TRY(slept, c.Query("SELECT SLEEP(0.02)"));
            TRY(r, c.Execute("INSERT INTO items (sku, qty) VALUES (?, ?)", "P" + std::to_string(i), i));
            return r.last_insert_id;
          });
        },
        asio::use_future));
  }
  ioc.run();
  for (auto& f : futures) {
    auto r = f.get();
    EXPECT_TRUE(r) << r.error().message;
  }
  EXPECT_EQ(CountItems(db), kCalls);
  auto stats = db.Stats();
  EXPECT_LE(stats.opened_total, 3u);
  EXPECT_EQ(stats.open, stats.idle);
}

TEST(Database, FailsWithUnavailableWhenThePoolStaysExhausted) {
  store::testing::TempDatabase tmp;
  auto options = tmp.options();
  options.pool_size = 1;
  options.acquire_timeout = std::chrono::milliseconds(100);
  Database db(options);
  auto held = db.Acquire();
  ASSERT_TRUE(held) << held.error().message;
  auto second = db.Acquire();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::unavailable);
}

std::uint64_t ServerThreadId(Database& db) {
  auto id = db.RunSync([](Connection& c) -> Result<std::uint64_t> {
    TRY(row, c.QueryOne("SELECT CONNECTION_ID() AS id"));
    return row->UInt("id");
  });
  EXPECT_TRUE(id) << id.error().message;
  return id.value_or(0);
}

void KillSession(std::uint64_t id) {
  auto admin = Connection::Open(store::testing::MariaDbServerOptions());
  ASSERT_TRUE(admin) << admin.error().message;
  ASSERT_TRUE((*admin)->Execute("KILL ?", id));
}

TEST(Database, ReplacesAConnectionKilledByTheServerBeforeItsNextUse) {
  store::testing::TempDatabase tmp;
  auto options = tmp.options();
  options.pool_size = 1;
  options.validate_after_idle = std::chrono::milliseconds(0);
  Database db(options);
  const auto first = ServerThreadId(db);
  KillSession(first);
  const auto second = ServerThreadId(db);  // validated at checkout: no caller sees the loss
  EXPECT_NE(second, 0u);
  EXPECT_NE(second, first);
  EXPECT_EQ(db.Stats().discarded_total, 1u);
}

TEST(Database, FailsOneCallWithUnavailableThenRecoversAfterAnUnnoticedKill) {
  store::testing::TempDatabase tmp;
  auto options = tmp.options();
  options.pool_size = 1;
  options.validate_after_idle = std::chrono::hours(1);
  Database db(options);
  const auto first = ServerThreadId(db);
  KillSession(first);
  auto lost = db.RunSync([](Connection& c) { return c.Query("SELECT 1"); });
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, Errc::unavailable);
  const auto second = ServerThreadId(db);
  EXPECT_NE(second, 0u);
  EXPECT_NE(second, first);
}

TEST(Connection, SendTextCommitsAStatementThatIsOnItsWayEvenIfTheClientNeverReadsTheAnswer) {
  store::testing::TempDatabase tmp;
  Database db(tmp.options());
  CreateItems(db);
  // Read back: the pipelined statement and its answer.
  auto sent = db.RunSync([](Connection& c) -> Result<std::uint64_t> {
    TRY_STATUS(c.SendText("INSERT INTO items (sku, qty) VALUES ('A', 1), ('B', 2)"));
    EXPECT_TRUE(c.broken());  // nothing else may run before the answer is read
    TRY(r, c.ReadSent());
    EXPECT_FALSE(c.broken());
    return r.affected_rows;
  });
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(*sent, 2u);
  EXPECT_EQ(CountItems(db), 2);
  // The property notification relies on: a statement written to the server is applied (and
  // committed, autocommit) even when the client goes away without reading the answer.
  {
    auto conn = Connection::Open(tmp.options());
    ASSERT_TRUE(conn) << conn.error().message;
    ASSERT_TRUE((*conn)->SendText("INSERT INTO items (sku, qty) VALUES ('C', 3)"));
  }  // closed with the answer unread
  EXPECT_TRUE(store::testing::WaitUntil([&] { return CountItems(db) == 3; }, std::chrono::seconds(5)));
  // A second SendText before ReadSent is refused; a ReadSent without SendText is a bug.
  auto twice = db.RunSync([](Connection& c) -> Status {
    TRY_STATUS(c.SendText("SELECT 1"));
    auto again = c.SendText("SELECT 2");
    EXPECT_FALSE(again);
    TRY_STATUS(c.ReadSent());
    auto unmatched = c.ReadSent();
    EXPECT_FALSE(unmatched);
    return {};
  });
  EXPECT_TRUE(twice) << twice.error().message;
}

// --- migrations -----------------------------------------------------------------------------

class Migrations : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / store::testing::UniqueName("migrations");
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

  store::testing::TempDatabase tmp_;
  std::filesystem::path dir_;
};

TEST_F(Migrations, ApplyOnceInOrderAndAreIdempotentOnReRun) {
  Write("V001__create_things.sql",
        "CREATE TABLE things (id INT PRIMARY KEY, name VARCHAR(32) NOT NULL);\n"
        "INSERT INTO things VALUES (1, 'one');\n"
        "INSERT INTO things VALUES (2, 'two; with a semicolon');\n");
  Write("V002__add_colour.sql", "ALTER TABLE things ADD COLUMN colour VARCHAR(16) NULL;");
  Database db(tmp_.options());

  auto first = store::db::Migrate(db, dir_);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->applied, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(first->already_applied, 0u);

  auto again = store::db::Migrate(db, dir_);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->already_applied, 2u);

  Write("V003__more.sql", "INSERT INTO things VALUES (3, 'three', 'red');");
  auto third = store::db::Migrate(db, dir_);
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(third->applied, (std::vector<std::int64_t>{3}));

  auto rows = db.RunSync([](Connection& c) {
    return c.Query("SELECT t.name, m.version, m.name AS file FROM things t JOIN schema_migrations m "
                   "ON m.version = t.id ORDER BY t.id");
  });
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].Text("name"), "two; with a semicolon");
  EXPECT_EQ((*rows)[0].Text("file"), "create_things");
}

TEST_F(Migrations, RefuseToStartWhenAnAppliedFileChanged) {
  Write("V001__create_things.sql", "CREATE TABLE things (id INT PRIMARY KEY);");
  Database db(tmp_.options());
  ASSERT_TRUE(store::db::Migrate(db, dir_));
  Write("V001__create_things.sql", "CREATE TABLE things (id BIGINT PRIMARY KEY);");
  auto changed = store::db::Migrate(db, dir_);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, Errc::conflict);
  EXPECT_NE(changed.error().message.find("V001__create_things.sql"), std::string::npos);
}

TEST_F(Migrations, ReportAFailingFileAndDoNotRecordIt) {
  Write("V001__ok.sql", "CREATE TABLE a (id INT PRIMARY KEY);");
  Write("V002__broken.sql", "CREATE TABLE b (id INT PRIMARY KEY);\nTHIS IS NOT SQL;");
  Database db(tmp_.options());
  auto result = store::db::Migrate(db, dir_);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("V002__broken.sql"), std::string::npos);
  auto versions = db.RunSync([](Connection& c) { return c.Query("SELECT version FROM schema_migrations"); });
  ASSERT_TRUE(versions) << versions.error().message;
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].Int("version"), 1);
  // The connection that ran the failed script is still usable for ordinary statements.
  EXPECT_TRUE(db.RunSync([](Connection& c) { return c.Query("SELECT 1"); }));
}

TEST_F(Migrations, RunConcurrentlyFromSeveralProcessesApplyEachVersionOnce) {
  // A non-idempotent migration: a second application would fail on the duplicate key.
  Write("V001__create.sql", "CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL);");
  Write("V002__seed.sql", "INSERT INTO counter VALUES (1, 0);");
  Write("V003__bump.sql", "UPDATE counter SET n = n + 1 WHERE id = 1;");
  constexpr int kRunners = 4;
  std::vector<Result<store::db::MigrationReport>> results(kRunners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRunners; ++i)
    threads.emplace_back([&, i] {
      auto conn = Connection::Open(tmp_.options());
      if (!conn) {
        results[i] = std::unexpected(conn.error());
        return;
      }
      results[i] = store::db::Migrate(**conn, dir_);
    });
  for (auto& t : threads) t.join();
  std::size_t applied = 0;
  for (auto& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    applied += r->applied.size();
  }
  EXPECT_EQ(applied, 3u);
  auto conn = Connection::Open(tmp_.options());
  ASSERT_TRUE(conn);
  auto row = (*conn)->QueryOne("SELECT n FROM counter WHERE id = 1");
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->Int("n"), 1);
}

}  // namespace
