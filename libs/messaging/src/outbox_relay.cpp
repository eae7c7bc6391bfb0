#include "store/messaging/outbox_relay.hpp"

#include <algorithm>
#include <fmt/format.h>

#include <condition_variable>
#include <mutex>

#include "store/config/config.hpp"
#include "store/log/log.hpp"
#include "store/messaging/message.hpp"
#include "store/messaging/producer.hpp"

namespace store::messaging {
using core::Errc;
using core::Fail;

RelayOptions RelayOptions::Load(config::Loader& cfg) {
  RelayOptions o;
  o.db = db::Options::Declare(cfg);
  o.kafka = KafkaConfig::Load(cfg, "outbox-relay");
  o.batch_size = static_cast<std::size_t>(
      cfg.Int("relay.batch_size", static_cast<std::int64_t>(o.batch_size), "outbox rows sent per round", 1, 5000));
  o.idle_poll = cfg.Duration("relay.idle_poll", o.idle_poll,
                             "pause between rounds when the outbox is empty or another relay is active");
  o.first_poll = cfg.Duration("relay.first_poll", o.first_poll,
                              "first pause after a round that found rows; doubles while empty up to relay.idle_poll");
  o.first_poll = std::min(o.first_poll, o.idle_poll);
  o.error_backoff = cfg.Duration("relay.error_backoff", o.error_backoff, "pause after a failed round");
  return o;
}

struct OutboxRelay::Impl {
  RelayOptions options;
  std::unique_ptr<db::Connection> conn;  // holds the relay lock while alive
  bool leader = false;
  std::unique_ptr<Producer> producer;
  std::string delete_sql;  // DELETE ... IN (batch_size placeholders)

  std::atomic<bool> stopping{false};
  mutable std::mutex mu;
  std::condition_variable wake;
  RelayStats stats;

  bool Sleep(std::chrono::milliseconds d) {
    std::unique_lock lock(mu);
    return !wake.wait_for(lock, d, [&] { return stopping.load(); });
  }

  // True when this relay holds the lock (on the session it works on).
  core::Result<bool> EnsureLeader() {
    if (conn && conn->broken()) {
      conn.reset();
      if (leader) log::Warn("outbox relay lost its database session; the lock went with it");
      leader = false;
    }
    if (!conn) {
      TRY(c, db::Connection::Open(options.db));
      conn = std::move(c);
    }
    if (leader) return true;
    // Non-blocking try: a standby relay polls every idle_poll, so Stop() stays prompt.
    TRY(row, conn->QueryOne("SELECT GET_LOCK(LEFT(CONCAT('outbox_relay.', DATABASE()), 64), 0) AS got"));
    leader = row && row->OptInt("got").value_or(0) == 1;
    if (leader) log::Info("outbox relay is active", {{"database", options.db.database}});
    return leader;
  }

  core::Status EnsureProducer() {
    if (producer && !producer->Fatal()) return {};
    if (producer) log::Warn("outbox relay producer hit a fatal error; starting a new one");
    KafkaConfig kafka = options.kafka;
    // Order per key needs a gap-free stream: a record that timed out while a later one of its
    // partition got through would be sent again AFTER it. So sends never time out (the relay
    // waits out a broker outage; Stop() purges), and any other failure that could leave a gap
    // stops the producer (gapless guarantee) so the next round starts again from that row.
    kafka.delivery_timeout = std::chrono::milliseconds(0);
    kafka.extra.emplace("enable.gapless.guarantee", "true");
    TRY(p, Producer::Create(kafka));
    std::lock_guard lock(mu);
    producer = std::move(p);
    return {};
  }

  core::Status DeleteRows(const std::vector<std::uint64_t>& ids) {
    // One prepared statement for every round: the id list is padded to batch_size by repeating
    // the last id (duplicates in IN are harmless). Deleting by id, never by range, keeps rows
    // that committed late with a lower id.
    std::vector<db::Param> params;
    params.reserve(options.batch_size);
    for (std::size_t i = 0; i < options.batch_size; ++i) params.emplace_back(ids[std::min(i, ids.size() - 1)]);
    TRY(r, conn->ExecuteParams(delete_sql, params));
    (void)r;
    return {};
  }

  core::Result<std::size_t> Round() {
    if (stopping) return 0;
    TRY(is_leader, EnsureLeader());
    {
      std::lock_guard lock(mu);
      stats.active = is_leader;
    }
    if (!is_leader) return 0;
    TRY_STATUS(EnsureProducer());
    TRY(rows, conn->Query("SELECT id, topic, msg_key, event_id, payload, traceparent FROM outbox "
                          "ORDER BY id LIMIT ?",
                          static_cast<std::uint64_t>(options.batch_size)));
    if (rows.empty()) return 0;

    std::vector<OutgoingMessage> messages;
    std::vector<std::uint64_t> ids;
    messages.reserve(rows.size());
    for (const auto& row : rows) {
      ids.push_back(row.UInt("id"));
      OutgoingMessage m{row.Text("topic"), row.Text("msg_key"), row.Text("payload"), {}};
      m.headers.emplace_back(kEventIdHeader, row.Text("event_id"));
      if (auto tp = row.OptText("traceparent")) m.headers.emplace_back(kTraceParentHeader, *tp);
      messages.push_back(std::move(m));
    }
    auto results = producer->ProduceAll(messages);
    std::size_t acked = 0;
    while (acked < results.size() && results[acked]) ++acked;
    if (acked > 0) {
      ids.resize(acked);
      TRY_STATUS(DeleteRows(ids));
      std::lock_guard lock(mu);
      stats.published += acked;
      ++stats.rounds;
    }
    if (acked < results.size())
      return Fail(results[acked].error().code,
                  fmt::format("outbox relay: {} of {} rows acknowledged; row {} failed: {}", acked,
                              results.size(), rows[acked].Text("id"), results[acked].error().message));
    return acked;
  }
};

core::Result<std::unique_ptr<OutboxRelay>> OutboxRelay::Create(RelayOptions options) {
  if (options.batch_size == 0) return Fail(Errc::invalid_argument, "relay: batch_size must be positive");
  auto impl = std::make_unique<Impl>();
  impl->delete_sql = "DELETE FROM outbox WHERE id IN (?";
  for (std::size_t i = 1; i < options.batch_size; ++i) impl->delete_sql += ",?";
  impl->delete_sql += ")";
  impl->options = std::move(options);
  return std::unique_ptr<OutboxRelay>(new OutboxRelay(std::move(impl)));
}

OutboxRelay::OutboxRelay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutboxRelay::~OutboxRelay() = default;

core::Result<std::size_t> OutboxRelay::RunOnce() {
  auto r = impl_->Round();
  if (!r) {
    std::lock_guard lock(impl_->mu);
    ++impl_->stats.failures;
  }
  return r;
}

void OutboxRelay::Run() {
  auto pause = impl_->options.idle_poll;
  while (!impl_->stopping) {
    auto r = RunOnce();
    if (!r) {
      log::Warn("outbox relay round failed", {{"error", r.error().message}});
      impl_->Sleep(impl_->options.error_backoff);
    } else if (*r > 0) {
      pause = impl_->options.first_poll;
    } else {
      impl_->Sleep(pause);
      pause = std::min(pause * 2, impl_->options.idle_poll);
    }
  }
}

void OutboxRelay::Stop() {
  std::lock_guard lock(impl_->mu);
  impl_->stopping = true;
  impl_->wake.notify_all();
  // A round waiting on an absent broker ends now; its rows stay for the next relay.
  if (impl_->producer) impl_->producer->Purge();
}

RelayStats OutboxRelay::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

}  // namespace store::messaging
