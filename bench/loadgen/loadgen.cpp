#include "loadgen.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "response_parser.hpp"

namespace store::loadgen {
namespace {

using Nanos = std::int64_t;  // CLOCK_MONOTONIC nanoseconds
constexpr Nanos kNever = std::numeric_limits<Nanos>::max();
constexpr Nanos kSecond = 1'000'000'000;
constexpr Nanos kRetryDelay = 50'000'000;       // after a failed connect
constexpr Nanos kStartupTimeout = 3 * kSecond;  // for the first connections
constexpr std::size_t kReadBuffer = 32 * 1024;  // a response head must fit
constexpr int kMaxEvents = 256;
constexpr Nanos kSpinBefore = 50'000;           // poll for the last 50 us before a deadline

Nanos Now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * kSecond + ts.tv_nsec;
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return seconds(ru.ru_utime) + seconds(ru.ru_stime);
}

struct Conn {
  enum class State { kDown, kConnecting, kIdle, kBusy };
  int fd = -1;
  State state = State::kDown;
  Nanos retry_at = 0;          // kDown: when to connect again
  std::uint64_t seq = 0;       // kBusy: the request in flight
  const std::string* request = nullptr;  // kBusy: the request in flight (one of Engine::requests_)
  std::size_t written = 0;     // kBusy: bytes of the request written so far
  bool want_write = false;     // EPOLLOUT is registered
  std::vector<char> buf = std::vector<char>(kReadBuffer);
  std::size_t buffered = 0;    // received bytes not consumed by the parser yet
  ResponseParser parser;
};

// One pass through the event loop, for Engine::Account.
struct Pass {
  Nanos start = -1;
  Nanos wait = 0;          // how long epoll was asked to wait (0: poll)
  Nanos in_epoll = 0;      // how long it took
  bool timed_out = false;  // epoll returned no events
  bool worked = false;     // sent a request or handled an event
};

class Engine {
 public:
  explicit Engine(const Options& options) : options_(options), conns_(static_cast<std::size_t>(options.connections)) {
    std::string head = options.method + " " + options.target.path + " HTTP/1.1\r\nHost: " + options.target.host +
                       "\r\nUser-Agent: store_loadgen\r\nAccept: */*\r\n";
    for (const auto& h : options.headers) head += h + "\r\n";
    if (!options.body.empty()) head += "Content-Length: " + std::to_string(options.body.size()) + "\r\n";
    // One rendered request, or one per header_cycle line (request i sends requests_[i % n]).
    if (options.header_cycle.empty()) requests_.push_back(head + "\r\n" + options.body);
    for (const auto& h : options.header_cycle) requests_.push_back(head + h + "\r\n\r\n" + options.body);
    interval_ns_ = 1e9 / options.rate;
    first_measured_ = static_cast<std::uint64_t>(options.warmup_s * options.rate + 0.5);
    total_ = first_measured_ + static_cast<std::uint64_t>(options.duration_s * options.rate + 0.5);
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
    idle_.reserve(conns_.size());
  }

  ~Engine() {
    for (auto& c : conns_) {
      if (c.fd >= 0) ::close(c.fd);
    }
    ::close(epfd_);
  }

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Report Run() {
    // Wake up when asked, not up to 50 us later (the default timer slack).
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    ConnectAll();

    t0_ = Now();
    window_start_ = Intended(first_measured_);
    window_end_ = Intended(total_);
    stop_ = window_end_ + static_cast<Nanos>(options_.drain_s * 1e9);
    report_.requests = total_ - first_measured_;
    report_.window_s = static_cast<double>(window_end_ - window_start_) / 1e9;

    std::vector<epoll_event> events(kMaxEvents);
    Nanos now = t0_;
    Pass pass;
    for (;;) {
      now = Now();
      if (pass.start >= 0 && InWindow(now)) Account(pass, now);
      pass = Pass{.start = now};
      MarkWindow(now);
      if (down_ > 0) Reconnect(now);
      // Everything due goes out now, on any free connection; what finds none waits for one, and
      // that wait is part of its latency (measured from the intended time, not the send time).
      while (next_ < total_ && !idle_.empty() && Intended(next_) <= now) {
        Conn& c = *idle_.back();
        idle_.pop_back();
        Send(c, next_++, now);
        pass.worked = true;
      }
      bool all_done = next_ == total_ && in_flight_ == 0 && now >= window_end_;
      if (all_done || now >= stop_) break;

      Nanos deadline = stop_;
      if (next_ < total_ && !idle_.empty()) deadline = std::min(deadline, Intended(next_));
      if (now < window_start_) deadline = std::min(deadline, window_start_);
      if (now < window_end_) deadline = std::min(deadline, window_end_);
      if (down_ > 0) deadline = std::min(deadline, next_retry_);
      // Sleep until shortly before the deadline and poll from there: waking up takes tens of
      // microseconds here, which would otherwise make every send late by that much (and at high
      // rates, with sends microseconds apart, cost more CPU than polling).
      pass.wait = std::max<Nanos>(0, deadline - now - kSpinBefore);
      timespec timeout{.tv_sec = pass.wait / kSecond, .tv_nsec = pass.wait % kSecond};
      Nanos before = Now();
      int n = epoll_pwait2(epfd_, events.data(), kMaxEvents, &timeout, nullptr);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(std::string("epoll_pwait2: ") + std::strerror(errno));
      }
      now = Now();  // the responses in this batch had all arrived by now
      pass.in_epoll = now - before;
      pass.timed_out = n == 0;
      pass.worked |= n > 0;
      for (int i = 0; i < n; ++i) OnEvent(*static_cast<Conn*>(events[i].data.ptr), events[i].events, now);
    }
    MarkWindow(now);
    report_.busy = 1.0 - static_cast<double>(idle_ns_) / static_cast<double>(window_end_ - window_start_);
    CountUnfinished(now);
    return std::move(report_);
  }

 private:
  Nanos Intended(std::uint64_t seq) const {
    return t0_ + static_cast<Nanos>(static_cast<double>(seq) * interval_ns_);
  }
  bool Measured(std::uint64_t seq) const { return seq >= first_measured_; }
  bool InWindow(Nanos t) const { return t >= window_start_ && t < window_end_; }

  // The first connections are opened before the clock starts, so connecting is not measured.
  void ConnectAll() {
    Nanos now = Now();
    for (auto& c : conns_) Connect(c, now);
    std::vector<epoll_event> events(kMaxEvents);
    Nanos give_up = now + kStartupTimeout;
    while (now < give_up && std::any_of(conns_.begin(), conns_.end(), [](const Conn& c) {
             return c.state == Conn::State::kConnecting;
           })) {
      int n = epoll_wait(epfd_, events.data(), kMaxEvents, 100);
      now = Now();
      for (int i = 0; i < n; ++i) OnEvent(*static_cast<Conn*>(events[i].data.ptr), events[i].events, now);
    }
    if (idle_.empty()) {
      throw std::runtime_error("cannot connect to " + options_.target.url + ": " + report_.last_error);
    }
  }

  void MarkWindow(Nanos now) {
    if (!cpu_started_ && now >= window_start_) {
      cpu_started_ = true;
      cpu_at_start_ = CpuSeconds();
    }
    if (cpu_started_ && !cpu_stopped_ && now >= window_end_) {
      cpu_stopped_ = true;
      report_.cpu_s = CpuSeconds() - cpu_at_start_;
    }
  }

  // The generator's own health, from one pass through the event loop that ended at `now`:
  //  - idle time: a pass that did nothing (polled or slept and found no work) was idle as a whole;
  //    a pass that worked was idle only while it was asked to sleep in epoll;
  //  - stalls: a pass that took over 1 ms beyond the wait it asked for means the thread was not
  //    running (descheduled, host noise), and every request due meanwhile went out late.
  void Account(const Pass& pass, Nanos now) {
    Nanos length = now - pass.start;
    if (!pass.worked) {
      idle_ns_ += length;
    } else if (pass.wait > 0) {
      idle_ns_ += pass.in_epoll;
    }
    Nanos excused = pass.timed_out ? std::min(pass.in_epoll, pass.wait) : pass.in_epoll;
    Nanos stall = std::max<Nanos>(0, length - excused);
    if (stall > 1'000'000) ++report_.stalls_over_1ms;
    report_.max_stall_ns = std::max(report_.max_stall_ns, static_cast<std::uint64_t>(stall));
  }

  void SetWrite(Conn& c, bool write) {
    if (c.want_write == write) return;
    epoll_event ev{};
    ev.events = EPOLLIN | (write ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
    c.want_write = write;
  }

  void Connect(Conn& c, Nanos now) {
    c.fd = ::socket(options_.target.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return ConnectFailed(c, now, std::strerror(errno));
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c.buffered = 0;
    c.parser.Reset();
    c.want_write = false;
    if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&options_.target.addr), options_.target.addr_len) == 0) {
      Register(c, false);
      c.state = Conn::State::kIdle;
      idle_.push_back(&c);
    } else if (errno == EINPROGRESS) {
      Register(c, true);
      c.state = Conn::State::kConnecting;
    } else {
      ConnectFailed(c, now, std::strerror(errno));
    }
  }

  void Register(Conn& c, bool write) {
    epoll_event ev{};
    ev.events = EPOLLIN | (write ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
    c.want_write = write;
  }

  void Reconnect(Nanos now) {
    next_retry_ = kNever;
    for (auto& c : conns_) {
      if (c.state != Conn::State::kDown) continue;
      if (c.retry_at <= now) {
        --down_;
        Connect(c, now);  // may put it back down with a later retry time
      }
      if (c.state == Conn::State::kDown) next_retry_ = std::min(next_retry_, c.retry_at);
    }
  }

  void Close(Conn& c, Nanos retry_at) {
    if (c.state == Conn::State::kIdle) idle_.erase(std::find(idle_.begin(), idle_.end(), &c));
    if (c.fd >= 0) ::close(c.fd);  // also leaves the epoll set
    c.fd = -1;
    c.state = Conn::State::kDown;
    c.retry_at = retry_at;
    ++down_;
    next_retry_ = std::min(next_retry_, retry_at);
  }

  void ConnectFailed(Conn& c, Nanos now, const char* why) {
    if (InWindow(now)) ++report_.errors_connect;
    report_.last_error = why;
    Close(c, now + kRetryDelay);
  }

  enum class Failure { kIo, kProtocol };

  // The request in flight (if any) is lost and counted; the connection is reopened at once.
  void Fail(Conn& c, Failure kind, const char* why, Nanos now) {
    if (c.state == Conn::State::kBusy) {
      --in_flight_;
      if (Measured(c.seq)) ++(kind == Failure::kIo ? report_.errors_io : report_.errors_protocol);
    }
    report_.last_error = why;
    Close(c, now);
  }

  void Send(Conn& c, std::uint64_t seq, Nanos now) {
    c.state = Conn::State::kBusy;
    c.seq = seq;
    c.request = &requests_[seq % requests_.size()];
    c.written = 0;
    ++in_flight_;
    WriteSome(c, now);
  }

  void WriteSome(Conn& c, Nanos now) {
    const std::string& request = *c.request;
    while (c.written < request.size()) {
      ssize_t n = ::send(c.fd, request.data() + c.written, request.size() - c.written, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return SetWrite(c, true);
        if (errno == EINTR) continue;
        return Fail(c, Failure::kIo, std::strerror(errno), now);
      }
      c.written += static_cast<std::size_t>(n);
    }
    SetWrite(c, false);
  }

  void OnEvent(Conn& c, std::uint32_t events, Nanos now) {
    switch (c.state) {
      case Conn::State::kDown:
        return;  // closed earlier in this batch
      case Conn::State::kConnecting: {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) return ConnectFailed(c, now, std::strerror(err));
        if ((events & (EPOLLERR | EPOLLHUP)) != 0) return ConnectFailed(c, now, "connection failed");
        if ((events & EPOLLOUT) == 0) return;
        SetWrite(c, false);
        c.state = Conn::State::kIdle;
        idle_.push_back(&c);
        return;
      }
      case Conn::State::kIdle: {
        // Nothing is expected on an idle connection: the server closed it (keep-alive timeout)
        // or sent something unasked for. Either way it is reopened; no request is lost.
        ssize_t n = ::recv(c.fd, c.buf.data(), c.buf.size(), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        if (n > 0) report_.last_error = "unsolicited bytes on an idle connection";
        return Close(c, now);
      }
      case Conn::State::kBusy:
        if ((events & EPOLLOUT) != 0 && c.written < c.request->size()) {
          WriteSome(c, now);
          if (c.state != Conn::State::kBusy) return;
        }
        if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) Read(c, now);
        return;
    }
  }

  void Read(Conn& c, Nanos now) {
    ssize_t n = ::recv(c.fd, c.buf.data() + c.buffered, c.buf.size() - c.buffered, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return Fail(c, Failure::kIo, std::strerror(errno), now);
    }
    if (n == 0) return Fail(c, Failure::kIo, "server closed the connection before the response was complete", now);
    c.buffered += static_cast<std::size_t>(n);
    auto step = c.parser.Feed(std::string_view(c.buf.data(), c.buffered));
    switch (step.status) {
      case ResponseParser::Status::kError:
        return Fail(c, Failure::kProtocol, c.parser.error(), now);
      case ResponseParser::Status::kNeedMore:
        if (step.consumed > 0) {
          std::memmove(c.buf.data(), c.buf.data() + step.consumed, c.buffered - step.consumed);
          c.buffered -= step.consumed;
        }
        if (c.buffered == c.buf.size()) return Fail(c, Failure::kProtocol, "response head too large", now);
        return;
      case ResponseParser::Status::kDone:
        if (step.consumed != c.buffered) {
          return Fail(c, Failure::kProtocol, "bytes after the end of the response", now);
        }
        return Complete(c, now);
    }
  }

  void Complete(Conn& c, Nanos now) {
    --in_flight_;
    if (InWindow(now)) ++report_.responses_in_window;
    if (Measured(c.seq)) {
      report_.latency.Record(static_cast<std::uint64_t>(std::max<Nanos>(0, now - Intended(c.seq))));
      int code = c.parser.status_code();
      if (code >= 200 && code < 300) {
        ++report_.ok;
      } else {
        ++report_.errors_status;
        report_.last_error = "non-2xx status";
      }
    }
    bool keep_alive = c.parser.keep_alive();
    c.parser.Reset();
    c.buffered = 0;
    if (!keep_alive) return Close(c, now);  // reopened at once; the server asked for it
    c.state = Conn::State::kIdle;
    idle_.push_back(&c);
  }

  // Measured requests still waiting for a connection or for their response when the drain period
  // ran out. Their latency is at least (now - intended), and it is recorded as that, so stopping
  // does not hide the slowest requests.
  void CountUnfinished(Nanos now) {
    auto record = [&](std::uint64_t seq) {
      ++report_.unfinished;
      report_.latency.Record(static_cast<std::uint64_t>(std::max<Nanos>(0, now - Intended(seq))));
    };
    for (const auto& c : conns_) {
      if (c.state == Conn::State::kBusy && Measured(c.seq)) record(c.seq);
    }
    for (std::uint64_t seq = std::max(next_, first_measured_); seq < total_; ++seq) record(seq);
  }

  const Options& options_;
  std::vector<Conn> conns_;  // never resized: epoll keeps pointers to its elements
  std::vector<Conn*> idle_;  // connected, nothing in flight; used last-in first-out
  std::vector<std::string> requests_;
  int epfd_ = -1;
  double interval_ns_ = 0;
  std::uint64_t first_measured_ = 0;  // requests [0, first_measured_) are the warm-up
  std::uint64_t total_ = 0;
  std::uint64_t next_ = 0;            // the next request to send
  std::uint64_t in_flight_ = 0;
  int down_ = 0;                      // connections in state kDown
  Nanos next_retry_ = kNever;
  Nanos t0_ = 0;
  Nanos window_start_ = kNever;
  Nanos window_end_ = kNever;
  Nanos stop_ = kNever;
  bool cpu_started_ = false;
  bool cpu_stopped_ = false;
  double cpu_at_start_ = 0;
  Nanos idle_ns_ = 0;  // time in the window spent waiting for something to do
  Report report_;
};

}  // namespace

Report Run(const Options& options) {
  Engine engine(options);
  return engine.Run();
}

}  // namespace store::loadgen
