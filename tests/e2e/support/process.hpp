// Real processes for the end-to-end tests: start one with extra environment variables, its
// output in a log file; stop it (SIGTERM to its process group, SIGKILL after a bound) when the
// object dies. Free ports, polling, temporary directories.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace e2e {

class ChildProcess {
 public:
  ChildProcess() = default;
  // argv[0] is the executable path; env entries are added to (or replace) this process's.
  ChildProcess(std::string name, std::vector<std::string> argv, std::map<std::string, std::string> env,
               std::string log_file);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;

  pid_t pid() const { return pid_; }
  bool Running();
  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status (or -1).
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  const std::string& log_file() const { return log_file_; }
  std::string LogTail(std::size_t bytes = 4000) const;

 private:
  std::string name_;
  std::string log_file_;
  pid_t pid_ = -1;
};

// Runs a command to completion; returns its exit code (output appended to log_file).
int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& log_file);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// Polls `ready` every 50 ms until it returns true or `timeout` passes.
bool WaitUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout);

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

}  // namespace e2e
