// store::service::Run: the one start-up every service's main() calls. It owns what every service
// does the same way, so a main.cpp is the service's own wiring only:
//
//   arguments     store_<name> [--config FILE] [COMMAND] | --help-config | --help
//                 (COMMAND: "serve" by default, or one of Definition::commands)
//   config        defaults < the defaults file (--config FILE, else the one the build recorded:
//                 services/<name>/config/defaults.conf) < <PREFIX>_* environment variables;
//                 http.* and log.level are declared here, the service's own keys by `declare`
//   logging       JSON lines from store::log, level from log.level
//   ops routes    /metrics, /healthz, /readyz (the readiness checks the wiring adds)
//   HTTP server   libs/http, with SIGTERM/SIGINT as a graceful shutdown
//   exit codes    0 after a graceful shutdown; 2 for a bad configuration (the message names the
//                 key, or the missing defaults file); 1 for a failure at start or while serving
//   shutdown      on every path, also when the server throws: the OnStop hooks (reverse order),
//                 then the objects `start` returned, then the server and its io_context, then
//                 the registry and readiness checks — so nothing outlives what it points into.
//                 When `start` throws, what it built was unwound already: its hooks are dropped
//                 (objects stop their own background work in their destructors)
//
//   int main(int argc, char** argv) {
//     return store::service::Run<catalog::Settings>(argc, argv, {
//         .spec = {.name = "catalog", .env_prefix = "CATALOG", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
//                  .http = {.port = 18110}},
//         .declare = &catalog::Settings::Declare,
//         .start = [](const catalog::Settings& s, store::service::Context& ctx) -> store::service::Running {
//           auto db = std::make_shared<store::db::Database>(s.db);
//           ... add routes to ctx.router(), readiness checks to ctx.readiness() ...
//           return db;   // whatever must live while the server runs
//         }});
//   }
//
// STORE_SERVICE_DEFAULTS_FILE is defined by the store_service() CMake helper.
// Thread-safety: Run is called once, from main.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store/config/config.hpp"
#include "store/core/clock.hpp"
#include "store/http/router.hpp"
#include "store/http/server.hpp"
#include "store/metrics/metrics.hpp"

namespace store::service {

// Who the service is and its built-in defaults.
struct Spec {
  std::string name;           // "catalog": the log lines' service name; the binary is store_<name>
  std::string env_prefix;     // "CATALOG": CATALOG_HTTP_PORT overrides http.port
  std::string defaults_file;  // used when no --config is given; must exist
  http::ServerOptions http;   // defaults of the http.* keys (port, threads, body limit ...)
};

// What the wiring is given while it starts the service.
class Context {
 public:
  Context(const Spec& spec, const http::ServerOptions& http, metrics::Registry& registry,
          metrics::Readiness& readiness, http::Router& router, const core::Clock& clock)
      : spec_(spec), http_(http), registry_(registry), readiness_(readiness), router_(router), clock_(clock) {}

  const Spec& spec() const { return spec_; }
  const http::ServerOptions& http() const { return http_; }
  metrics::Registry& registry() { return registry_; }
  metrics::Readiness& readiness() { return readiness_; }
  http::Router& router() { return router_; }
  const core::Clock& clock() const { return clock_; }
  // Runs `stop` after the server stopped serving, before what `start` returned is destroyed;
  // hooks run in reverse order of registration (stop a consumer, join a background thread).
  // Not run when `start` throws (the objects they point into were unwound).
  void OnStop(std::function<void()> stop) { on_stop_.push_back(std::move(stop)); }
  // Runs the OnStop hooks once (the start-up helper calls it).
  void RunStopHooks();

 private:
  const Spec& spec_;
  const http::ServerOptions& http_;
  metrics::Registry& registry_;
  metrics::Readiness& readiness_;
  http::Router& router_;
  const core::Clock& clock_;
  std::vector<std::function<void()>> on_stop_;
};

// Whatever the wiring built and must live while the server runs (a struct of members, a
// shared_ptr to the service object ...). Destroyed after the server stopped serving.
using Running = std::shared_ptr<void>;

template <class Settings>
struct Definition {
  Spec spec;
  // Declares the service's own keys on the loader and returns their values (throws
  // config::ConfigError for a bad value, like every Loader call).
  std::function<Settings(config::Loader&)> declare;
  // Builds the service: adapters, use cases, routes (into ctx.router()), readiness checks,
  // background work (stopped through ctx.OnStop). An exception here exits 1, logged.
  std::function<Running(const Settings&, Context&)> start;
  // Other things the binary does instead of serving, by name ("reindex"): their exit code.
  std::map<std::string, std::function<int(const Settings&)>> commands = {};
};

namespace detail {
struct Erased {
  Spec spec;
  std::function<void(config::Loader&)> declare;
  std::function<Running(Context&)> start;
  std::map<std::string, std::function<int()>> commands;
};
int Run(int argc, char** argv, Erased definition);
}  // namespace detail

template <class Settings>
int Run(int argc, char** argv, Definition<Settings> definition) {
  auto settings = std::make_shared<Settings>();
  detail::Erased erased{
      .spec = std::move(definition.spec),
      .declare = [settings, declare = std::move(definition.declare)](config::Loader& cfg) { *settings = declare(cfg); },
      .start = [settings, start = std::move(definition.start)](Context& ctx) { return start(*settings, ctx); },
      .commands = {}};
  for (auto& [name, command] : definition.commands)
    erased.commands.emplace(name, [settings, command = std::move(command)] { return command(*settings); });
  return detail::Run(argc, argv, std::move(erased));
}

}  // namespace store::service
