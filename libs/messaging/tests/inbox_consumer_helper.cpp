// Test helper process for the outbox/inbox failure test: a consumer-group member that applies
// each event exactly once with the inbox, as a service would, and can be SIGKILLed at any time.
//
//   store_inbox_consumer_test_helper <bootstrap> <topic> <group> <instance-id>
//                                    <db-host> <db-port> <db-user> <db-password> <db-name> [single|batch]
//
// Effect of an event {"key": k, "seq": s}: one row (event_id, agg_key, seq) in `effects`, in the
// same transaction as the inbox record; the offset is committed after that transaction.
// `single` (default): Consumer::Create + InboxHandler, one transaction per event; `batch`:
// Consumer::CreateBatching + InboxBatchHandler, one transaction per batch (up to 50 events of a
// partition) with asynchronous offset commits.
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <thread>

#include "store/db/db.hpp"
#include "store/log/log.hpp"
#include "store/messaging/consumer.hpp"
#include "store/messaging/inbox.hpp"

using namespace store::messaging;

int main(int argc, char** argv) {
  if (argc != 10 && argc != 11) {
    std::fprintf(stderr,
                 "usage: %s bootstrap topic group instance db-host db-port db-user db-password db-name [single|batch]\n",
                 argv[0]);
    return 2;
  }
  const bool batching = argc == 11 && std::string(argv[10]) == "batch";
  store::log::Init("inbox-consumer-test-helper", store::log::Level::warn);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  store::db::Options db_options;
  db_options.host = argv[5];
  db_options.port = static_cast<std::uint16_t>(std::stoi(argv[6]));
  db_options.user = argv[7];
  db_options.password = argv[8];
  db_options.database = argv[9];
  db_options.pool_size = 1;
  store::db::Database db(db_options);

  ConsumerOptions options;
  options.kafka.bootstrap = argv[1];
  options.kafka.client_id = "inbox-test-helper";
  options.kafka.session_timeout = std::chrono::seconds(6);
  options.topics = {argv[2]};
  options.group_id = argv[3];
  options.instance_id = argv[4];
  options.retry_initial = std::chrono::milliseconds(20);
  options.retry_max = std::chrono::milliseconds(500);

  options.batch_max = 50;
  options.batch_wait = std::chrono::milliseconds(20);
  InboxEffect effect = [](store::db::Connection& c, const Message&, const Event& e) -> store::core::Status {
    TRY_STATUS(c.Execute("INSERT INTO effects (event_id, agg_key, seq) VALUES (?, ?, ?)", e.event_id,
                         std::string(e.data.at("key").as_string()), e.data.at("seq").as_int64()));
    return {};
  };
  auto consumer = batching ? Consumer::CreateBatching(options, InboxBatchHandler(db, "effects-test", effect))
                           : Consumer::Create(options, InboxHandler(db, "effects-test", effect));
  if (!consumer) {
    std::fprintf(stderr, "consumer: %s\n", consumer.error().message.c_str());
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    (*consumer)->Stop();
  });
  auto ran = (*consumer)->Run();
  if (!ran) {
    std::fprintf(stderr, "consumer: %s\n", ran.error().message.c_str());
    std::_Exit(1);  // the signal thread is still waiting
  }
  waiter.join();
  return 0;
}
