// TestServer: a store::http::Server on 127.0.0.1, port 0, serving from a background thread,
// for tests. The destructor stops it (graceful shutdown) and joins the thread.
//
//   store::http::Router router; router.Get("/x", ...);
//   store::testing::TestServer server(std::move(router));
//   auto res = store::testing::RunAwaitable(ioc, client.Get(server.Url("/x")));
//
// Not copyable. port()/Url() are safe from any thread once constructed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <string>
#include <thread>

#include "store/http/server.hpp"
#include "store/testing/async.hpp"

namespace store::testing {

// Options suited to tests: loopback, port 0, 2 threads, no signal handling, short drain.
http::ServerOptions TestServerOptions();

class TestServer {
 public:
  explicit TestServer(http::Router router, http::ServerOptions options = TestServerOptions(),
                      metrics::Registry* registry = nullptr);
  // Builds the server, lets `setup` add middlewares, then starts it.
  TestServer(http::Router router, http::ServerOptions options, metrics::Registry* registry,
             const std::function<void(http::Server&)>& setup);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port><path>"
  std::string Url(const std::string& path) const;
  http::Server& server() { return *server_; }

 private:
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace store::testing
