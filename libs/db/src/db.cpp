#include "store/db/db.hpp"

#include "store/core/connection_pool.hpp"

#include <fmt/format.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include "store/config/config.hpp"

namespace store::db {
namespace {


// Codes meaning the session is gone: the connection must be discarded, never reused.
bool IsConnectionLost(unsigned code) {
  switch (code) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case CR_COMMANDS_OUT_OF_SYNC:  // the protocol state is unknown: not safe to reuse
    case CR_ERR_NET_READ:
    case CR_ERR_NET_WRITE:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case ER_NEW_ABORTING_CONNECTION:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (idle session closed by the server)
      return true;
    default:
      return false;
  }
}

Error MapError(unsigned code, const char* message) {
  std::string text = fmt::format("mariadb error {}: {}", code, message ? message : "");
  switch (code) {
    case ER_DUP_ENTRY:
    case ER_DUP_ENTRY_WITH_KEY_NAME:
    case ER_ROW_IS_REFERENCED_2:
    case ER_NO_REFERENCED_ROW_2:
    case ER_ROW_IS_REFERENCED:
    case ER_NO_REFERENCED_ROW:
      return Error{Errc::conflict, std::move(text)};
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
      return Error{Errc::timeout, std::move(text)};
    case ER_CON_COUNT_ERROR:
    case ER_TOO_MANY_USER_CONNECTIONS:
      return Error{Errc::unavailable, std::move(text)};
    default:
      break;
  }
  if (IsConnectionLost(code)) return Error{Errc::unavailable, std::move(text)};
  return Error{Errc::internal, std::move(text)};
}

unsigned Seconds(std::chrono::milliseconds ms) {
  return static_cast<unsigned>(std::max<std::int64_t>(1, (ms.count() + 999) / 1000));
}

std::once_flag library_once;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Options

Options Options::Declare(store::config::Loader& cfg, const std::string& prefix) {
  Options o;
  auto key = [&](const char* k) { return prefix + "." + k; };
  o.host = cfg.String(key("host"), o.host, "MariaDB host name or address");
  o.port = static_cast<std::uint16_t>(cfg.Int(key("port"), o.port, "MariaDB TCP port", 1, 65535));
  o.user = cfg.String(key("user"), o.user, "MariaDB user");
  o.password = cfg.String(key("password"), o.password, "MariaDB password");
  o.database = cfg.String(key("database"), o.database, "database (schema) of this service");
  o.pool_size = static_cast<std::size_t>(
      cfg.Int(key("pool_size"), static_cast<std::int64_t>(o.pool_size),
              "most connections open at once (also the threads running driver calls)", 1, 1024));
  o.connect_timeout = cfg.Duration(key("connect_timeout"), o.connect_timeout,
                                   "give up opening a connection after this long");
  o.read_timeout = cfg.Duration(key("read_timeout"), o.read_timeout,
                                "a statement answering later than this counts as a lost connection");
  o.write_timeout = cfg.Duration(key("write_timeout"), o.write_timeout,
                                 "sending a statement longer than this counts as a lost connection");
  o.acquire_timeout = cfg.Duration(key("acquire_timeout"), o.acquire_timeout,
                                   "wait this long for a free pooled connection, then fail with 503");
  o.validate_after_idle =
      cfg.Duration(key("validate_after_idle"), o.validate_after_idle,
                   "ping a pooled connection idle longer than this before using it (0: always)");
  o.transaction_attempts = static_cast<int>(
      cfg.Int(key("transaction_attempts"), o.transaction_attempts,
              "times a transaction is run when it hits a deadlock or lock-wait timeout", 1, 100));
  return o;
}

// ---------------------------------------------------------------------------------------------
// Row

const std::optional<std::string>& Row::operator[](std::size_t i) const {
  if (i >= values_.size())
    throw std::logic_error(fmt::format("column index {} out of range ({})", i, values_.size()));
  return values_[i];
}

const std::optional<std::string>& Row::operator[](std::string_view column) const {
  const auto& names = *columns_;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == column) return values_[i];
  throw std::logic_error(fmt::format("no column '{}' in the result", column));
}

std::string Row::Text(std::string_view column) const {
  const auto& v = (*this)[column];
  if (!v) throw std::logic_error(fmt::format("column '{}' is NULL", column));
  return *v;
}

namespace {
template <class T>
T ParseNumber(std::string_view column, const std::string& text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw std::logic_error(fmt::format("column '{}' is not a number: '{}'", column, text));
  return value;
}
}  // namespace

std::int64_t Row::Int(std::string_view column) const {
  return ParseNumber<std::int64_t>(column, Text(column));
}
std::uint64_t Row::UInt(std::string_view column) const {
  return ParseNumber<std::uint64_t>(column, Text(column));
}
double Row::Double(std::string_view column) const {
  return ParseNumber<double>(column, Text(column));
}
bool Row::Bool(std::string_view column) const { return Int(column) != 0; }
std::optional<std::int64_t> Row::OptInt(std::string_view column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

// ---------------------------------------------------------------------------------------------
// Connection

struct Connection::Impl {
  MYSQL* mysql = nullptr;
  bool broken = false;
  bool in_transaction = false;
  bool answer_pending = false;  // SendText without ReadSent yet
  // Prepared statements by SQL text: a statement is prepared once per connection, then only
  // executed (one round trip instead of two).
  std::unordered_map<std::string, MYSQL_STMT*> statements;

  static constexpr std::size_t kMaxStatements = 256;

  ~Impl() {
    for (auto& [sql, stmt] : statements) mysql_stmt_close(stmt);
    if (mysql) mysql_close(mysql);
  }

  Error Fail(unsigned code, const char* message) {
    if (IsConnectionLost(code)) broken = true;
    return MapError(code, message);
  }
  Error FailConn() { return Fail(mysql_errno(mysql), mysql_error(mysql)); }
  Error FailStmt(MYSQL_STMT* stmt) { return Fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt)); }

  Error Broken() const {
    return Error{Errc::unavailable, "mariadb connection was lost earlier; it is being replaced"};
  }

  // Text protocol: statements that cannot be prepared, transaction control, scripts.
  Result<MYSQL_RES*> TextQuery(std::string_view sql) {
    if (broken) return std::unexpected(Broken());
    if (mysql_real_query(mysql, sql.data(), sql.size()) != 0) return std::unexpected(FailConn());
    MYSQL_RES* res = mysql_store_result(mysql);
    if (!res && mysql_field_count(mysql) != 0) return std::unexpected(FailConn());
    return res;
  }

  Result<MYSQL_STMT*> Prepare(std::string_view sql) {
    if (broken) return std::unexpected(Broken());
    std::string key(sql);
    if (auto it = statements.find(key); it != statements.end()) return it->second;
    if (statements.size() >= kMaxStatements) {
      // Services use a fixed set of statements; only odd tooling gets here. Start afresh.
      for (auto& [s, stmt] : statements) mysql_stmt_close(stmt);
      statements.clear();
    }
    MYSQL_STMT* stmt = mysql_stmt_init(mysql);
    if (!stmt) return std::unexpected(FailConn());
    if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
      Error e = FailStmt(stmt);
      mysql_stmt_close(stmt);
      return std::unexpected(std::move(e));
    }
    statements.emplace(std::move(key), stmt);
    return stmt;
  }

  void Forget(std::string_view sql) {
    if (auto it = statements.find(std::string(sql)); it != statements.end()) {
      mysql_stmt_close(it->second);
      statements.erase(it);
    }
  }

  // Prepares (or reuses), binds and executes. The caller fetches or frees the result.
  Result<MYSQL_STMT*> Execute(std::string_view sql, std::span<const Param> params) {
    auto prepared = Prepare(sql);
    if (!prepared) return prepared;
    MYSQL_STMT* stmt = *prepared;
    if (mysql_stmt_param_count(stmt) != params.size())
      return std::unexpected(Error::Internal(fmt::format(
          "statement has {} placeholders but {} parameters were given: {}",
          mysql_stmt_param_count(stmt), params.size(), sql)));
    std::vector<MYSQL_BIND> binds(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      MYSQL_BIND& b = binds[i];
      std::visit(
          [&b](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::monostate>) {
              b.buffer_type = MYSQL_TYPE_NULL;
            } else if constexpr (std::is_same_v<V, std::int64_t>) {
              b.buffer_type = MYSQL_TYPE_LONGLONG;
              b.buffer = const_cast<std::int64_t*>(&v);
            } else if constexpr (std::is_same_v<V, std::uint64_t>) {
              b.buffer_type = MYSQL_TYPE_LONGLONG;
              b.buffer = const_cast<std::uint64_t*>(&v);
              b.is_unsigned = 1;
            } else if constexpr (std::is_same_v<V, double>) {
              b.buffer_type = MYSQL_TYPE_DOUBLE;
              b.buffer = const_cast<double*>(&v);
            } else {
              b.buffer_type = MYSQL_TYPE_STRING;
              b.buffer = const_cast<char*>(v.data());
              b.buffer_length = static_cast<unsigned long>(v.size());
            }
          },
          params[i].value());
    }
    if (!binds.empty() && mysql_stmt_bind_param(stmt, binds.data()) != 0)
      return std::unexpected(FailStmt(stmt));
    if (mysql_stmt_execute(stmt) != 0) {
      Error e = FailStmt(stmt);
      // A statement invalidated by a schema change is prepared afresh next time.
      if (!broken) Forget(sql);
      return std::unexpected(std::move(e));
    }
    return stmt;
  }

  Result<Rows> Fetch(MYSQL_STMT* stmt) {
    MYSQL_RES* meta = mysql_stmt_result_metadata(stmt);
    if (!meta) return Rows{};
    const unsigned n = mysql_num_fields(meta);
    auto columns = std::make_shared<std::vector<std::string>>();
    MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    for (unsigned i = 0; i < n; ++i) columns->emplace_back(fields[i].name, fields[i].name_length);
    mysql_free_result(meta);

    if (mysql_stmt_store_result(stmt) != 0) return std::unexpected(FailStmt(stmt));
    // Every column is fetched as text: the driver converts numbers and dates, so a Row looks
    // the same whatever the column type.
    std::vector<MYSQL_BIND> binds(n);
    std::vector<std::string> buffers(n, std::string(64, '\0'));
    std::vector<unsigned long> lengths(n);
    std::vector<my_bool> nulls(n), errors(n);
    for (unsigned i = 0; i < n; ++i) {
      binds[i].buffer_type = MYSQL_TYPE_STRING;
      binds[i].buffer = buffers[i].data();
      binds[i].buffer_length = buffers[i].size();
      binds[i].length = &lengths[i];
      binds[i].is_null = &nulls[i];
      binds[i].error = &errors[i];
    }
    if (n > 0 && mysql_stmt_bind_result(stmt, binds.data()) != 0) {
      mysql_stmt_free_result(stmt);
      return std::unexpected(FailStmt(stmt));
    }
    Rows rows;
    rows.reserve(mysql_stmt_num_rows(stmt));
    for (;;) {
      int rc = mysql_stmt_fetch(stmt);
      if (rc == MYSQL_NO_DATA) break;
      if (rc == 1) {
        Error e = FailStmt(stmt);
        mysql_stmt_free_result(stmt);
        return std::unexpected(std::move(e));
      }
      std::vector<std::optional<std::string>> values(n);
      for (unsigned i = 0; i < n; ++i) {
        if (nulls[i]) continue;
        if (lengths[i] <= buffers[i].size()) {
          values[i].emplace(buffers[i].data(), lengths[i]);
          continue;
        }
        // Longer than the bound buffer: fetch this column again into a big enough string.
        std::string big(lengths[i], '\0');
        MYSQL_BIND one{};
        unsigned long len = 0;
        one.buffer_type = MYSQL_TYPE_STRING;
        one.buffer = big.data();
        one.buffer_length = big.size();
        one.length = &len;
        if (mysql_stmt_fetch_column(stmt, &one, i, 0) != 0) {
          Error e = FailStmt(stmt);
          mysql_stmt_free_result(stmt);
          return std::unexpected(std::move(e));
        }
        big.resize(std::min<unsigned long>(len, big.size()));
        values[i] = std::move(big);
      }
      rows.emplace_back(columns, std::move(values));
    }
    mysql_stmt_free_result(stmt);
    return rows;
  }

  static Rows RowsOf(MYSQL_RES* res) {
    Rows rows;
    if (!res) return rows;
    const unsigned n = mysql_num_fields(res);
    auto columns = std::make_shared<std::vector<std::string>>();
    MYSQL_FIELD* fields = mysql_fetch_fields(res);
    for (unsigned i = 0; i < n; ++i) columns->emplace_back(fields[i].name, fields[i].name_length);
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      unsigned long* lengths = mysql_fetch_lengths(res);
      std::vector<std::optional<std::string>> values(n);
      for (unsigned i = 0; i < n; ++i)
        if (row[i]) values[i].emplace(row[i], lengths[i]);
      rows.emplace_back(columns, std::move(values));
    }
    mysql_free_result(res);
    return rows;
  }
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

Result<std::unique_ptr<Connection>> Connection::Open(const Options& o) {
  std::call_once(library_once, [] { mysql_library_init(0, nullptr, nullptr); });
  auto impl = std::make_unique<Impl>();
  impl->mysql = mysql_init(nullptr);
  if (!impl->mysql) return std::unexpected(Error::Internal("mysql_init: out of memory"));
  unsigned connect = Seconds(o.connect_timeout), read = Seconds(o.read_timeout),
           write = Seconds(o.write_timeout);
  my_bool no = 0;
  mysql_optionsv(impl->mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect);
  mysql_optionsv(impl->mysql, MYSQL_OPT_READ_TIMEOUT, &read);
  mysql_optionsv(impl->mysql, MYSQL_OPT_WRITE_TIMEOUT, &write);
  // Never reconnect silently: a new session would lose the transaction and session state.
  mysql_optionsv(impl->mysql, MYSQL_OPT_RECONNECT, &no);
  mysql_optionsv(impl->mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // Timestamps are UTC everywhere; NOW() and TIMESTAMP columns agree with the services' clocks.
  mysql_optionsv(impl->mysql, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
  // CLIENT_FOUND_ROWS: affected_rows counts rows matched by an UPDATE, not only rows changed,
  // so "UPDATE ... WHERE id = ? AND version = ?" reports 1 even when no value changed.
  if (!mysql_real_connect(impl->mysql, o.host.c_str(), o.user.c_str(), o.password.c_str(),
                          o.database.empty() ? nullptr : o.database.c_str(), o.port, nullptr,
                          CLIENT_FOUND_ROWS)) {
    unsigned code = mysql_errno(impl->mysql);
    Error e = MapError(code, mysql_error(impl->mysql));
    // Bad credentials or an unknown database are configuration mistakes, but the server may be
    // restarting with its grants not yet loaded: all connect failures are worth a retry.
    e.code = Errc::unavailable;
    e.message = fmt::format("cannot connect to mariadb at {}:{}: {}", o.host, o.port, e.message);
    return std::unexpected(std::move(e));
  }
  return std::make_unique<Connection>(std::move(impl));
}

Result<ExecResult> Connection::ExecuteParams(std::string_view sql, std::span<const Param> params) {
  auto executed = impl_->Execute(sql, params);
  if (!executed) return std::unexpected(std::move(executed.error()));
  MYSQL_STMT* stmt = *executed;
  ExecResult r{mysql_stmt_affected_rows(stmt), mysql_stmt_insert_id(stmt)};
  // A statement that returned rows anyway: drain them so the connection stays usable.
  if (mysql_stmt_field_count(stmt) > 0) {
    auto drained = impl_->Fetch(stmt);
    if (!drained) return std::unexpected(std::move(drained.error()));
    r.affected_rows = drained->size();
  }
  return r;
}

Result<Rows> Connection::QueryParams(std::string_view sql, std::span<const Param> params) {
  auto executed = impl_->Execute(sql, params);
  if (!executed) {
    // Some statements (SHOW ..., some admin commands) cannot be prepared: without parameters
    // the text protocol is just as safe.
    if (executed.error().message.starts_with(fmt::format("mariadb error {}:", ER_UNSUPPORTED_PS)) &&
        params.empty()) {
      auto res = impl_->TextQuery(sql);
      if (!res) return std::unexpected(std::move(res.error()));
      return Impl::RowsOf(*res);
    }
    return std::unexpected(std::move(executed.error()));
  }
  return impl_->Fetch(*executed);
}

Result<std::optional<Row>> Connection::QueryOneParams(std::string_view sql,
                                                      std::span<const Param> params) {
  auto rows = QueryParams(sql, params);
  if (!rows) return std::unexpected(std::move(rows.error()));
  if (rows->empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows->front()));
}

Status Connection::ExecuteScript(std::string_view sql) {
  auto& d = *impl_;
  if (d.broken) return std::unexpected(d.Broken());
  // Multi-statements are switched on only for the duration of a script, so no ordinary
  // statement can ever be stacked by an injected `;`.
  if (mysql_set_server_option(d.mysql, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
    return std::unexpected(d.FailConn());
  Status status;
  if (mysql_real_query(d.mysql, sql.data(), sql.size()) != 0) {
    status = std::unexpected(d.FailConn());
  } else {
    for (;;) {
      if (MYSQL_RES* res = mysql_store_result(d.mysql)) mysql_free_result(res);
      else if (mysql_field_count(d.mysql) != 0) {
        status = std::unexpected(d.FailConn());
        break;
      }
      int more = mysql_next_result(d.mysql);
      if (more == -1) break;  // no more results
      if (more > 0) {
        status = std::unexpected(d.FailConn());
        break;
      }
    }
  }
  if (!d.broken && mysql_set_server_option(d.mysql, MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0 &&
      status)
    status = std::unexpected(d.FailConn());
  return status;
}

Status Connection::Begin() {
  auto r = impl_->TextQuery("START TRANSACTION");
  if (!r) return std::unexpected(std::move(r.error()));
  impl_->in_transaction = true;
  return {};
}

Status Connection::Commit() {
  impl_->in_transaction = false;
  auto r = impl_->TextQuery("COMMIT");
  if (!r) {
    Error e = std::move(r.error());
    if (impl_->broken)
      e.message = "commit outcome unknown (connection lost during COMMIT): " + e.message;
    return std::unexpected(std::move(e));
  }
  return {};
}

Status Connection::Rollback() {
  impl_->in_transaction = false;
  auto r = impl_->TextQuery("ROLLBACK");
  if (!r) return std::unexpected(std::move(r.error()));
  return {};
}

Status Connection::SendText(std::string_view sql) {
  auto& d = *impl_;
  if (d.answer_pending) return std::unexpected(Error::Internal("SendText while an earlier answer is unread"));
  if (d.broken) return std::unexpected(d.Broken());
  if (mysql_send_query(d.mysql, sql.data(), static_cast<unsigned long>(sql.size())) != 0)
    return std::unexpected(d.FailConn());
  d.answer_pending = true;
  return {};
}

Result<ExecResult> Connection::ReadSent() {
  auto& d = *impl_;
  if (!d.answer_pending) return std::unexpected(Error::Internal("ReadSent without SendText"));
  d.answer_pending = false;
  if (mysql_read_query_result(d.mysql) != 0) return std::unexpected(d.FailConn());
  ExecResult r{mysql_affected_rows(d.mysql), mysql_insert_id(d.mysql)};
  if (MYSQL_RES* res = mysql_store_result(d.mysql)) {
    r.affected_rows = mysql_num_rows(res);
    mysql_free_result(res);
  }
  return r;
}

bool Connection::in_transaction() const { return impl_->in_transaction; }

bool Connection::Ping() {
  if (impl_->broken) return false;
  if (mysql_ping(impl_->mysql) != 0) impl_->broken = true;
  return !impl_->broken;
}

bool Connection::broken() const { return impl_->broken || impl_->answer_pending; }
std::uint64_t Connection::server_thread_id() const { return mysql_thread_id(impl_->mysql); }

// ---------------------------------------------------------------------------------------------
// Pool

// The shared pool (core::ConnectionPool) plus the one MariaDB rule on return: a transaction
// left open (an early return or an exception in the caller) is rolled back, so the next user
// starts clean.
class Pool {
 public:
  explicit Pool(const Options& options)
      : pool_({"mariadb", options.pool_size, options.acquire_timeout, options.validate_after_idle},
              [&options] { return Connection::Open(options); }) {}

  Result<std::unique_ptr<Connection>> Take() { return pool_.Take(); }

  void Give(std::unique_ptr<Connection> conn) {
    if (conn && !conn->broken() && conn->in_transaction()) (void)conn->Rollback();
    pool_.Give(std::move(conn));
  }

  PoolStats Stats() const { return pool_.Stats(); }

 private:
  core::ConnectionPool<Connection> pool_;
};

}  // namespace store::db

namespace store::db {

Lease::~Lease() {
  if (conn_) pool_->Give(std::move(conn_));
}

Database::Database(Options options)
    : options_(std::move(options)),
      pool_(std::make_unique<Pool>(options_)),
      blocking_(std::make_unique<store::core::BlockingPool>(options_.pool_size)) {}

// blocking_ is destroyed first (declared last): its threads finish their calls before the
// pool and its connections go away.
Database::~Database() = default;

Result<Lease> Database::Acquire() {
  auto conn = pool_->Take();
  if (!conn) return std::unexpected(std::move(conn.error()));
  return Lease(pool_.get(), std::move(*conn));
}

boost::asio::awaitable<Status> Database::Ping() {
  co_return co_await Run([](Connection& c) -> Status {
    auto r = c.Query("SELECT 1");
    if (!r) return std::unexpected(std::move(r.error()));
    return {};
  });
}

PoolStats Database::Stats() const { return pool_->Stats(); }

std::chrono::milliseconds TransactionRetryDelay(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const double base = 5.0 * static_cast<double>(1 << std::clamp(attempt - 1, 0, 5));
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  return std::chrono::milliseconds(static_cast<std::int64_t>(base * jitter(rng)));
}

std::string ToDbTime(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - std::int64_t(secs) * 1000));
}

std::chrono::system_clock::time_point FromDbTime(std::string_view t) {
  std::string text(t);
  std::tm tm{};
  int millis = 0;
  char frac[4] = {'0', '0', '0', 0};
  std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
  if (text.size() > 20 && text[19] == '.')
    for (std::size_t i = 0; i < 3 && 20 + i < text.size(); ++i) frac[i] = text[20 + i];
  millis = (frac[0] - '0') * 100 + (frac[1] - '0') * 10 + (frac[2] - '0');
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(millis);
}

std::string DbTimeToRfc3339(std::string_view t) {
  if (t.size() < 19) return std::string(t);
  std::string frac(t.size() > 20 ? t.substr(20) : std::string_view());
  frac.resize(3, '0');
  return fmt::format("{}T{}.{}Z", t.substr(0, 10), t.substr(11, 8), frac);
}

}  // namespace store::db
