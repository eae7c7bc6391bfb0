#include "store/testing/engines.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "store/core/ids.hpp"

namespace store::testing {
namespace {
std::string Env(const char* name, const char* def) {
  const char* v = std::getenv(name);
  return v && *v ? v : def;
}
std::uint16_t Port(const char* name, int def) {
  return static_cast<std::uint16_t>(std::stoi(Env(name, std::to_string(def).c_str())));
}
}  // namespace

Engines Engines::FromEnv() {
  Engines e;
  e.host = Env("STORE_HOST", "127.0.0.1");
  e.mariadb_port = Port("STORE_MARIADB_PORT", 13306);
  e.mariadb_user = Env("STORE_MARIADB_USER", "store");
  e.mariadb_password = Env("STORE_MARIADB_PASSWORD", "store-dev-only");
  e.redis_port = Port("STORE_REDIS_PORT", 16379);
  e.kafka_bootstrap = fmt::format("{}:{}", e.host, Port("STORE_KAFKA_PORT", 19092));
  e.opensearch_port = Port("STORE_OPENSEARCH_PORT", 9200);
  e.ferretdb_port = Port("STORE_FERRETDB_PORT", 27018);
  e.mongo_uri = fmt::format("mongodb://{}:{}/", e.host, e.ferretdb_port);
  e.smtp_port = Port("STORE_MAILDEV_SMTP_PORT", 11025);
  e.maildev_web_port = Port("STORE_MAILDEV_WEB_PORT", 11080);
  return e;
}

std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return fmt::format("{}_{}_{}_{}", prefix, ::getpid(), counter++, store::core::RandomHex(3));
}

}  // namespace store::testing
