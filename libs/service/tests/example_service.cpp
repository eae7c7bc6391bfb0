// store_service_example: the smallest service on store::service::Run, for service_test. It
// records its shutdown steps in the file named by example.trace_file so the test can check the
// order on every path (SIGTERM, a failure in start, a port already taken).
#include <fstream>
#include <stdexcept>

#include "store/service/service.hpp"

namespace {

using boost::asio::awaitable;

struct Settings {
  std::string greeting;
  std::string trace_file;
  bool fail_at_start = false;

  static Settings Declare(store::config::Loader& cfg) {
    return {.greeting = cfg.String("greeting.text", "built-in greeting", "What GET /v1/hello answers"),
            .trace_file = cfg.String("example.trace_file", "", "Where the shutdown steps are appended (empty: nowhere)"),
            .fail_at_start = cfg.Bool("example.fail_at_start", false, "Throw from start after registering a stop hook")};
  }
};

void Trace(const Settings& s, const std::string& line) {
  if (s.trace_file.empty()) return;
  std::ofstream(s.trace_file, std::ios::app) << line << "\n";
}

// Stands for a service's objects: the last thing destroyed before the server.
struct Service {
  Settings settings;
  ~Service() { Trace(settings, "service destroyed"); }
};

}  // namespace

int main(int argc, char** argv) {
  return store::service::Run<Settings>(
      argc, argv,
      {.spec = {.name = "example", .env_prefix = "EXAMPLE", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
                .http = {.host = "127.0.0.1", .port = 0}},
       .declare = &Settings::Declare,
       .start = [](const Settings& s, store::service::Context& ctx) -> store::service::Running {
         auto service = std::make_shared<Service>();
         service->settings = s;
         ctx.OnStop([s] { Trace(s, "stop hook 1"); });
         ctx.OnStop([s] { Trace(s, "stop hook 2"); });
         if (s.fail_at_start) throw std::runtime_error("asked to fail at start");
         ctx.router().Get("/v1/hello", [service](store::http::Request&) -> awaitable<store::http::Response> {
           co_return store::http::Response::Text(200, service->settings.greeting);
         });
         ctx.readiness().Add("always", []() -> awaitable<store::core::Status> { co_return store::core::Status{}; });
         Trace(s, "started");
         return service;
       },
       .commands = {{"show", [](const Settings& s) {
                      std::printf("%s\n", s.greeting.c_str());
                      return 0;
                    }}}});
}
