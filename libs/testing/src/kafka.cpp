#include "store/testing/kafka.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "store/messaging/admin.hpp"
#include "store/testing/engines.hpp"

namespace store::testing {
namespace messaging = store::messaging;

messaging::KafkaConfig KafkaTestConfig() {
  messaging::KafkaConfig k;
  k.bootstrap = Engines::FromEnv().kafka_bootstrap;
  k.client_id = "test";
  return k;
}

TempTopic::TempTopic(const std::string& prefix, int partitions, bool with_dlq)
    : name_(UniqueName(prefix)), with_dlq_(with_dlq) {
  auto config = KafkaTestConfig();
  if (auto made = messaging::CreateTopic(config, name_, partitions); !made)
    throw std::runtime_error("test topic: " + made.error().message);
  if (with_dlq_)
    if (auto made = messaging::CreateTopic(config, dlq(), 1); !made)
      throw std::runtime_error("test dead-letter topic: " + made.error().message);
}

TempTopic::~TempTopic() {
  // Best effort: a broker that went away has already failed the test.
  auto config = KafkaTestConfig();
  (void)messaging::DeleteTopic(config, name_);
  if (with_dlq_) (void)messaging::DeleteTopic(config, dlq());
}

std::vector<messaging::Message> ReadAll(const std::string& topic, std::chrono::milliseconds timeout) {
  auto config = KafkaTestConfig();
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", config.bootstrap, err);
  conf->set("group.id", UniqueName("reader"), err);  // required by the API; never joined or committed
  conf->set("enable.auto.commit", "false", err);
  conf->set("enable.partition.eof", "false", err);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) throw std::runtime_error("reader: " + err);

  // Partitions and their end offsets now.
  std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(consumer.get(), topic, nullptr, err));
  RdKafka::Metadata* raw_md = nullptr;
  if (consumer->metadata(false, handle.get(), &raw_md, 10000) != RdKafka::ERR_NO_ERROR)
    throw std::runtime_error("reader: no metadata for " + topic);
  std::unique_ptr<RdKafka::Metadata> md(raw_md);
  std::map<int, std::int64_t> end;  // partition -> high watermark
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto* t : *md->topics())
    for (const auto* p : *t->partitions()) {
      std::int64_t low = 0, high = 0;
      if (consumer->query_watermark_offsets(topic, p->id(), &low, &high, 10000) != RdKafka::ERR_NO_ERROR)
        throw std::runtime_error("reader: no offsets for " + topic);
      end[p->id()] = high;
      if (high > low) parts.push_back(RdKafka::TopicPartition::create(topic, p->id(), low));
    }
  consumer->assign(parts);
  RdKafka::TopicPartition::destroy(parts);

  std::map<int, std::vector<messaging::Message>> by_partition;
  std::map<int, std::int64_t> next;  // partition -> next offset expected
  auto done = [&] {
    for (auto& [p, high] : end)
      if (high > 0 && next[p] < high) return false;
    return true;
  };
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(fmt::format("reader: {} not read to its end in time", topic));
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    messaging::Message out;
    out.topic = m->topic_name();
    out.partition = m->partition();
    out.offset = m->offset();
    if (m->key()) out.key = *m->key();
    out.value.assign(static_cast<const char*>(m->payload()), m->len());
    if (auto* h = m->headers())
      for (const auto& header : h->get_all())
        out.headers.emplace_back(header.key(), header.value() ? std::string(static_cast<const char*>(header.value()),
                                                                                 header.value_size())
                                                                     : std::string());
    next[out.partition] = out.offset + 1;
    if (out.offset < end[out.partition]) by_partition[out.partition].push_back(std::move(out));
  }
  consumer->close();
  std::vector<messaging::Message> all;
  for (auto& [p, records] : by_partition)
    for (auto& r : records) all.push_back(std::move(r));
  return all;
}

}  // namespace store::testing
