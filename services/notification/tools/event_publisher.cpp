// store_notification_publish: the benchmark's load and its private topic.
//   store_notification_publish BOOTSTRAP create TOPIC            TOPIC and TOPIC.dlq, 3 partitions each
//   store_notification_publish BOOTSTRAP delete TOPIC            both again
//   store_notification_publish BOOTSTRAP publish TOPIC COUNT [TYPE]
// Each event has a fresh event id and a unique recipient bench-<run>-<i>@example.com. All records
// are sent pipelined (Producer::ProduceAll) and acknowledged before it prints
// {"published": N, "seconds": S, "first_at": T} and exits; T = the wall-clock time (Unix seconds)
// of the first produce call, the start of a benchmark's "end to end".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <boost/json.hpp>

#include "store/core/ids.hpp"
#include "store/messaging/admin.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/message.hpp"
#include "store/messaging/producer.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: store_notification_publish BOOTSTRAP create|delete|publish TOPIC [COUNT [TYPE]]\n");
    return 2;
  }
  store::messaging::KafkaConfig kc;
  kc.bootstrap = argv[1];
  kc.client_id = "notification-bench";
  const std::string command = argv[2];
  const std::string topic = argv[3];
  if (command == "create" || command == "delete") {
    for (const std::string& t : {topic, topic + ".dlq"}) {
      auto st = command == "create" ? store::messaging::CreateTopic(kc, t, 3) : store::messaging::DeleteTopic(kc, t);
      if (!st) {
        std::fprintf(stderr, "%s %s: %s\n", command.c_str(), t.c_str(), st.error().message.c_str());
        return 1;
      }
    }
    return 0;
  }
  if (command != "publish" || argc < 5) return 2;
  const long count = std::atol(argv[4]);
  const std::string type = argc > 5 ? argv[5] : "user.registered.v1";
  auto producer = store::messaging::Producer::Create(kc);
  if (!producer) {
    std::fprintf(stderr, "producer: %s\n", producer.error().message.c_str());
    return 1;
  }
  // A shop's producers are long-lived and know their topics; a fresh one would hold the first
  // records for up to a second (librdkafka's topic scan) and that wait would count as the burst's.
  if (auto st = (*producer)->LoadMetadata({topic}, std::chrono::seconds(10)); !st) {
    std::fprintf(stderr, "metadata: %s\n", st.error().message.c_str());
    return 1;
  }
  const std::string run = store::core::RandomHex(4);
  std::vector<store::messaging::OutgoingMessage> batch;
  batch.reserve(static_cast<std::size_t>(count));
  for (long i = 0; i < count; ++i) {
    std::string user = store::core::NewUuid();
    boost::json::object data{{"user_id", user},
                             {"email", "bench-" + run + "-" + std::to_string(i) + "@example.com"},
                             {"name", "Bench User " + std::to_string(i)},
                             {"locale", "en"},
                             {"method", "password"},
                             {"email_verified", false}};
    auto event = store::messaging::NewEvent(type, data);
    batch.push_back(store::messaging::EventMessage(topic, user, event));
  }
  const double first_at =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto start = std::chrono::steady_clock::now();
  auto results = (*producer)->ProduceAll(batch);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long ok = 0;
  for (auto& r : results) ok += r.has_value();
  std::printf("{\"published\": %ld, \"seconds\": %.3f, \"first_at\": %.6f}\n", ok, secs, first_at);
  return ok == count ? 0 : 1;
}
