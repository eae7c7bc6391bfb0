#include "store/testing/db.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "store/testing/engines.hpp"

namespace store::testing {
namespace {

void AdminStatement(const std::string& sql) {
  auto conn = store::db::Connection::Open(MariaDbServerOptions());
  if (!conn) throw std::runtime_error("test MariaDB unreachable: " + conn.error().message);
  if (auto done = (*conn)->ExecuteScript(sql); !done)
    throw std::runtime_error(fmt::format("{} failed: {}", sql, done.error().message));
}

}  // namespace

store::db::Options MariaDbServerOptions() {
  const Engines e = Engines::FromEnv();
  store::db::Options o;
  o.host = e.host;
  o.port = e.mariadb_port;
  o.user = e.mariadb_user;
  o.password = e.mariadb_password;
  o.pool_size = 4;
  o.acquire_timeout = std::chrono::seconds(10);
  return o;
}

TempDatabase::TempDatabase(const std::string& prefix) : options_(MariaDbServerOptions()) {
  options_.database = UniqueName(prefix);
  // The name is [a-z0-9_] only (UniqueName), so quoting it with backticks is safe.
  AdminStatement(fmt::format("CREATE DATABASE `{}` CHARACTER SET utf8mb4", options_.database));
}

TempDatabase::~TempDatabase() {
  try {
    AdminStatement(fmt::format("DROP DATABASE IF EXISTS `{}`", options_.database));
  } catch (const std::exception&) {
    // The server went away during the test; the test has already failed for that reason.
  }
}

}  // namespace store::testing
