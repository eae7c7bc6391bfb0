#include "store/cache/cache.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <condition_variable>
#include <mutex>

#include "store/config/config.hpp"

namespace store::cache {
namespace {


timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

Reply Convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::nil;
  }
  return out;
}

std::string PxArg(std::chrono::milliseconds ttl) { return std::to_string(std::max<std::int64_t>(1, ttl.count())); }

}  // namespace

Options Options::Declare(store::config::Loader& cfg, const std::string& prefix) {
  Options o;
  auto key = [&](const char* k) { return prefix + "." + k; };
  o.host = cfg.String(key("host"), o.host, "Redis host name or address");
  o.port = static_cast<std::uint16_t>(cfg.Int(key("port"), o.port, "Redis TCP port", 1, 65535));
  o.password = cfg.String(key("password"), o.password, "Redis password (AUTH); empty for none");
  o.database = static_cast<int>(cfg.Int(key("database"), o.database, "Redis logical database", 0, 15));
  o.pool_size = static_cast<std::size_t>(cfg.Int(
      key("pool_size"), static_cast<std::int64_t>(o.pool_size),
      "most Redis connections open at once (also the threads running driver calls)", 1, 1024));
  o.connect_timeout = cfg.Duration(key("connect_timeout"), o.connect_timeout,
                                   "give up opening a Redis connection after this long");
  o.command_timeout = cfg.Duration(key("command_timeout"), o.command_timeout,
                                   "a Redis reply slower than this counts as a lost connection");
  o.acquire_timeout = cfg.Duration(key("acquire_timeout"), o.acquire_timeout,
                                   "wait this long for a free pooled connection, then fail with 503");
  o.validate_after_idle =
      cfg.Duration(key("validate_after_idle"), o.validate_after_idle,
                   "PING a pooled connection idle longer than this before using it (0: always)");
  return o;
}

// ---------------------------------------------------------------------------------------------

struct Connection::Impl {
  redisContext* ctx = nullptr;
  bool broken = false;

  ~Impl() {
    if (ctx) redisFree(ctx);
  }

  Error IoError() {
    broken = true;
    return Error::Unavailable(fmt::format("redis connection lost: {}", ctx->errstr));
  }
  Error Broken() const {
    return Error::Unavailable("redis connection was lost earlier; it is being replaced");
  }

  static void Args(const Command& command, std::vector<const char*>& argv,
                   std::vector<std::size_t>& lens) {
    argv.clear();
    lens.clear();
    for (const auto& a : command) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
  }
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

Result<std::unique_ptr<Connection>> Connection::Open(const Options& o) {
  auto impl = std::make_unique<Impl>();
  impl->ctx = redisConnectWithTimeout(o.host.c_str(), o.port, ToTimeval(o.connect_timeout));
  if (!impl->ctx) return std::unexpected(Error::Internal("redisConnect: out of memory"));
  if (impl->ctx->err)
    return std::unexpected(Error::Unavailable(
        fmt::format("cannot connect to redis at {}:{}: {}", o.host, o.port, impl->ctx->errstr)));
  if (redisSetTimeout(impl->ctx, ToTimeval(o.command_timeout)) != REDIS_OK)
    return std::unexpected(Error::Unavailable("redis: cannot set the command timeout"));
  auto conn = std::make_unique<Connection>(std::move(impl));
  if (!o.password.empty()) {
    auto auth = conn->Run({"AUTH", o.password});
    if (!auth) return std::unexpected(Error::Unavailable("redis AUTH failed: " + auth.error().message));
  }
  if (o.database != 0) {
    auto select = conn->Run({"SELECT", std::to_string(o.database)});
    if (!select) return std::unexpected(std::move(select.error()));
  }
  return conn;
}

Result<Reply> Connection::Run(const Command& command) {
  auto replies = Pipeline({command});
  if (!replies) return std::unexpected(std::move(replies.error()));
  Reply reply = std::move(replies->front());
  if (reply.is_error())
    return std::unexpected(Error::Internal(fmt::format("redis {}: {}", command.empty() ? "" : command[0], reply.str)));
  return reply;
}

Result<std::vector<Reply>> Connection::Pipeline(const std::vector<Command>& commands) {
  auto& d = *impl_;
  if (d.broken) return std::unexpected(d.Broken());
  // Checked before anything is buffered: a half-appended pipeline would corrupt the connection.
  for (const auto& command : commands)
    if (command.empty()) return std::unexpected(Error::Internal("empty redis command"));
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  for (const auto& command : commands) {
    Impl::Args(command, argv, lens);
    if (redisAppendCommandArgv(d.ctx, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK)
      return std::unexpected(d.IoError());
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    // The first call flushes the whole output buffer, then replies are read in order.
    if (redisGetReply(d.ctx, &raw) != REDIS_OK || !raw) return std::unexpected(d.IoError());
    auto* reply = static_cast<redisReply*>(raw);
    replies.push_back(Convert(reply));
    freeReplyObject(reply);
  }
  return replies;
}

bool Connection::Ping() {
  if (impl_->broken) return false;
  auto pong = Run({"PING"});
  if (!pong) impl_->broken = true;
  return !impl_->broken;
}

bool Connection::broken() const { return impl_->broken; }

// ---------------------------------------------------------------------------------------------

Cache::Cache(Options options)
    : options_(std::move(options)),
      pool_(std::make_unique<core::ConnectionPool<Connection>>(
          core::ConnectionPool<Connection>::Settings{"redis", options_.pool_size, options_.acquire_timeout,
                                                     options_.validate_after_idle},
          [this] { return Connection::Open(options_); })),
      blocking_(std::make_unique<store::core::BlockingPool>(options_.pool_size)) {}

// blocking_ goes first (declared last): in-flight calls finish before the pool is destroyed.
Cache::~Cache() = default;

Result<Reply> Cache::RunSync(const Command& command) {
  auto conn = pool_->Take();
  if (!conn) return std::unexpected(std::move(conn.error()));
  auto reply = (*conn)->Run(command);
  pool_->Give(std::move(*conn));
  return reply;
}

Result<std::vector<Reply>> Cache::PipelineSync(const std::vector<Command>& commands) {
  if (commands.empty()) return std::vector<Reply>{};
  auto conn = pool_->Take();
  if (!conn) return std::unexpected(std::move(conn.error()));
  auto replies = (*conn)->Pipeline(commands);
  pool_->Give(std::move(*conn));
  return replies;
}

boost::asio::awaitable<Result<Reply>> Cache::Run(Command command) {
  // By reference: command lives in this coroutine's frame until the call is done (and a
  // by-value capture of a non-trivial type in a co_await expression is double-destroyed by g++ 12).
  co_return co_await blocking_->Run([this, &command] { return RunSync(command); });
}

boost::asio::awaitable<Result<std::vector<Reply>>> Cache::Pipeline(std::vector<Command> commands) {
  co_return co_await blocking_->Run([this, &commands] { return PipelineSync(commands); });
}

// The commands below are built in a named variable first: g++ 12 miscompiles a braced
// initializer list inside a co_await expression ("array used as initializer").

boost::asio::awaitable<Result<std::optional<std::string>>> Cache::Get(std::string key) {
  Command c{"GET", std::move(key)};
  CO_TRY(reply, co_await Run(std::move(c)));
  if (reply.is_nil()) co_return std::optional<std::string>();
  co_return std::optional<std::string>(std::move(reply.str));
}

boost::asio::awaitable<Status> Cache::Set(std::string key, std::string value,
                                          std::optional<std::chrono::milliseconds> ttl) {
  Command c{"SET", std::move(key), std::move(value)};
  if (ttl) {
    c.push_back("PX");
    c.push_back(PxArg(*ttl));
  }
  CO_TRY(reply, co_await Run(std::move(c)));
  co_return Status{};
}

boost::asio::awaitable<Result<bool>> Cache::SetIfAbsent(std::string key, std::string value,
                                                        std::optional<std::chrono::milliseconds> ttl) {
  Command c{"SET", std::move(key), std::move(value), "NX"};
  if (ttl) {
    c.push_back("PX");
    c.push_back(PxArg(*ttl));
  }
  CO_TRY(reply, co_await Run(std::move(c)));
  co_return !reply.is_nil();
}

boost::asio::awaitable<Result<std::int64_t>> Cache::Del(std::string key) {
  Command c{"DEL", std::move(key)};
  CO_TRY(reply, co_await Run(std::move(c)));
  co_return reply.integer;
}

boost::asio::awaitable<Result<std::int64_t>> Cache::Incr(std::string key, std::int64_t by) {
  Command c{"INCRBY", std::move(key), std::to_string(by)};
  CO_TRY(reply, co_await Run(std::move(c)));
  co_return reply.integer;
}

boost::asio::awaitable<Result<bool>> Cache::Expire(std::string key, std::chrono::milliseconds ttl) {
  Command c{"PEXPIRE", std::move(key), PxArg(ttl)};
  CO_TRY(reply, co_await Run(std::move(c)));
  co_return reply.integer == 1;
}

boost::asio::awaitable<Result<std::optional<std::chrono::milliseconds>>> Cache::Ttl(std::string key) {
  Command c{"PTTL", std::move(key)};
  CO_TRY(reply, co_await Run(std::move(c)));
  // PTTL answers -2 for a missing key and -1 for a key without expiry.
  if (reply.integer < 0) co_return std::optional<std::chrono::milliseconds>();
  co_return std::optional<std::chrono::milliseconds>(reply.integer);
}

boost::asio::awaitable<Status> Cache::Ping() {
  Command c{"PING"};
  CO_TRY(reply, co_await Run(std::move(c)));
  co_return Status{};
}

PoolStats Cache::Stats() const { return pool_->Stats(); }

}  // namespace store::cache
