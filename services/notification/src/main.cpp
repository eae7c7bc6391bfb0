// store_notification: email and SMS from Kafka events (see README.md). Wiring only.
//   store_notification                 run (config: services/notification/config/defaults.conf, env NOTIFICATION_*)
//   store_notification --help-config   print every configuration key as a Markdown table
#include <cstdio>
#include <cstring>
#include <exception>

#include "service.hpp"
#include "store/auth/authenticator.hpp"
#include "store/cache/cache.hpp"
#include "store/config/config.hpp"
#include "store/core/clock.hpp"
#include "store/http/ops.hpp"
#include "store/http/server.hpp"
#include "store/log/log.hpp"

namespace http = store::http;
namespace notification = store::notification;
using boost::asio::awaitable;

int main(int argc, char** argv) {
  store::config::Loader cfg("NOTIFICATION", STORE_NOTIFICATION_DIR "/config/defaults.conf");
  http::ServerOptions server_options;
  store::db::Options db_options;
  store::cache::Options cache_options;
  store::auth::AuthOptions auth_options;
  notification::ServiceOptions options;
  std::string level;
  try {
    server_options = http::LoadServerOptions(cfg, http::ServerOptions{.port = 18120, .threads = 2});
    db_options = store::db::Options::Declare(cfg);
    cache_options = store::cache::Options::Declare(cfg);
    auth_options = store::auth::AuthOptions::Declare(cfg);
    options = notification::ServiceOptions::Declare(cfg);
    level = cfg.Choice("log.level", "info", {"debug", "info", "warn", "error"}, "Lowest log level written");
    if (argc > 1 && std::strcmp(argv[1], "--help-config") == 0) {
      std::printf("%s", cfg.Describe().c_str());
      return 0;
    }
    cfg.Finish();
  } catch (const store::config::ConfigError& e) {
    std::fprintf(stderr, "store_notification: bad configuration: %s\n", e.what());
    return 2;
  }
  store::log::Init("notification", *store::log::ParseLevel(level));

  try {
    store::db::Database db(db_options);
    if (auto m = notification::MigrateSchema(db); !m) throw std::runtime_error("migrations: " + m.error().message);
    store::cache::Cache redis(cache_options);
    store::core::SystemClock clock;
    // Its JWKS client's connections belong to the server's io_context: reset it before the
    // server (and that context) goes away.
    auto authn = std::make_unique<store::auth::Authenticator>(auth_options, &redis, clock);
    store::metrics::Registry registry;
    notification::Service service(options, db, &registry);

    store::metrics::Readiness readiness;
    readiness.Add("mariadb", [&db]() -> awaitable<store::core::Status> { co_return co_await db.Ping(); });
    http::Router router;
    notification::AddAdminRoutes(router, db, [&authn](http::Request& req) -> awaitable<store::core::Status> {
      auto admin = co_await authn->RequireRole(req, "admin");
      if (!admin) co_return std::unexpected(std::move(admin.error()));
      co_return store::core::Status{};
    });
    http::AddOpsRoutes(router, registry, readiness);

    service.Start();
    store::log::Info("notification service started",
                     {{"port", server_options.port}, {"events", static_cast<std::int64_t>(service.catalog().EventTypes().size())}});
    {
      http::Server server(server_options, std::move(router), &registry);
      server.Run();
      authn.reset();
    }
    service.Stop();
  } catch (const std::exception& e) {
    store::log::Error("notification service failed", {{"error", e.what()}});
    return 1;
  }
  return 0;
}
