// Where the real engines are: read from the environment that `./store test` exports
// (deploy/ports.env), defaulting to the same values so a test binary run by hand next to
// `./store up` finds them too.
#pragma once

#include <cstdint>
#include <string>

namespace store::testing {

struct Engines {
  std::string host;                 // 127.0.0.1
  std::uint16_t mariadb_port;
  std::string mariadb_user;
  std::string mariadb_password;
  std::uint16_t redis_port;
  std::string kafka_bootstrap;      // host:port
  std::uint16_t opensearch_port;
  std::uint16_t ferretdb_port;
  std::string mongo_uri;            // mongodb://host:port/
  std::uint16_t smtp_port;          // MailDev SMTP
  std::uint16_t maildev_web_port;   // MailDev web + REST API

  static Engines FromEnv();
};

// A name unique to this process and call, safe for databases, topics, indexes and key prefixes:
// "<prefix>_<pid>_<counter>_<random>" in lowercase [a-z0-9_].
std::string UniqueName(const std::string& prefix);

}  // namespace store::testing
