// Tests of store_hello_server as a real process: graceful shutdown on SIGTERM and fail-fast
// start-up on bad configuration.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "test_support.hpp"

extern char** environ;

namespace store::http {
namespace {

using namespace std::chrono_literals;

// A child process with its stderr on a pipe we read.
class Child {
 public:
  explicit Child(const std::vector<std::string>& env_overrides) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    for (const auto& o : env_overrides) env.push_back(o);
    std::vector<char*> envp;
    for (auto& s : env) envp.push_back(s.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string path = STORE_HELLO_SERVER;
    char* argv[] = {path.data(), nullptr};
    if (posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv, envp.data()) != 0) {
      throw std::runtime_error("cannot start " + path);
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    err_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(err_);
  }

  // Reads stderr until a line contains `marker` or the deadline; returns that line.
  std::string WaitForLine(std::string_view marker, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      std::size_t nl;
      while ((nl = pending_.find('\n')) != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        all_ += line + "\n";
        if (line.find(marker) != std::string::npos) return line;
      }
      if (!ReadSome(deadline)) return {};
    }
  }

  // Everything written to stderr until the pipe closes or the deadline.
  std::string ReadAllStderr(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (ReadSome(deadline)) {
    }
    all_ += pending_;
    pending_.clear();
    return all_;
  }

  // The exit status, or nullopt when still running at the deadline.
  std::optional<int> WaitExit(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }

  pid_t pid() const { return pid_; }

 private:
  bool ReadSome(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return false;
    pollfd p{err_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = read(err_, buf, sizeof buf);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int err_ = -1;
  bool exited_ = false;
  std::string pending_;
  std::string all_;
};

TEST(HelloServerProcess, SigtermLetsAnInFlightRequestFinishAndExitsZero) {
  Child child({"HELLO_HTTP_HOST=127.0.0.1", "HELLO_HTTP_PORT=0", "HELLO_HTTP_THREADS=2"});
  std::string listening = child.WaitForLine("\"msg\":\"listening\"", 5000ms);
  auto port_at = listening.find("\"port\":");
  ASSERT_NE(port_at, std::string::npos) << child.ReadAllStderr(100ms);
  auto port = static_cast<std::uint16_t>(std::stoi(listening.substr(port_at + 7)));

  auto start = std::chrono::steady_clock::now();
  auto in_flight = std::async(std::launch::async, [port] {
    return test::RawExchange(port, "GET /v1/slow?ms=1000 HTTP/1.1\r\nHost: t\r\n\r\n");
  });
  // Wait until the server has the request (its access log line comes only at the end, so
  // give it a moment instead), then ask it to stop.
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
  ASSERT_FALSE(child.WaitForLine("shutting down", 2000ms).empty());

  // The listening socket is closed: a new connection is refused while the slow one finishes.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket probe(ioc);
  boost::system::error_code ec;
  probe.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  EXPECT_EQ(ec, boost::asio::error::connection_refused);

  auto res = in_flight.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_NE(res.body().find("1000"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1000ms);
  auto code = child.WaitExit(5000ms);
  ASSERT_TRUE(code.has_value()) << "still running after SIGTERM";
  EXPECT_EQ(*code, 0);
}

TEST(HelloServerProcess, FailsFastNamingTheKeyOnBadConfig) {
  auto start = std::chrono::steady_clock::now();
  Child child({"HELLO_HTTP_PORT=notaport"});
  auto code = child.WaitExit(1000ms);
  ASSERT_TRUE(code.has_value()) << "did not exit within a second";
  EXPECT_NE(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1000ms);
  std::string err = child.ReadAllStderr(500ms);
  EXPECT_NE(err.find("http.port"), std::string::npos) << err;
}

}  // namespace
}  // namespace store::http
