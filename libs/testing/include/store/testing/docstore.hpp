// A fresh Mongo-wire database per test on the engine from Engines::FromEnv() (FerretDB), with a
// unique name, dropped when the object dies.
#pragma once

#include <string>

#include "store/docstore/docstore.hpp"

namespace store::testing {

class TempDocDatabase {
 public:
  TempDocDatabase();
  ~TempDocDatabase();
  TempDocDatabase(const TempDocDatabase&) = delete;
  TempDocDatabase& operator=(const TempDocDatabase&) = delete;

  const std::string& name() const { return options_.database; }
  const store::docstore::Options& options() const { return options_; }

 private:
  store::docstore::Options options_;
};

}  // namespace store::testing
