#include <cstdint>
#include <memory>
#include <optional>

#include "driver.hpp"
#include "store/core/ids.hpp"
#include "store/db/db.hpp"

namespace store::bench {

int Commit(const std::map<std::string, std::string>& a) {
  store::db::Options o;
  o.host = Arg(a, "host", "127.0.0.1");
  o.port = static_cast<std::uint16_t>(std::stoi(Arg(a, "port", "3306")));
  o.user = Arg(a, "user", "");
  o.password = Arg(a, "password", "");
  o.database = Arg(a, "database", "");
  const int concurrency = std::stoi(Arg(a, "concurrency", "8"));
  const double duration = std::stod(Arg(a, "duration", "10"));
  o.pool_size = concurrency;
  store::db::Database db(o);
  auto made = db.RunSync([](store::db::Connection& c) {
    return c.Execute("CREATE TABLE IF NOT EXISTS bench_commits (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL) ENGINE=InnoDB");
  });
  if (!made) {
    std::fprintf(stderr, "%s\n", made.error().message.c_str());
    return 1;
  }
  ClosedLoop(
      concurrency, duration,
      [&](Results& results) -> std::optional<std::unique_ptr<store::db::Connection>> {
        auto conn = store::db::Connection::Open(o);
        if (!conn) {
          results.Error(conn.error().message);
          return std::nullopt;
        }
        return std::move(*conn);
      },
      [](std::unique_ptr<store::db::Connection>& conn) -> std::string {
        auto done = conn->Execute("INSERT INTO bench_commits (v) VALUES (?)", store::core::NewUuid());
        return done ? "" : done.error().message;
      });
  return 0;
}

}  // namespace store::bench
