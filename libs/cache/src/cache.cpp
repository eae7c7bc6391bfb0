#include "store/cache/cache.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <mutex>
#include <unordered_map>

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

// The RESP2 encoding of commands: "*<n>\r\n" then "$<len>\r\n<arg>\r\n" per argument.
std::string Encode(const std::vector<Command>& commands) {
  std::string wire;
  for (const auto& command : commands) {
    wire += fmt::format("*{}\r\n", command.size());
    for (const auto& arg : command) {
      wire += fmt::format("${}\r\n", arg.size());
      wire += arg;
      wire += "\r\n";
    }
  }
  return wire;
}

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Replies = Result<std::vector<Reply>>;
using Handler = asio::any_completion_handler<void(Replies)>;

// One multiplexed Redis connection of one Cache on one execution context (io_context): the
// commands of every coroutine running there are written as they come (pipelined, no thread hop)
// and the replies, which Redis sends in the same order, complete them in turn. All state lives
// on a strand. It reads and keeps a deadline timer only while replies are owed, so an idle link
// holds no work that would keep a run-to-completion io_context alive; a connection the server
// closed while idle is noticed (a non-blocking peek) before the next command goes out on it.
class Link : public std::enable_shared_from_this<Link> {
 public:
  Link(asio::any_io_executor ex, std::shared_ptr<const Options> options)
      : strand_(asio::make_strand(ex)), options_(std::move(options)), socket_(strand_), resolver_(strand_), timer_(strand_),
        reader_(redisReaderCreate()) {}
  ~Link() { redisReaderFree(reader_); }

  // `count` replies are owed for `wire`; `handler` gets them all, or the error that lost them.
  // It is resumed on `caller` (the caller's executor).
  void Exec(std::string wire, std::size_t count, asio::any_io_executor caller, Handler handler) {
    asio::dispatch(strand_, [self = shared_from_this(), wire = std::move(wire), count, caller = std::move(caller),
                             handler = std::move(handler)]() mutable {
      self->Enqueue(std::move(wire), count, std::move(caller), std::move(handler));
    });
  }

  // The execution context is going away: no handler may run any more.
  void Shutdown() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
    pending_.clear();
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::size_t count = 0;
    std::vector<Reply> replies;
    Handler handler;  // empty for the connection's own AUTH / SELECT
    asio::any_io_executor caller;
    Clock::time_point deadline;
  };
  enum class State { closed, connecting, open };

  void Enqueue(std::string wire, std::size_t count, asio::any_io_executor caller, Handler handler) {
    if (pending_.empty() && state_ == State::open && ClosedByPeer()) Close();
    auto deadline = Clock::now() + options_->command_timeout;
    if (state_ != State::open) deadline += options_->connect_timeout;
    pending_.push_back(Pending{count, {}, std::move(handler), std::move(caller), deadline});
    if (pending_.size() == 1) ArmTimer();
    out_ += wire;
    if (state_ == State::closed) return Connect();
    if (state_ == State::open) Flush();
  }

  // Anything readable while no reply is owed means the server closed (or broke) the connection.
  bool ClosedByPeer() {
    char c;
    const auto n = ::recv(socket_.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }

  void Connect() {
    state_ = State::connecting;
    const auto generation = generation_;
    resolver_.async_resolve(options_->host, std::to_string(options_->port),
        [self = shared_from_this(), generation](boost::system::error_code ec, tcp::resolver::results_type endpoints) {
          if (generation != self->generation_) return;
          if (ec) return self->Fail(fmt::format("cannot resolve redis host {}: {}", self->options_->host, ec.message()));
          asio::async_connect(self->socket_, endpoints, [self, generation](boost::system::error_code ec, const tcp::endpoint&) {
            if (generation != self->generation_) return;
            if (ec)
              return self->Fail(fmt::format("cannot connect to redis at {}:{}: {}", self->options_->host, self->options_->port, ec.message()));
            self->Opened();
          });
        });
  }

  void Opened() {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    state_ = State::open;
    // The connection's own commands go first: their replies come first.
    std::vector<Command> setup;
    if (!options_->password.empty()) setup.push_back({"AUTH", options_->password});
    if (options_->database != 0) setup.push_back({"SELECT", std::to_string(options_->database)});
    if (!setup.empty()) {
      pending_.push_front(Pending{setup.size(), {}, {}, {}, pending_.front().deadline});
      out_.insert(0, Encode(setup));
    }
    Flush();
  }

  void Flush() {
    if (!reading_ && !pending_.empty()) Read();
    if (writing_ || out_.empty()) return;
    writing_ = true;
    sending_.swap(out_);
    asio::async_write(socket_, asio::buffer(sending_), [self = shared_from_this(), generation = generation_](boost::system::error_code ec, std::size_t) {
      if (generation != self->generation_) return;
      self->writing_ = false;
      self->sending_.clear();
      if (ec) return self->Fail("redis connection lost: " + ec.message());
      self->Flush();
    });
  }

  void Read() {
    reading_ = true;
    socket_.async_read_some(asio::buffer(in_), [self = shared_from_this(), generation = generation_](boost::system::error_code ec, std::size_t n) {
      if (generation != self->generation_) return;
      self->reading_ = false;
      if (ec) return self->Fail(ec == asio::error::eof ? std::string("redis closed the connection") : "redis connection lost: " + ec.message());
      self->Received(n);
    });
  }

  void Received(std::size_t n) {
    const auto generation = generation_;
    if (redisReaderFeed(reader_, in_.data(), n) != REDIS_OK) return Fail("redis protocol error");
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader_, &raw) != REDIS_OK) return Fail("redis protocol error");
      if (!raw) break;
      auto* reply = static_cast<redisReply*>(raw);
      Reply converted = Convert(reply);
      freeReplyObject(reply);
      if (pending_.empty()) return Fail("redis sent a reply nobody asked for");
      auto& front = pending_.front();
      front.replies.push_back(std::move(converted));
      if (front.replies.size() < front.count) continue;
      Pending done = std::move(front);
      pending_.pop_front();
      if (!done.handler) {  // AUTH / SELECT
        for (const auto& r : done.replies)
          if (r.is_error()) return Fail("redis refused the connection's set-up (AUTH / SELECT): " + r.str);
        continue;
      }
      std::vector<Reply> replies = std::move(done.replies);
      Complete(std::move(done), std::move(replies));
    }
    if (generation != generation_) return;
    if (pending_.empty()) {
      timer_.cancel();
      return;
    }
    Read();
  }

  void ArmTimer() {
    timer_.expires_at(pending_.front().deadline);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec == asio::error::operation_aborted || self->pending_.empty()) return;
      if (Clock::now() < self->pending_.front().deadline) return self->ArmTimer();
      self->Fail(fmt::format("no reply from redis within {} ms", self->options_->command_timeout.count()));
    });
  }

  static void Complete(Pending p, Replies result) {
    asio::post(p.caller, [handler = std::move(p.handler), result = std::move(result)]() mutable { std::move(handler)(std::move(result)); });
  }

  // Back to closed; the next command connects again.
  void Close() {
    ++generation_;  // the handlers of the old socket's operations are ignored
    boost::system::error_code ignored;
    socket_.close(ignored);
    state_ = State::closed;
    writing_ = reading_ = false;
    out_.clear();
    sending_.clear();
    redisReaderFree(reader_);
    reader_ = redisReaderCreate();
  }

  // Every owed reply is lost: their callers get Errc::unavailable.
  void Fail(const std::string& why) {
    Close();
    timer_.cancel();
    auto lost = std::move(pending_);
    pending_.clear();
    for (auto& p : lost)
      if (p.handler) Complete(std::move(p), std::unexpected(Error::Unavailable(why)));
  }

  asio::strand<asio::any_io_executor> strand_;
  std::shared_ptr<const Options> options_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  redisReader* reader_;
  State state_ = State::closed;
  std::uint64_t generation_ = 0;
  std::deque<Pending> pending_;  // in the order of their commands on the wire
  std::string out_;              // encoded, not yet being written
  std::string sending_;          // being written
  bool writing_ = false;
  bool reading_ = false;
  std::array<char, 16384> in_;
};

// The links of every Cache on one execution context; shut down (without running a handler)
// when the context is destroyed.
class LinkService : public asio::execution_context::service {
 public:
  using key_type = LinkService;
  inline static asio::execution_context::id id;
  explicit LinkService(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}

  // The cache's link on this context; `created` tells whether this call opened it.
  std::shared_ptr<Link> Get(std::uint64_t cache, const std::shared_ptr<const Options>& options, const asio::any_io_executor& ex,
                            bool& created) {
    std::lock_guard lock(mu_);
    auto& link = links_[cache];
    created = !link;
    if (created) link = std::make_shared<Link>(ex, options);
    return link;
  }
  void Forget(std::uint64_t cache) {
    std::lock_guard lock(mu_);
    links_.erase(cache);
  }

 private:
  void shutdown() override {
    std::lock_guard lock(mu_);
    for (auto& [_, link] : links_) link->Shutdown();
    links_.clear();
  }
  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Link>> links_;
};

std::atomic<std::uint64_t> next_cache_id{1};

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
      "most blocking Redis connections open at once (the synchronous calls of plain threads)", 1, 1024));
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

// The links this cache opened, one per execution context it was used on.
struct Cache::Links {
  std::uint64_t id = next_cache_id++;
  std::shared_ptr<const Options> options;
  std::mutex mu;
  std::vector<std::pair<std::weak_ptr<Link>, LinkService*>> opened;

  std::shared_ptr<Link> For(const asio::any_io_executor& ex) {
    auto& service = asio::use_service<LinkService>(asio::query(ex, asio::execution::context));
    bool created = false;
    auto link = service.Get(id, options, ex, created);
    if (created) {  // once per context: the common call takes no lock here
      std::lock_guard lock(mu);
      std::erase_if(opened, [](const auto& o) { return o.first.expired(); });
      opened.emplace_back(link, &service);
    }
    return link;
  }
  // A link still alive means its context (and service) is too: it leaves the service's table
  // and closes once its owed replies are in.
  ~Links() {
    for (auto& [weak, service] : opened)
      if (weak.lock()) service->Forget(id);
  }
};

Cache::Cache(Options options)
    : options_(std::move(options)),
      pool_(std::make_unique<core::ConnectionPool<Connection>>(
          core::ConnectionPool<Connection>::Settings{"redis", options_.pool_size, options_.acquire_timeout,
                                                     options_.validate_after_idle},
          [this] { return Connection::Open(options_); })),
      links_(std::make_unique<Links>()) {
  links_->options = std::make_shared<const Options>(options_);
}

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

boost::asio::awaitable<Result<std::vector<Reply>>> Cache::Exec(const std::vector<Command>& commands) {
  // Checked before anything is sent: a half-encoded pipeline would corrupt the connection.
  for (const auto& command : commands)
    if (command.empty()) co_return std::unexpected(Error::Internal("empty redis command"));
  if (commands.empty()) co_return std::vector<Reply>{};
  auto caller = co_await asio::this_coro::executor;
  auto link = links_->For(caller);
  std::string wire = Encode(commands);
  auto start = [&](Handler handler) { link->Exec(std::move(wire), commands.size(), caller, std::move(handler)); };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Replies)>(start, asio::use_awaitable);
}

boost::asio::awaitable<Result<Reply>> Cache::Run(Command command) {
  std::vector<Command> one{std::move(command)};
  CO_TRY(replies, co_await Exec(one));
  Reply reply = std::move(replies.front());
  if (reply.is_error())
    co_return std::unexpected(Error::Internal(fmt::format("redis {}: {}", one.front().front(), reply.str)));
  co_return reply;
}

boost::asio::awaitable<Result<std::vector<Reply>>> Cache::Pipeline(std::vector<Command> commands) {
  co_return co_await Exec(commands);
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
