// store_user: the user service (accounts, authentication). Wiring only; the start-up (arguments,
// config, logging, ops routes, server, signals, exit codes) is store::service::Run.
//   store_user [--config FILE] | --help-config
#include "service.hpp"
#include "store/config/config.hpp"
#include "store/service/service.hpp"

namespace user = store::user;

namespace {

struct Settings {
  store::db::Options db;
  store::cache::Options cache;
  user::Settings service;

  static Settings Declare(store::config::Loader& cfg) {
    return {.db = store::db::Options::Declare(cfg),
            .cache = store::cache::Options::Declare(cfg),
            .service = user::Settings::Declare(cfg, user::DefaultSettings())};
  }
};

}  // namespace

int main(int argc, char** argv) {
  return store::service::Run<Settings>(
      argc, argv,
      {.spec = {.name = "user", .env_prefix = "USER", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
                .http = {.port = 18100, .threads = 2}},
       .declare = &Settings::Declare,
       .start = [](const Settings& s, store::service::Context& ctx) -> store::service::Running {
         // UserService joins its driver pools when destroyed, which the start-up helper does
         // after the server stopped and before its io_context goes (a pool thread may still
         // hold a copy of a connection's executor).
         auto service = std::make_shared<user::UserService>(s.service, s.db, s.cache, ctx.clock());
         service->Bootstrap();
         service->AddRoutes(ctx.router(), ctx.registry(), ctx.readiness());
         return service;
       }});
}
