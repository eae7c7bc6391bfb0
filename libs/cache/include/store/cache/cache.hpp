// store::cache — Redis. The awaitable functions share one pipelined connection per execution
// context (io_context) the cache is used on: commands are written from the calling thread as
// they come and their replies, in order, resume the callers — no thread hop. The *Sync twins,
// for plain threads, use a bounded pool of blocking hiredis connections.
//
//   store::cache::Cache cache(store::cache::Options::Declare(cfg));
//   CO_TRY_STATUS(co_await cache.Set("product:42", json, std::chrono::seconds(60)));
//   CO_TRY(hit, co_await cache.Get("product:42"));          // std::optional<std::string>
//   CO_TRY(replies, co_await cache.Pipeline({{"INCR", "a"}, {"EXPIRE", "a", "60"}}));
//
// Errors: a refused or lost connection, or a command timeout -> Errc::unavailable (every reply
// still owed on that connection is lost with it; later calls open a fresh one, so a restarted
// Redis is survived); pool exhausted (*Sync) -> Errc::unavailable; an error reply to a single command (WRONGTYPE, ...) ->
// Errc::internal. In a pipeline, error replies stay in the returned replies (Reply::is_error).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/connection_pool.hpp"
#include "store/core/result.hpp"

namespace store::config {
class Loader;
}

namespace store::cache {

using store::core::Error;
using store::core::Errc;
using store::core::Result;
using store::core::Status;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string password;  // AUTH after connect when set
  int database = 0;      // SELECT after connect when not 0
  std::size_t pool_size = 4;  // connections of the *Sync calls' pool
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};  // a reply slower than this = lost connection
  std::chrono::milliseconds acquire_timeout{2000};
  // A pooled connection idle longer than this is PINGed before use; 0 pings every checkout.
  std::chrono::milliseconds validate_after_idle{1000};

  // Declares cache.host, cache.port, cache.password, cache.database, cache.pool_size,
  // cache.connect_timeout, cache.command_timeout, cache.acquire_timeout,
  // cache.validate_after_idle (under `prefix`) and returns their values.
  static Options Declare(store::config::Loader& cfg, const std::string& prefix = "cache");
};

// One Redis reply (RESP2). Plain value.
struct Reply {
  enum class Type { nil, string, status, integer, array, error };
  Type type = Type::nil;
  std::string str;             // string, status and error replies
  std::int64_t integer = 0;    // integer replies
  std::vector<Reply> elements;  // array replies

  bool is_nil() const { return type == Type::nil; }
  bool is_error() const { return type == Type::error; }
};

using Command = std::vector<std::string>;  // {"SET", "key", "value", "PX", "1000"}

// One Redis connection. Not thread-safe (the pool hands it to one thread at a time). After an
// I/O error it is broken() and fails fast; the pool discards it.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result<Reply> Run(const Command& command);  // an error reply becomes Errc::internal
  // Sends every command, then reads every reply: one round trip.
  Result<std::vector<Reply>> Pipeline(const std::vector<Command>& commands);
  bool Ping();
  bool broken() const;

  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

using PoolStats = core::PoolStats;

// Thread-safe; must outlive every call on it. The *Sync functions block the calling thread:
// plain threads only, never an I/O thread.
class Cache {
 public:
  explicit Cache(Options options);
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  boost::asio::awaitable<Result<Reply>> Run(Command command);
  boost::asio::awaitable<Result<std::vector<Reply>>> Pipeline(std::vector<Command> commands);

  // nullopt when the key does not exist.
  boost::asio::awaitable<Result<std::optional<std::string>>> Get(std::string key);
  // ttl: expiry (millisecond precision); none keeps the key until deleted.
  boost::asio::awaitable<Status> Set(std::string key, std::string value,
                                     std::optional<std::chrono::milliseconds> ttl = std::nullopt);
  // SET NX: true when the key was created, false when it already existed.
  boost::asio::awaitable<Result<bool>> SetIfAbsent(
      std::string key, std::string value, std::optional<std::chrono::milliseconds> ttl = std::nullopt);
  boost::asio::awaitable<Result<std::int64_t>> Del(std::string key);  // keys removed (0 or 1)
  boost::asio::awaitable<Result<std::int64_t>> Incr(std::string key, std::int64_t by = 1);
  // true when the key exists and now expires after ttl.
  boost::asio::awaitable<Result<bool>> Expire(std::string key, std::chrono::milliseconds ttl);
  // Remaining lifetime (PTTL); nullopt when the key is missing or has no expiry.
  boost::asio::awaitable<Result<std::optional<std::chrono::milliseconds>>> Ttl(std::string key);
  boost::asio::awaitable<Status> Ping();

  Result<Reply> RunSync(const Command& command);
  Result<std::vector<Reply>> PipelineSync(const std::vector<Command>& commands);

  PoolStats Stats() const;  // of the *Sync calls' pool

 private:
  // `commands` must outlive the call (it is read before the first suspension).
  boost::asio::awaitable<Result<std::vector<Reply>>> Exec(const std::vector<Command>& commands);

  struct Links;
  Options options_;
  std::unique_ptr<core::ConnectionPool<Connection>> pool_;
  std::unique_ptr<Links> links_;
};

}  // namespace store::cache
