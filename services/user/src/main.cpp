// store_user: the user service (accounts, authentication). Wiring only; see README.md.
//   store_user [config-file]     settings: defaults < services/user/config/defaults.conf (or the
//                                named file) < USER_* environment variables
//   store_user --help-config     the table of settings
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>

#include "service.hpp"
#include "store/config/config.hpp"
#include "store/http/server.hpp"
#include "store/log/log.hpp"

namespace user = store::user;

int main(int argc, char** argv) {
  bool help = false;
  std::optional<std::string> file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help-config" || arg == "--help") help = true;
    else file = arg;
  }
  // The defaults file: named, or the repository's (from the working directory, else from the source
  // tree this binary was built from).
  for (const std::string candidate : {std::string("services/user/config/defaults.conf"),
                                      std::string(STORE_USER_SOURCE_DIR) + "/config/defaults.conf"})
    if (!file && std::filesystem::exists(candidate)) file = candidate;

  store::http::ServerOptions http_options;
  store::db::Options db_options;
  store::cache::Options cache_options;
  user::Settings settings;
  std::string level;
  try {
    store::config::Loader cfg("USER", file);
    http_options = store::http::LoadServerOptions(cfg, store::http::ServerOptions{.port = 18100, .threads = 2});
    level = cfg.Choice("log.level", "info", {"debug", "info", "warn", "error"}, "Lowest log level written");
    db_options = store::db::Options::Declare(cfg);
    cache_options = store::cache::Options::Declare(cfg);
    settings = user::Settings::Declare(cfg, user::DefaultSettings());
    if (help) {
      std::printf("%s", cfg.Describe().c_str());
      return 0;
    }
    cfg.Finish();
  } catch (const store::config::ConfigError& e) {
    std::fprintf(stderr, "store_user: bad configuration: %s\n", e.what());
    return 2;
  }
  store::log::Init("user", *store::log::ParseLevel(level));

  try {
    store::core::SystemClock clock;
    auto service = std::make_unique<user::UserService>(settings, db_options, cache_options, clock);
    service->Bootstrap();
    store::metrics::Registry registry;
    store::metrics::Readiness readiness;
    auto router = service->BuildRouter(registry, readiness);
    store::http::Server server(http_options, std::move(router), &registry);
    server.Run();
    // Join the driver pools before the server's io_context goes: a pool thread may still hold a
    // copy of a connection's executor in the tail of BlockingPool::Run.
    service.reset();
  } catch (const std::exception& e) {
    store::log::Error("store_user failed", {{"error", e.what()}});
    return 1;
  }
  return 0;
}
