// store_notification: email and SMS from Kafka events (see README.md). Wiring only; the start-up
// (arguments, config, logging, ops routes, server, signals, exit codes) is store::service::Run.
//   store_notification [--config FILE] | --help-config
#include "service.hpp"
#include "store/auth/authenticator.hpp"
#include "store/cache/cache.hpp"
#include "store/config/config.hpp"
#include "store/service/service.hpp"

namespace notification = store::notification;
using boost::asio::awaitable;

namespace {

struct Settings {
  store::db::Options db;
  store::cache::Options cache;
  store::auth::AuthOptions auth;
  notification::ServiceOptions service;

  static Settings Declare(store::config::Loader& cfg) {
    return {.db = store::db::Options::Declare(cfg),
            .cache = store::cache::Options::Declare(cfg),
            .auth = store::auth::AuthOptions::Declare(cfg),
            .service = notification::ServiceOptions::Declare(cfg)};
  }
};

// The service's parts; members are destroyed in reverse order after the server stopped.
struct Notification {
  store::db::Database db;
  store::cache::Cache redis;
  store::auth::Authenticator authn;
  notification::Service service;

  Notification(const Settings& s, store::service::Context& ctx)
      : db(s.db), redis(s.cache), authn(s.auth, &redis, ctx.clock()), service(s.service, db, &ctx.registry()) {
    if (auto m = notification::MigrateSchema(db); !m) throw std::runtime_error("migrations: " + m.error().message);
    ctx.readiness().Add("mariadb", [this]() -> awaitable<store::core::Status> { co_return co_await db.Ping(); });
    notification::AddAdminRoutes(ctx.router(), service.delivery_log(), store::auth::RoleGuard(authn, "admin"));
    service.Start();
    ctx.OnStop([this] { service.Stop(); });
  }
};

}  // namespace

int main(int argc, char** argv) {
  return store::service::Run<Settings>(
      argc, argv,
      {.spec = {.name = "notification", .env_prefix = "NOTIFICATION", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
                .http = {.port = 18120, .threads = 2}},
       .declare = &Settings::Declare,
       .start = [](const Settings& s, store::service::Context& ctx) -> store::service::Running {
         return std::make_shared<Notification>(s, ctx);
       }});
}
