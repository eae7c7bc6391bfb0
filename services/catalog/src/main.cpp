// store_catalog: the catalog service (categories, products, product pages, admin API, stock and
// reservations). Wiring only; see README.md.
//   store_catalog [config-file]   settings: defaults < services/catalog/config/defaults.conf (or the
//                                 named file) < CATALOG_* environment variables
//   store_catalog --help-config   the table of settings
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "http/admin.hpp"
#include "wiring.hpp"
#include "store/config/config.hpp"
#include "store/http/server.hpp"
#include "store/log/log.hpp"
#include <memory>

namespace catalog = store::catalog;

int main(int argc, char** argv) {
  bool help = false;
  std::optional<std::string> file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help-config" || arg == "--help") help = true;
    else file = arg;
  }
  if (!file && std::filesystem::exists("services/catalog/config/defaults.conf")) file = "services/catalog/config/defaults.conf";

  store::http::ServerOptions http_options;
  catalog::ServiceOptions options;
  store::auth::AuthOptions auth_options;
  std::string level;
  try {
    store::config::Loader cfg("CATALOG", file);
    http_options = store::http::LoadServerOptions(
        cfg, store::http::ServerOptions{.port = 18110, .threads = 2, .body_limit = 10 * 1024 * 1024});
    level = cfg.Choice("log.level", "info", {"debug", "info", "warn", "error"}, "Lowest log level written");
    options = catalog::ServiceOptions::Declare(cfg);
    auth_options = store::auth::AuthOptions::Declare(cfg);
    if (help) {
      std::printf("%s", cfg.Describe().c_str());
      return 0;
    }
    cfg.Finish();
  } catch (const store::config::ConfigError& e) {
    std::fprintf(stderr, "store_catalog: bad configuration: %s\n", e.what());
    return 2;
  }
  store::log::Init("catalog", *store::log::ParseLevel(level));

  try {
    store::core::SystemClock clock;
    catalog::CatalogEngines engines(options);
    // The authenticator's JWKS client lives on the server's io_context: destroyed before it.
    auto authenticator = std::make_unique<store::auth::Authenticator>(auth_options, &engines.cache(), clock);
    catalog::CatalogService service(options, engines, clock, catalog::RequireAdmin(*authenticator));
    service.Migrate();
    service.StartBackground();
    store::metrics::Registry registry;
    store::metrics::Readiness readiness;
    auto router = service.BuildRouter(registry, readiness);
    store::http::Server server(http_options, std::move(router), &registry);
    server.Run();
    service.Stop();
    authenticator.reset();
  } catch (const std::exception& e) {
    store::log::Error("store_catalog failed", {{"error", e.what()}});
    return 1;
  }
  return 0;
}
