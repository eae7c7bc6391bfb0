#include <fmt/format.h>

#include <ctime>

#include "adapters/db_time.hpp"
#include "adapters/mariadb_catalog.hpp"

namespace store::catalog {

std::string DbTimeToRfc3339(const std::string& t) {
  // "YYYY-MM-DD HH:MM:SS[.fff]" -> "YYYY-MM-DDTHH:MM:SS.fffZ"
  if (t.size() < 19) return t;
  std::string out = t.substr(0, 10) + "T" + t.substr(11, 8);
  std::string frac = t.size() > 20 ? t.substr(20) : "";
  frac.resize(3, '0');
  return out + "." + frac + "Z";
}

std::string ToDbTime(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, static_cast<int>(ms % 1000));
}

boost::asio::awaitable<Status> MariaDbCatalogStore::Transaction(const TxWork& work) {
  auto run = [&](db::Connection& c) -> Status {
    MariaDbCatalogTx tx(c, settings_, clock_);
    return work(tx);
  };
  co_return co_await db_.Transaction(run);
}

boost::asio::awaitable<Status> MariaDbCatalogStore::Read(const TxWork& work) {
  auto run = [&](db::Connection& c) -> Status {
    MariaDbCatalogTx tx(c, settings_, clock_);
    return work(tx);
  };
  co_return co_await db_.Run(run);
}

Status MariaDbCatalogStore::TransactionSync(const TxWork& work) {
  auto run = [&](db::Connection& c) -> Status {
    MariaDbCatalogTx tx(c, settings_, clock_);
    return work(tx);
  };
  return db_.TransactionSync(run);
}

}  // namespace store::catalog
