// Real child processes for component and end-to-end tests: start an executable with extra
// environment variables and its output in a log file, wait until it is ready or has exited, stop it
// (SIGTERM to its process group, SIGKILL after a bound) when the object dies. Free ports, polling,
// temporary directories.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace store::testing {

// A child in its own process group (so its children are stopped with it).
class ChildProcess {
 public:
  ChildProcess() = default;
  // argv[0] is the executable (a path, or a name looked up in PATH); env entries are added to (or
  // replace) this process's; stdout and stderr are appended to log_file (empty: /dev/null); it runs
  // in cwd (empty: this process's working directory).
  explicit ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
                        std::string log_file = {}, std::string cwd = {});
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;

  pid_t pid() const { return pid_; }
  bool Running();
  // Waits for the process to exit: its exit code, 128 + signal when a signal ended it, or -1 when it
  // was still running after `timeout` (it is then killed).
  int Wait(std::chrono::milliseconds timeout);
  // SIGTERM to the process group, up to `grace` to exit, then SIGKILL. The exit status as Wait's.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  const std::string& log_file() const { return log_file_; }
  std::string Log() const;  // the whole log file ("" without one)
  std::string LogTail(std::size_t bytes = 4000) const;

 private:
  std::string log_file_;
  pid_t pid_ = -1;
};

// Runs a command to completion (no new process group); returns its exit status as Wait's.
int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
               const std::string& log_file = {}, const std::string& cwd = {});

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// True when something accepts TCP connections on 127.0.0.1:port.
bool PortOpen(int port);

// Polls `ready` every 50 ms until it returns true or `timeout` passes (then checks once more).
bool WaitUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A fresh directory under /tmp (removed by the destructor).
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace store::testing
