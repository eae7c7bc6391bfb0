// The end-to-end tests' processes: store::testing's (libs/testing/include/store/testing/process.hpp),
// started in the checkout so services and tools find their config/defaults.conf relative to it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "store/testing/process.hpp"

namespace e2e {

using store::testing::FreePort;
using store::testing::TempDir;
using store::testing::WaitUntil;

class ChildProcess : public store::testing::ChildProcess {
 public:
  ChildProcess() = default;
  // argv[0] is the executable path; env entries are added to (or replace) this process's. `name`
  // only documents the call site.
  ChildProcess(const std::string& name, std::vector<std::string> argv, std::map<std::string, std::string> env,
               std::string log_file);
};

// Runs a command to completion in the checkout; returns its exit code (output appended to log_file).
int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& log_file);

}  // namespace e2e
