#include "store/service/service.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string_view>

#include "store/http/ops.hpp"
#include "store/log/log.hpp"

namespace store::service {

void Context::RunStopHooks() {
  auto hooks = std::move(on_stop_);
  on_stop_.clear();
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) {
    try {
      (*it)();
    } catch (const std::exception& e) {
      log::Error("a shutdown step failed", {{"error", e.what()}});
    }
  }
}

namespace detail {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadConfig = 2;

struct Arguments {
  bool help = false;
  bool help_config = false;
  std::optional<std::string> config_file;
  std::string command = "serve";
};

std::optional<Arguments> Parse(int argc, char** argv, const Erased& def, std::string& error) {
  Arguments args;
  bool have_command = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      args.help = true;
    } else if (arg == "--help-config") {
      args.help_config = true;
    } else if (arg == "--config") {
      if (i + 1 >= argc) {
        error = "--config needs a file";
        return std::nullopt;
      }
      args.config_file = argv[++i];
    } else if (arg.starts_with("--config=")) {
      args.config_file = std::string(arg.substr(9));
    } else if (!have_command && !arg.starts_with("-") && (arg == "serve" || def.commands.contains(std::string(arg)))) {
      args.command = arg;
      have_command = true;
    } else {
      error = "unexpected argument '" + std::string(arg) + "'";
      return std::nullopt;
    }
  }
  return args;
}

std::string Usage(const Erased& def) {
  std::string commands = "serve";
  for (const auto& [name, _] : def.commands) commands += "|" + name;
  return "usage: store_" + def.spec.name + " [--config FILE] [" + commands + "]\n" +
         "       store_" + def.spec.name + " --help-config   every configuration key (Markdown table)\n" +
         "Settings: built-in defaults < FILE (default " + def.spec.defaults_file + ") < " + def.spec.env_prefix +
         "_* environment variables.\n";
}

}  // namespace

int Run(int argc, char** argv, Erased def) {
  const std::string program = "store_" + def.spec.name;
  std::string error;
  auto args = Parse(argc, argv, def, error);
  if (!args) {
    std::fprintf(stderr, "%s: %s\n%s", program.c_str(), error.c_str(), Usage(def).c_str());
    return kExitBadConfig;
  }
  if (args->help) {
    std::printf("%s", Usage(def).c_str());
    return 0;
  }

  // Configuration. The defaults file must exist: a binary started outside the checkout (or moved
  // into a container) is told to name its file rather than running on built-in defaults.
  const std::string file = args->config_file.value_or(def.spec.defaults_file);
  http::ServerOptions http_options;
  std::string level;
  std::optional<config::Loader> cfg;
  try {
    if (!args->help_config && !std::filesystem::is_regular_file(file))
      throw config::ConfigError("the configuration file " + file + " does not exist (name one with --config FILE)");
    cfg.emplace(def.spec.env_prefix, args->help_config ? std::nullopt : std::optional<std::string>(file));
    http_options = http::LoadServerOptions(*cfg, def.spec.http);
    level = cfg->Choice("log.level", "info", {"debug", "info", "warn", "error"}, "Lowest log level written");
    def.declare(*cfg);
    if (args->help_config) {
      std::printf("%s", cfg->Describe().c_str());
      return 0;
    }
    cfg->Finish();
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "%s: bad configuration: %s\n", program.c_str(), e.what());
    return kExitBadConfig;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: bad configuration: %s\n", program.c_str(), e.what());
    return kExitBadConfig;
  }
  log::Init(def.spec.name, *log::ParseLevel(level));

  if (args->command != "serve") {
    try {
      return def.commands.at(args->command)();
    } catch (const std::exception& e) {
      log::Error(program + " " + args->command + " failed", {{"error", e.what()}});
      return kExitFailure;
    }
  }

  // Serving. Declaration order is destruction order in reverse: the guard below stops the
  // background work and destroys the service's objects before the server (and its io_context)
  // goes, and the registry and readiness checks outlive both — on the normal path and when the
  // server throws. When `start` itself throws, what it built is already gone (unwound), so its
  // stop hooks, which point into those objects, are dropped rather than run.
  core::SystemClock clock;
  metrics::Registry registry;
  metrics::Readiness readiness;
  http::Router router;
  Context ctx(def.spec, http_options, registry, readiness, router, clock);
  std::optional<http::Server> server;
  Running running;
  struct StopGuard {
    Context& ctx;
    Running& running;
    bool started = false;
    ~StopGuard() {
      if (started) ctx.RunStopHooks();
      running.reset();
    }
  } guard{ctx, running};
  try {
    running = def.start(ctx);
    guard.started = true;
    http::AddOpsRoutes(router, registry, readiness);
    server.emplace(http_options, std::move(router), &registry);
    auto port = server->Listen();
    log::Info(def.spec.name + " service started", {{"port", static_cast<std::int64_t>(port)}});
    server->Run();
  } catch (const std::exception& e) {
    log::Error(program + " failed", {{"error", e.what()}});
    return kExitFailure;
  }
  log::Info(def.spec.name + " service stopped", {});
  return 0;
}

}  // namespace detail
}  // namespace store::service
