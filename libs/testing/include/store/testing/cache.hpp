// A private Redis keyspace per test: a unique key prefix on the engine from Engines::FromEnv();
// every key under it is deleted when the object dies, so tests run in parallel and repeatedly.
#pragma once

#include <string>

#include "store/cache/cache.hpp"

namespace store::testing {

class TempKeyspace {
 public:
  TempKeyspace();
  ~TempKeyspace();
  TempKeyspace(const TempKeyspace&) = delete;
  TempKeyspace& operator=(const TempKeyspace&) = delete;

  const std::string& prefix() const { return prefix_; }  // "<unique>:"
  std::string Key(const std::string& name) const { return prefix_ + name; }
  // Options for the test Redis (pool_size 4).
  const store::cache::Options& options() const { return options_; }

 private:
  std::string prefix_;
  store::cache::Options options_;
};

}  // namespace store::testing
