// Unit tests: no server reachable is needed.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>

#include "store/config/config.hpp"
#include "store/docstore/docstore.hpp"

namespace {

TEST(DocstoreOptions, AreDeclaredOnTheConfigLoaderAndReadFromTheEnvironment) {
  ::setenv("DOCTEST_DOCSTORE_URI", "mongodb://10.0.0.1:27017/", 1);
  ::setenv("DOCTEST_DOCSTORE_DATABASE", "cart", 1);
  store::config::Loader cfg("DOCTEST");
  auto o = store::docstore::Options::Declare(cfg);
  cfg.Finish();
  EXPECT_EQ(o.uri, "mongodb://10.0.0.1:27017/");
  EXPECT_EQ(o.database, "cart");
  EXPECT_EQ(o.pool_size, 4u);
  EXPECT_EQ(o.writers, 0u);  // writes share the pool unless told (MongoDB)
}

TEST(DocStore, RefusesAMalformedUriAtStartUp) {
  store::docstore::Options o;
  o.uri = "http://not-mongo";
  o.database = "x";
  EXPECT_THROW(store::docstore::DocStore{o}, std::invalid_argument);
}

TEST(DocStore, ReportsAnUnreachableServerAsUnavailable) {
  store::docstore::Options o;
  o.uri = "mongodb://127.0.0.1:1/";
  o.database = "x";
  o.server_selection_timeout = std::chrono::milliseconds(200);
  o.connect_timeout = std::chrono::milliseconds(200);
  store::docstore::DocStore store(o);
  boost::asio::io_context ioc;
  auto c = store.collection("c");
  auto found = boost::asio::co_spawn(ioc, c.FindOne({{"_id", "a"}}),
                                     boost::asio::use_future);
  ioc.run();
  auto r = found.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store::core::Errc::unavailable);
}

}  // namespace
