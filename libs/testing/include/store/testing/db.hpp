// A fresh MariaDB database per test: created with a unique name on the engine from
// Engines::FromEnv() and dropped when the object dies, so component tests run in parallel and
// repeatedly. Throws std::runtime_error when the server cannot be reached (the test fails).
#pragma once

#include <string>

#include "store/db/db.hpp"

namespace store::testing {

class TempDatabase {
 public:
  explicit TempDatabase(const std::string& prefix = "t");
  ~TempDatabase();
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  const std::string& name() const { return options_.database; }
  // Options pointing at this database (pool_size 4); adjust before building a Database.
  const store::db::Options& options() const { return options_; }

 private:
  store::db::Options options_;
};

// Options for the test server with no database selected.
store::db::Options MariaDbServerOptions();

}  // namespace store::testing
