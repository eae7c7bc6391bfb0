// store_outbox_relay: publishes one database's outbox to Kafka (see outbox_relay.hpp).
//
//   store_outbox_relay [config-file]        settings from the file, then OUTBOX_RELAY_* variables
//   store_outbox_relay --help-config        the table of settings
//
// Run one per service database (more are harmless: only one is active, the others stand by).
// SIGTERM/SIGINT stop it after the round in progress.
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include "store/config/config.hpp"
#include "store/log/log.hpp"
#include "store/messaging/outbox_relay.hpp"

int main(int argc, char** argv) {
  std::optional<std::string> file;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help-config" || arg == "--help") help = true;
    else file = arg;
  }

  store::messaging::RelayOptions options;
  std::string level;
  try {
    store::config::Loader cfg("OUTBOX_RELAY", file);
    level = cfg.Choice("log.level", "info", {"debug", "info", "warn", "error"}, "lowest log level written");
    options = store::messaging::RelayOptions::Load(cfg);
    if (help) {
      std::fputs(cfg.Describe().c_str(), stdout);
      return 0;
    }
    cfg.Finish();
  } catch (const store::config::ConfigError& e) {
    std::fprintf(stderr, "store_outbox_relay: bad configuration: %s\n", e.what());
    return 2;
  }
  store::log::Init("outbox-relay", *store::log::ParseLevel(level));

  // Signals are taken by one thread with sigwait, so Stop() runs in a normal context.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto relay = store::messaging::OutboxRelay::Create(options);
  if (!relay) {
    store::log::Error("outbox relay cannot start", {{"error", relay.error().message}});
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    store::log::Info("outbox relay stopping", {{"signal", sig}});
    (*relay)->Stop();
  });
  store::log::Info("outbox relay started",
                   {{"database", options.db.database}, {"kafka", options.kafka.bootstrap}});
  (*relay)->Run();
  waiter.join();
  auto stats = (*relay)->stats();
  store::log::Info("outbox relay stopped", {{"published", stats.published}, {"failures", stats.failures}});
  return 0;
}
