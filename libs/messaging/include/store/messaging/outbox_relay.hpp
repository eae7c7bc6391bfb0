// OutboxRelay: drains the `outbox` table of one database into Kafka.
//
// Each round reads up to batch_size rows in id order, sends them all with the idempotent
// producer, waits for every acknowledgement, then deletes the acknowledged prefix of rows.
// Sends never time out and run in gapless mode (a failure that could let a later record of a
// partition overtake an earlier one stops the producer; a new one resends from that row), so
// a broker outage makes the relay wait, not reorder; Stop() cancels the wait. A crash anywhere in between leaves the rows in place and they are sent again:
// at-least-once, in order per key (the Inbox removes the duplicates). Rows are deleted by id,
// so a transaction that committed late with a lower id is still published on the next round.
//
// Exactly one relay is active per database: it holds the MariaDB user lock
// `outbox_relay.<database>` (GET_LOCK) on the very session that reads and deletes the rows.
// If that session dies (relay killed, network cut) the server frees the lock and a standby relay
// takes over; the old relay's next statement fails, so it cannot delete rows it no longer owns.
//
// Ownership: owns its MariaDB connection and its Producer. Thread-safety: Run()/RunOnce() on one
// thread; Stop() and stats() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "store/core/result.hpp"
#include "store/db/db.hpp"
#include "store/messaging/kafka_config.hpp"

namespace store::config {
class Loader;
}

namespace store::messaging {

struct RelayOptions {
  db::Options db;
  KafkaConfig kafka;
  std::size_t batch_size = 500;                  // relay.batch_size
  std::chrono::milliseconds idle_poll{100};      // relay.idle_poll: wait when empty or standby (the longest)
  std::chrono::milliseconds first_poll{5};       // relay.first_poll: the first wait after rows were found
  std::chrono::milliseconds error_backoff{1000}; // relay.error_backoff: wait after a failed round

  // Declares db.* (store::db::Options), kafka.*, relay.batch_size, relay.idle_poll,
  // relay.first_poll, relay.error_backoff.
  static RelayOptions Load(config::Loader& cfg);
};

struct RelayStats {
  std::uint64_t published = 0;   // rows acknowledged by Kafka and deleted
  std::uint64_t rounds = 0;      // rounds that found rows
  std::uint64_t failures = 0;    // rounds that ended in an error
  bool active = false;           // holds the relay lock right now
};

class OutboxRelay {
 public:
  static core::Result<std::unique_ptr<OutboxRelay>> Create(RelayOptions options);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // One round: (re)connects and takes the lock if needed; returns how many rows were published
  // (0 when the outbox is empty or another relay holds the lock). On an error nothing
  // unacknowledged was deleted.
  core::Result<std::size_t> RunOnce();

  // Rounds until Stop(): back to back while there is work; when there is none, first_poll apart,
  // doubling while the outbox stays empty up to idle_poll (events come in bursts: the next one is
  // soon after the last, or not for a while); error_backoff after a failure. Returns after Stop().
  void Run();
  void Stop();
  RelayStats stats() const;

 private:
  struct Impl;
  explicit OutboxRelay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace store::messaging
