#include "store/testing/docstore.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "store/testing/engines.hpp"

namespace store::testing {

TempDocDatabase::TempDocDatabase() {
  const Engines e = Engines::FromEnv();
  options_.uri = e.mongo_uri;
  options_.database = UniqueName("d");
  options_.pool_size = 4;
}

TempDocDatabase::~TempDocDatabase() {
  store::docstore::DocStore store(options_);
  boost::asio::io_context ioc;
  auto done = boost::asio::co_spawn(ioc, store.DropDatabase(), boost::asio::use_future);
  ioc.run();
  (void)done.get();  // a failure here means the engine went away; the test already failed
}

}  // namespace store::testing
