// OpenSearch fixture: a uniquely named index per test, created with the given body (settings and
// mappings) and deleted when the object dies. Throws std::runtime_error when OpenSearch refuses
// or cannot be reached (the test fails). Not thread-safe; one per test.
#pragma once

#include <string>

namespace store::testing {

class TempIndex {
 public:
  // Creates "<prefix>_<unique>" with `body` (JSON: settings/mappings; "{}" for defaults).
  explicit TempIndex(const std::string& prefix = "idx", const std::string& body = "{}");
  ~TempIndex();
  TempIndex(const TempIndex&) = delete;
  TempIndex& operator=(const TempIndex&) = delete;

  const std::string& name() const { return name_; }
  // "http://127.0.0.1:9200" (from Engines::FromEnv()).
  const std::string& base_url() const { return base_url_; }
  // base_url() + "/" + name() + path
  std::string Url(const std::string& path = "") const { return base_url_ + "/" + name_ + path; }

 private:
  std::string base_url_;
  std::string name_;
};

}  // namespace store::testing
