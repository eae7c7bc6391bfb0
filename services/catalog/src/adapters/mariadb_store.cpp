#include "adapters/mariadb_catalog.hpp"

namespace store::catalog {

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
