#include "store/testing/server.hpp"

namespace store::testing {

http::ServerOptions TestServerOptions() {
  http::ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  o.handle_signals = false;
  o.drain_timeout = std::chrono::seconds(2);
  return o;
}

TestServer::TestServer(http::Router router, http::ServerOptions options, metrics::Registry* registry)
    : TestServer(std::move(router), std::move(options), registry, [](http::Server&) {}) {}

TestServer::TestServer(http::Router router, http::ServerOptions options, metrics::Registry* registry,
                       const std::function<void(http::Server&)>& setup)
    : server_(std::make_unique<http::Server>(std::move(options), std::move(router), registry)) {
  setup(*server_);
  port_ = server_->Listen();
  thread_ = std::thread([s = server_.get()] { s->Run(); });
}

TestServer::~TestServer() {
  server_->Stop();
  thread_.join();
}

std::string TestServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace store::testing
