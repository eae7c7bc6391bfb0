#include "store/messaging/admin.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <thread>

#include "rdkafka_conf.hpp"

namespace store::messaging {
using core::Errc;
using core::Fail;
using core::Status;

namespace {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaPtr = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};

core::Result<KafkaPtr> NewClient(const KafkaConfig& config) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  std::map<std::string, std::string> all = {{"bootstrap.servers", config.bootstrap},
                                            {"client.id", config.client_id + "-admin"}};
  for (auto& [k, v] : config.extra) all[k] = v;
  for (auto& [k, v] : all) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Fail(Errc::invalid_argument, fmt::format("kafka setting {}: {}", k, err));
    }
  }
  // A producer handle is the lightest client type that can run admin requests.
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return Fail(Errc::invalid_argument, std::string("kafka admin client: ") + err);
  }
  return KafkaPtr(rk);
}

Errc ErrcOfTopicError(rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return Errc::conflict;
  if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return Errc::not_found;
  return detail::ErrcOf(static_cast<RdKafka::ErrorCode>(err));
}

// Runs one admin request on a private queue and returns its result event.
template <class Start>
core::Result<std::unique_ptr<rd_kafka_event_t, EventDeleter>> Request(rd_kafka_t* rk, rd_kafka_admin_op_t op,
                                                                       std::chrono::milliseconds timeout,
                                                                       Start start) {
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, op);
  char err[512];
  rd_kafka_AdminOptions_set_operation_timeout(options, static_cast<int>(timeout.count()), err, sizeof err);
  rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout.count()), err, sizeof err);
  start(options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  std::unique_ptr<rd_kafka_event_t, EventDeleter> event(
      rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count()) + 1000));
  if (!event) return Fail(Errc::timeout, "kafka admin request timed out");
  if (auto e = rd_kafka_event_error(event.get()))
    return Fail(ErrcOfTopicError(e), std::string("kafka admin: ") + rd_kafka_event_error_string(event.get()));
  return event;
}

Status CheckTopicResults(const rd_kafka_topic_result_t** results, size_t n, const std::string& what) {
  for (size_t i = 0; i < n; ++i) {
    auto e = rd_kafka_topic_result_error(results[i]);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      return Fail(ErrcOfTopicError(e), fmt::format("{} topic {}: {}", what, rd_kafka_topic_result_name(results[i]),
                                                   msg ? msg : rd_kafka_err2str(e)));
    }
  }
  return {};
}

// Metadata of one topic: number of partitions with a leader, or an error (not_found if absent).
core::Result<int> LedPartitions(rd_kafka_t* rk, const std::string& name, std::chrono::milliseconds timeout) {
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, name.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  auto rc = rd_kafka_metadata(rk, 0, topic, &md, static_cast<int>(timeout.count()));
  rd_kafka_topic_destroy(topic);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) return Fail(ErrcOfTopicError(rc), rd_kafka_err2str(rc));
  core::Result<int> result = 0;
  if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    auto e = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    result = Fail(ErrcOfTopicError(e), fmt::format("topic {}: {}", name, rd_kafka_err2str(e)));
  } else {
    for (int p = 0; p < md->topics[0].partition_cnt; ++p)
      if (md->topics[0].partitions[p].leader >= 0 && md->topics[0].partitions[p].err == RD_KAFKA_RESP_ERR_NO_ERROR)
        ++*result;
  }
  rd_kafka_metadata_destroy(md);
  return result;
}

}  // namespace

Status CreateTopic(const KafkaConfig& config, const std::string& name, int partitions, int replication_factor,
                   const std::map<std::string, std::string>& settings, std::chrono::milliseconds timeout) {
  TRY(rk, NewClient(config));
  char err[512];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.c_str(), partitions, replication_factor, err, sizeof err);
  if (!topic) return Fail(Errc::invalid_argument, fmt::format("topic {}: {}", name, err));
  for (auto& [k, v] : settings) rd_kafka_NewTopic_set_config(topic, k.c_str(), v.c_str());
  auto event = Request(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout,
                       [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                         rd_kafka_CreateTopics(rk.get(), &topic, 1, options, queue);
                       });
  rd_kafka_NewTopic_destroy(topic);
  if (!event) return Fail(event.error());
  size_t n = 0;
  auto* results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event->get()), &n);
  TRY_STATUS(CheckTopicResults(results, n, "create"));

  // The controller answered; wait until the broker serves every partition.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto led = LedPartitions(rk.get(), name, std::chrono::seconds(5));
    if (led && *led == partitions) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return Fail(Errc::timeout, fmt::format("topic {} created but its partitions have no leader yet", name));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Status DeleteTopic(const KafkaConfig& config, const std::string& name, std::chrono::milliseconds timeout) {
  TRY(rk, NewClient(config));
  rd_kafka_DeleteTopic_t* topic = rd_kafka_DeleteTopic_new(name.c_str());
  auto event = Request(rk.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout,
                       [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                         rd_kafka_DeleteTopics(rk.get(), &topic, 1, options, queue);
                       });
  rd_kafka_DeleteTopic_destroy(topic);
  if (!event) return Fail(event.error());
  size_t n = 0;
  auto* results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event->get()), &n);
  return CheckTopicResults(results, n, "delete");
}

core::Result<std::int64_t> CountRecords(const KafkaConfig& config, const std::string& name,
                                        std::chrono::milliseconds timeout) {
  TRY(rk, NewClient(config));
  TRY(partitions, LedPartitions(rk.get(), name, timeout));
  std::int64_t total = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    auto rc = rd_kafka_query_watermark_offsets(rk.get(), name.c_str(), p, &low, &high, static_cast<int>(timeout.count()));
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
      return Fail(ErrcOfTopicError(rc), fmt::format("offsets of {}[{}]: {}", name, p, rd_kafka_err2str(rc)));
    total += high - low;
  }
  return total;
}

}  // namespace store::messaging
