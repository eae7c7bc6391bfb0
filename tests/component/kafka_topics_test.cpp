// The topics declared in deploy/kafka/topics.conf exist on the broker exactly as declared:
// partition count, cleanup policy and retention (Kafka is the event store, so a fact topic that
// silently got the broker's default retention would lose history).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "store/testing/engines.hpp"

namespace {

struct Declared {
  int partitions = 0;
  std::string cleanup_policy;
  std::string retention_ms;
};

std::map<std::string, Declared> ReadTopicsConf() {
  std::ifstream in(STORE_TOPICS_CONF);
  std::map<std::string, Declared> topics;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name;
    Declared d;
    if (fields >> name >> d.partitions >> d.cleanup_policy >> d.retention_ms) topics[name] = d;
  }
  return topics;
}

using KafkaHandle = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

KafkaHandle Connect() {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto bootstrap = store::testing::Engines::FromEnv().kafka_bootstrap;
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  return KafkaHandle(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err), &rd_kafka_destroy);
}

std::map<std::string, std::string> DescribeTopicConfig(rd_kafka_t* rk, const std::string& topic) {
  std::map<std::string, std::string> out;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_DescribeConfigs(rk, &res, 1, nullptr, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 10000);
  if (ev && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    size_t n = 0;
    const rd_kafka_ConfigResource_t** results =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
    for (size_t i = 0; i < n; ++i) {
      size_t count = 0;
      const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(results[i], &count);
      for (size_t j = 0; j < count; ++j) {
        const char* value = rd_kafka_ConfigEntry_value(entries[j]);
        out[rd_kafka_ConfigEntry_name(entries[j])] = value ? value : "";
      }
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_ConfigResource_destroy(res);
  rd_kafka_queue_destroy(queue);
  return out;
}

TEST(KafkaTopics, EveryDeclaredTopicExistsWithItsPartitionsCleanupPolicyAndRetention) {
  auto declared = ReadTopicsConf();
  ASSERT_GE(declared.size(), 10u) << "topics.conf was not read";
  auto rk = Connect();
  ASSERT_TRUE(rk);
  const rd_kafka_metadata_t* md = nullptr;
  ASSERT_EQ(rd_kafka_metadata(rk.get(), 1, nullptr, &md, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::map<std::string, int> partitions;
  for (int i = 0; i < md->topic_cnt; ++i) partitions[md->topics[i].topic] = md->topics[i].partition_cnt;
  rd_kafka_metadata_destroy(md);

  for (const auto& [name, want] : declared) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(partitions.contains(name)) << "topic missing on the broker";
    EXPECT_EQ(partitions[name], want.partitions);
    auto config = DescribeTopicConfig(rk.get(), name);
    EXPECT_EQ(config["cleanup.policy"], want.cleanup_policy);
    EXPECT_EQ(config["retention.ms"], want.retention_ms);
  }
}

}  // namespace
