#include "store/messaging/topic_reader.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <random>

#include "rdkafka_conf.hpp"

namespace store::messaging {

struct TopicReader::Impl {
  std::vector<std::string> topics;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  Offsets next;  // next offset to deliver per partition
};

TopicReader::TopicReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TopicReader::~TopicReader() {
  if (impl_ && impl_->consumer) impl_->consumer->close();
}

core::Result<std::unique_ptr<TopicReader>> TopicReader::Create(const KafkaConfig& kafka,
                                                               std::vector<std::string> topics) {
  std::string err;
  std::mt19937_64 rng{std::random_device{}()};
  // A fresh group id: required by the API; the reader never joins it nor commits (assign()).
  TRY(conf, detail::MakeConf(kafka, {{"client.id", kafka.client_id + "-replay"},
                                     {"group.id", kafka.client_id + "-replay-" + std::to_string(rng())},
                                     {"enable.auto.commit", "false"},
                                     {"enable.partition.eof", "false"},
                                     {"auto.offset.reset", "earliest"},
                                     // Short fetch long-polls: the end-offset queries share the
                                     // broker connection with them.
                                     {"fetch.wait.max.ms", "50"}}));
  auto impl = std::make_unique<Impl>();
  impl->topics = std::move(topics);
  impl->consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!impl->consumer) return std::unexpected(core::Error::Unavailable("topic reader: " + err));

  // Every partition from its beginning.
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto& topic : impl->topics) {
    std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(impl->consumer.get(), topic, nullptr, err));
    RdKafka::Metadata* raw = nullptr;
    if (impl->consumer->metadata(false, handle.get(), &raw, 10000) != RdKafka::ERR_NO_ERROR)
      return std::unexpected(core::Error::Unavailable("topic reader: no metadata for " + topic));
    std::unique_ptr<RdKafka::Metadata> md(raw);
    for (const auto* t : *md->topics()) {
      if (t->err() != RdKafka::ERR_NO_ERROR)
        return std::unexpected(core::Error::NotFound("topic reader: topic " + topic + ": " + RdKafka::err2str(t->err())));
      for (const auto* p : *t->partitions()) {
        // Records below the low watermark are gone (retention): the replay starts there.
        std::int64_t low = 0, high = 0;
        if (impl->consumer->query_watermark_offsets(topic, p->id(), &low, &high, 10000) != RdKafka::ERR_NO_ERROR)
          return std::unexpected(core::Error::Unavailable("topic reader: no offsets for " + topic));
        parts.push_back(RdKafka::TopicPartition::create(topic, p->id(), RdKafka::Topic::OFFSET_BEGINNING));
        impl->next[{topic, p->id()}] = low;
      }
    }
  }
  auto rc = impl->consumer->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  if (rc != RdKafka::ERR_NO_ERROR) return std::unexpected(core::Error::Unavailable("topic reader: assign failed"));
  return std::unique_ptr<TopicReader>(new TopicReader(std::move(impl)));
}

core::Result<Offsets> TopicReader::EndOffsets() {
  // One ListOffsets round for every partition: timestamp -1 asks for the end (high watermark).
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto& [key, _] : impl_->next) parts.push_back(RdKafka::TopicPartition::create(key.first, key.second, -1));
  auto rc = impl_->consumer->offsetsForTimes(parts, 10000);
  Offsets ends;
  bool ok = rc == RdKafka::ERR_NO_ERROR;
  for (auto* p : parts) {
    if (p->err() != RdKafka::ERR_NO_ERROR || p->offset() < 0) ok = false;
    else ends[{p->topic(), p->partition()}] = p->offset();
  }
  RdKafka::TopicPartition::destroy(parts);
  if (!ok) return std::unexpected(core::Error::Unavailable("topic reader: the end offsets could not be read"));
  return ends;
}

core::Status TopicReader::ReadUntil(const Offsets& ends,
                                    const std::function<core::Status(std::vector<Message>&)>& on_batch,
                                    std::size_t batch, std::chrono::milliseconds timeout) {
  auto done = [&] {
    for (const auto& [key, end] : ends)
      if (impl_->next[key] < end) return false;
    return true;
  };
  std::vector<Message> pending;
  auto flush = [&]() -> core::Status {
    if (pending.empty()) return {};
    auto status = on_batch(pending);
    pending.clear();
    return status;
  };
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      return std::unexpected(core::Error{core::Errc::timeout, "topic reader: the topics were not read to their end in time"});
    std::unique_ptr<RdKafka::Message> m(impl_->consumer->consume(pending.empty() ? 200 : 20));
    if (m->err() == RdKafka::ERR__TIMED_OUT) {
      if (auto s = flush(); !s) return s;
      continue;
    }
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    PartitionKey key{m->topic_name(), m->partition()};
    if (m->offset() < impl_->next[key]) continue;  // delivered in an earlier round
    impl_->next[key] = m->offset() + 1;
    pending.push_back(detail::ToMessage(*m));
    ++records_;
    if (pending.size() >= batch)
      if (auto s = flush(); !s) return s;
  }
  return flush();
}

}  // namespace store::messaging
