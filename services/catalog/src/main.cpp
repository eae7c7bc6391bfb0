// store_catalog: the catalog service (categories, products, product pages, admin API, stock and
// reservations). Wiring only (wiring.hpp is the composition root); the start-up (arguments,
// config, logging, ops routes, server, signals, exit codes) is store::service::Run.
//   store_catalog [--config FILE] | --help-config
#include "store/auth/authenticator.hpp"
#include "store/service/service.hpp"
#include "wiring.hpp"

namespace catalog = store::catalog;

namespace {

struct Settings {
  catalog::ServiceOptions service;
  store::auth::AuthOptions auth;

  static Settings Declare(store::config::Loader& cfg) {
    return {.service = catalog::ServiceOptions::Declare(cfg), .auth = store::auth::AuthOptions::Declare(cfg)};
  }
};

// The service's parts; members are destroyed in reverse order after the server stopped (the
// authenticator's JWKS connections before the server's io_context, the engines last).
struct Catalog {
  catalog::CatalogEngines engines;
  store::auth::Authenticator authenticator;
  catalog::CatalogService service;

  Catalog(const Settings& s, store::service::Context& ctx)
      : engines(s.service),
        authenticator(s.auth, &engines.cache(), ctx.clock()),
        service(s.service, engines, ctx.clock(), store::auth::RoleGuard(authenticator, "admin"),
                store::auth::RoleGuard(authenticator, "service")) {
    service.Migrate();
    service.StartBackground(ctx.registry());
    ctx.OnStop([this] { service.Stop(); });
    service.AddRoutes(ctx.router(), ctx.readiness());
  }
};

}  // namespace

int main(int argc, char** argv) {
  return store::service::Run<Settings>(
      argc, argv,
      // 10 MiB: product images up to media.max_bytes reach the upload handler.
      {.spec = {.name = "catalog", .env_prefix = "CATALOG", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
                .http = {.port = 18110, .threads = 2}},
       .declare = &Settings::Declare,
       .start = [](const Settings& s, store::service::Context& ctx) -> store::service::Running {
         return std::make_shared<Catalog>(s, ctx);
       }});
}
