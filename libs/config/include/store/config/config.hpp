// Typed configuration: every key is declared once with its type, default and description;
// values come from the default, then an optional `key = value` file, then the environment
// (PREFIX_KEY_NAME, dots become underscores, upper case). Bad values are collected and
// Finish() throws ConfigError naming every bad key, so a service stops at start-up, clearly.
//
//   store::config::Loader cfg("CATALOG");                // env: CATALOG_HTTP_PORT ...
//   auto port = cfg.Int("http.port", 8080, "TCP port to listen on", 0, 65535);
//   auto ttl  = cfg.Duration("cache.ttl", 60s, "product page cache lifetime");
//   cfg.Finish();                                         // throws on any bad key
//
// Not thread-safe: use it at start-up, then pass the plain values on.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace store::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct KeyInfo {
  std::string key;
  std::string env;
  std::string type;
  std::string default_value;
  std::string description;
};

class Loader {
 public:
  // prefix: the environment prefix ("CATALOG" reads CATALOG_HTTP_PORT for http.port).
  // file: optional `key = value` file (# comments); a missing file is an error only if named.
  explicit Loader(std::string prefix, std::optional<std::string> file = std::nullopt);

  std::string String(const std::string& key, std::string def, std::string description,
                     std::function<std::optional<std::string>(const std::string&)> check = {});
  std::int64_t Int(const std::string& key, std::int64_t def, std::string description,
                   std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  bool Bool(const std::string& key, bool def, std::string description);
  // Durations are written with a unit: 250ms, 30s, 5m, 2h, 7d.
  std::chrono::milliseconds Duration(const std::string& key, std::chrono::milliseconds def,
                                     std::string description);
  // One of a fixed set of words.
  std::string Choice(const std::string& key, std::string def, std::vector<std::string> allowed,
                     std::string description);
  // Byte sizes: 512, 64KiB, 8MiB, 1GiB.
  std::int64_t Bytes(const std::string& key, std::int64_t def, std::string description);
  // A secret: from the file named by `<key>_file` when set (a mounted secret; trailing newline and
  // spaces dropped), else the key's own value (development defaults only). An unreadable file is
  // a bad key (Finish() names it).
  std::string Secret(const std::string& key, std::string dev_default, std::string description);

  // Throws ConfigError listing every bad key (and any unknown PREFIX_* variable is NOT an error:
  // other tools share the environment). Call once, after the last declaration.
  void Finish() const;

  const std::vector<KeyInfo>& keys() const { return keys_; }
  // A Markdown table of every key: for READMEs and `--help-config`.
  std::string Describe() const;
  std::string EnvNameOf(const std::string& key) const;

 private:
  std::optional<std::string> Raw(const std::string& key, const std::string& type,
                                 const std::string& def, std::string description);
  void Bad(const std::string& key, const std::string& why);

  std::string prefix_;
  std::map<std::string, std::string> file_values_;
  std::vector<KeyInfo> keys_;
  std::vector<std::string> errors_;
};

// Parsers shared with tests and other tools; nullopt on a bad value.
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);
std::optional<std::int64_t> ParseBytes(const std::string& text);

}  // namespace store::config
