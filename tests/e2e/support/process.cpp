#include "process.hpp"

namespace e2e {

ChildProcess::ChildProcess(const std::string& /*name*/, std::vector<std::string> argv,
                           std::map<std::string, std::string> env, std::string log_file)
    : store::testing::ChildProcess(std::move(argv), std::move(env), std::move(log_file), STORE_SOURCE_DIR) {}

int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& log_file) {
  return store::testing::RunCommand(argv, env, log_file, STORE_SOURCE_DIR);
}

}  // namespace e2e
