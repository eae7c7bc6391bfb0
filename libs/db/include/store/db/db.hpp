// store::db — MariaDB/MySQL through MariaDB Connector/C: a bounded connection pool, awaitable
// calls that run the blocking driver on the pool's own BlockingPool, transactions, and typed
// access to rows. Migrations live in store/db/migrations.hpp.
//
//   store::db::Database db(store::db::Options::Declare(cfg));
//   auto placed = co_await db.Transaction([&](store::db::Connection& c) -> Result<std::uint64_t> {
//     TRY(r, c.Execute("INSERT INTO orders (id, total) VALUES (?, ?)", id, total));
//     TRY_STATUS(c.Execute("INSERT INTO outbox (topic, payload) VALUES (?, ?)", topic, json));
//     return r.affected_rows;
//   });
//
// Error mapping (every failure is a Result, never an exception):
//   duplicate key (1062), foreign key violation (1451/1452)  -> Errc::conflict
//   deadlock (1213), lock wait timeout (1205)                -> Errc::timeout: the transaction was
//       rolled back; running it again may succeed (IsRetryableTransaction). Database::Transaction
//       does that by itself up to Options::transaction_attempts times.
//   connection refused / lost / server gone, pool exhausted  -> Errc::unavailable; the broken
//       connection is thrown away and later calls open a fresh one (a restarted server is
//       survived). A COMMIT that fails this way has an unknown outcome: the message says so.
//   anything else (syntax, unknown column, ...)              -> Errc::internal (a bug).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "store/core/blocking_pool.hpp"
#include "store/core/connection_pool.hpp"
#include "store/core/result.hpp"

namespace store::config {
class Loader;
}

namespace store::db {

class Pool;

using store::core::Error;
using store::core::Errc;
using store::core::Result;
using store::core::Status;

// Connection settings. Plain value; Declare() reads them from config at start-up.
struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3306;
  std::string user = "root";
  std::string password;
  std::string database;
  std::size_t pool_size = 8;  // connections, and threads of the pool's BlockingPool
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds read_timeout{30000};   // a statement taking longer is "lost"
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds acquire_timeout{5000};  // wait for a free connection, then unavailable
  // A pooled connection idle for longer than this is pinged before use (cheap insurance
  // against a server restart or an idle-timeout disconnect); 0 pings on every checkout.
  std::chrono::milliseconds validate_after_idle{1000};
  int transaction_attempts = 6;  // Database::Transaction runs fn at most this often on deadlock

  // Declares db.host, db.port, db.user, db.password, db.database, db.pool_size,
  // db.connect_timeout, db.read_timeout, db.write_timeout, db.acquire_timeout,
  // db.validate_after_idle, db.transaction_attempts on `cfg` (key prefix `prefix`) and returns
  // their values. Call cfg.Finish() afterwards as usual.
  static Options Declare(store::config::Loader& cfg, const std::string& prefix = "db");
};

// A statement parameter, bound through the binary protocol (never spliced into SQL text).
// Non-owning for strings: the argument must outlive the call, which it does when passed
// straight to Execute/Query. std::nullopt / nullptr bind SQL NULL.
class Param {
 public:
  using Value = std::variant<std::monostate, std::int64_t, std::uint64_t, double, std::string_view>;

  Param(std::nullptr_t) {}
  Param(std::nullopt_t) {}
  Param(bool v) : value_(static_cast<std::int64_t>(v)) {}
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  Param(T v) {
    if constexpr (std::is_signed_v<T>) value_ = static_cast<std::int64_t>(v);
    else value_ = static_cast<std::uint64_t>(v);
  }
  Param(double v) : value_(v) {}
  Param(float v) : value_(static_cast<double>(v)) {}
  Param(const char* v) : value_(std::string_view(v)) {}
  Param(std::string_view v) : value_(v) {}
  Param(const std::string& v) : value_(std::string_view(v)) {}
  template <class T>
  Param(const std::optional<T>& v) {
    if (v) *this = Param(*v);
  }

  const Value& value() const { return value_; }

 private:
  Value value_;
};

// One result row: values as text (SQL NULL = nullopt), addressable by index or column name.
// Typed getters treat NULL, a bad number or an unknown column name as a programming error
// (the schema and the code disagree) and throw std::logic_error; use the Opt* getters for
// nullable columns.
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> columns,
      std::vector<std::optional<std::string>> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  const std::vector<std::string>& columns() const { return *columns_; }
  const std::optional<std::string>& operator[](std::size_t i) const;
  const std::optional<std::string>& operator[](std::string_view column) const;
  bool IsNull(std::string_view column) const { return !(*this)[column].has_value(); }

  std::string Text(std::string_view column) const;
  std::int64_t Int(std::string_view column) const;
  std::uint64_t UInt(std::string_view column) const;
  double Double(std::string_view column) const;
  bool Bool(std::string_view column) const;  // 0 / non-zero
  std::optional<std::string> OptText(std::string_view column) const { return (*this)[column]; }
  std::optional<std::int64_t> OptInt(std::string_view column) const;

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<std::optional<std::string>> values_;
};

using Rows = std::vector<Row>;

struct ExecResult {
  std::uint64_t affected_rows = 0;  // rows changed (MariaDB counts "found" rows only if asked)
  std::uint64_t last_insert_id = 0;  // AUTO_INCREMENT value of the last INSERT, else 0
};

// One open MariaDB session. Owns its MYSQL handle and a cache of prepared statements.
// Not thread-safe: one thread at a time (the pool guarantees this for leased connections).
// After a connection-level failure it reports broken() and every later call fails fast with
// Errc::unavailable; the pool then discards it.
class Connection {
 public:
  // Opens a standalone connection (for a relay loop on a plain thread, tools, tests).
  static Result<std::unique_ptr<Connection>> Open(const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // INSERT/UPDATE/DELETE/DDL with `?` placeholders bound to args.
  template <class... A>
  Result<ExecResult> Execute(std::string_view sql, const A&... args) {
    const Param params[] = {Param(args)..., Param(nullptr)};
    return ExecuteParams(sql, std::span<const Param>(params, sizeof...(A)));
  }
  // SELECT (or anything returning rows) with `?` placeholders bound to args.
  template <class... A>
  Result<Rows> Query(std::string_view sql, const A&... args) {
    const Param params[] = {Param(args)..., Param(nullptr)};
    return QueryParams(sql, std::span<const Param>(params, sizeof...(A)));
  }
  // The first row, or nullopt when there is none.
  template <class... A>
  Result<std::optional<Row>> QueryOne(std::string_view sql, const A&... args) {
    const Param params[] = {Param(args)..., Param(nullptr)};
    return QueryOneParams(sql, std::span<const Param>(params, sizeof...(A)));
  }

  Result<ExecResult> ExecuteParams(std::string_view sql, std::span<const Param> params);
  Result<Rows> QueryParams(std::string_view sql, std::span<const Param> params);
  Result<std::optional<Row>> QueryOneParams(std::string_view sql, std::span<const Param> params);

  // Several statements separated by `;`, no parameters (migrations, test setup). Result sets
  // are discarded. Stops at the first failing statement.
  Status ExecuteScript(std::string_view sql);

  // One text-protocol statement in one round trip, split in two so that the answer can be read
  // later (notification writes its hand-over marks this way): SendText writes one statement
  // (no parameters, so only server-generated or integer values in it) and returns without
  // reading the answer; ReadSent() reads it. Nothing else may run on the
  // connection in between (a connection left with an unread answer counts as broken). Outside
  // a transaction the statement commits by itself (autocommit).
  Status SendText(std::string_view sql);
  Result<ExecResult> ReadSent();

  Status Begin();  // START TRANSACTION
  Status Commit();
  Status Rollback();
  bool in_transaction() const;

  // Begin, fn(*this), Commit on success; Rollback on an error or an exception (rethrown).
  // fn returns Result<T>; so does Transaction. Runs fn once (see Database::Transaction).
  template <class F>
  auto Transaction(F&& fn) -> std::invoke_result_t<F&, Connection&> {
    using R = std::invoke_result_t<F&, Connection&>;
    if (auto begun = Begin(); !begun) return std::unexpected(std::move(begun.error()));
    R result = [&]() -> R {
      try {
        return fn(*this);
      } catch (...) {
        (void)Rollback();
        throw;
      }
    }();
    if (!result) {
      (void)Rollback();
      return result;
    }
    if (auto committed = Commit(); !committed) return std::unexpected(std::move(committed.error()));
    return result;
  }

  // Round trip to the server; false (and broken) if the session is gone.
  bool Ping();
  bool broken() const;
  std::uint64_t server_thread_id() const;  // CONNECTION_ID(), e.g. for KILL in tests

  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// True when the error is a deadlock or lock-wait timeout: the transaction was rolled back and
// running it again from the start may succeed.
inline bool IsRetryableTransaction(const Error& e) { return e.code == Errc::timeout; }
// The pause before rerunning a transaction after its attempt-th deadlock: 5 ms doubling per
// attempt, capped at 160 ms, times a random factor in [0.5, 1.5).
std::chrono::milliseconds TransactionRetryDelay(int attempt);

// A leased pooled connection; returns it to the pool on destruction (rolling back a transaction
// left open, discarding it if broken). Move-only; use from one thread at a time.
class Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }

 private:
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
};

using PoolStats = core::PoolStats;

// The pool and its awaitable front door. Connections open lazily, at most pool_size at once.
// Thread-safe: Run/Transaction may be awaited from any number of coroutines and threads; the
// blocking work runs on the Database's own BlockingPool (pool_size threads). RunSync and
// TransactionSync block the calling thread — for plain threads only, never an I/O thread.
// The Database must outlive every call on it.
//
// Callables passed to Run/Transaction must be safe inside a co_await expression with g++ 12
// (core::CoAwaitSafeCallable): capture by reference — the coroutine is suspended until fn has
// run, so `[&]` is safe and cheapest — or pass a named lambda. Anything else does not compile.
//   co_await db.Run([&](Connection& c) { return c.Query("... WHERE id = ?", id); });
class Database {
 public:
  explicit Database(Options options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // fn: Result<T>(Connection&), run on a pooled connection off the I/O threads.
  template <class F>
    requires core::CoAwaitSafeCallable<F>
  boost::asio::awaitable<std::invoke_result_t<F&, Connection&>> Run(F&& fn) {
    co_return co_await blocking_->Run([this, &fn] { return RunSync(fn); });
  }

  // fn runs inside a transaction: committed if it returns a value, rolled back if it returns an
  // error or throws. On a deadlock / lock-wait timeout the whole fn is run again (at most
  // Options::transaction_attempts times), so fn must only touch the database and its own locals.
  template <class F>
    requires core::CoAwaitSafeCallable<F>
  boost::asio::awaitable<std::invoke_result_t<F&, Connection&>> Transaction(F&& fn) {
    co_return co_await blocking_->Run([this, &fn] { return TransactionSync(fn); });
  }

  template <class F>
  auto RunSync(F&& fn) -> std::invoke_result_t<F&, Connection&> {
    auto lease = Acquire();
    if (!lease) return std::unexpected(std::move(lease.error()));
    return fn(**lease);
  }

  template <class F>
  auto TransactionSync(F&& fn) -> std::invoke_result_t<F&, Connection&> {
    for (int attempt = 1;; ++attempt) {
      auto result = RunSync([&](Connection& c) { return c.Transaction(fn); });
      if (result || !IsRetryableTransaction(result.error()) ||
          attempt >= options_.transaction_attempts)
        return result;
      // Transactions that collided would collide again if rerun at once: wait a short,
      // randomised, growing while (this is a pool thread, not an I/O thread).
      std::this_thread::sleep_for(TransactionRetryDelay(attempt));
    }
  }

  // SELECT 1 on a pooled connection: for /readyz.
  boost::asio::awaitable<Status> Ping();

  // Blocks up to acquire_timeout for a connection (opening one if below pool_size).
  Result<Lease> Acquire();

  PoolStats Stats() const;
  const Options& options() const { return options_; }

 private:
  Options options_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<store::core::BlockingPool> blocking_;
};

// DATETIME(3) text in UTC, the way every schema of the project stores instants:
// "2025-06-01 10:20:30.500" (what a parameter or a comparison in SQL takes).
std::string ToDbTime(std::chrono::system_clock::time_point t);
// The other way: a DATETIME read back ("YYYY-MM-DD HH:MM:SS[.fff]", UTC) as a time point.
std::chrono::system_clock::time_point FromDbTime(std::string_view db_time);
// A DATETIME read back ("YYYY-MM-DD HH:MM:SS[.fff]") as RFC 3339 UTC with milliseconds
// ("2025-06-01T10:20:30.500Z"), for JSON; text of another shape is returned unchanged.
std::string DbTimeToRfc3339(std::string_view db_time);

}  // namespace store::db
