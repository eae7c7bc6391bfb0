// The indexer: product events -> the search index. Never a synchronous double write: the catalog
// publishes product.upserted.v1 / product.archived.v1 through its outbox, and this consumer
// applies them.
//
// Live: a batching messaging::ConsumerRunner (group indexer.group, "catalog-search-indexer")
// runs LiveBatchHandler on up to indexer.batch_max records of one partition: each event becomes
// one IndexOp and the batch is ONE _bulk call through the ALIAS with OpenSearch external
// versioning (version = the product's version), so a redelivered event or an older version
// arriving late is refused by OpenSearch (409, counted as stale) and the batch is committed:
// idempotent without an inbox table (a batch replayed after a partial failure only adds stale
// items). OpenSearch down -> unavailable -> the consumer retries the batch in place; a malformed
// event -> invalid_argument -> the consumer retries the batch record by record and dead-letters
// that one.
//
// Reindex: Reindex() builds a new concrete index from the beginning of the product topics and
// swaps the alias to it (see README "Reindex").
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "app/ports.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/messaging/consumer.hpp"
#include "store/metrics/metrics.hpp"

namespace store::search {

struct IndexerCounters {
  std::atomic<std::uint64_t> applied{0}, stale{0}, missing{0}, ignored{0};
};

// The batch handler of the live indexer (Consumer::CreateBatching / ConsumerRunner). `counters`
// may be null.
messaging::BatchHandler LiveBatchHandler(ProductIndex& index, IndexerCounters* counters = nullptr);

struct ReindexOptions {
  messaging::KafkaConfig kafka;
  std::vector<std::string> topics = {"product.upserted.v1", "product.archived.v1"};
  std::size_t batch_size = 500;
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
  // Pause between the alias swap and deleting the old index, so searches already routed to the
  // old index finish.
  std::chrono::milliseconds delete_grace{std::chrono::seconds(2)};
  bool delete_old = true;
};

struct ReindexReport {
  std::string new_index;
  std::vector<std::string> old_indexes;
  std::uint64_t records = 0;
  BulkOutcome outcome;   // summed over the batches
  std::uint64_t ignored = 0;  // records that are not product events, or malformed (logged)
  std::chrono::milliseconds took{0};
};

// Builds `<alias>_<timestamp>_<rand>` from offset 0 of options.topics up to the end offsets taken
// at start, catches up to the ends again, swaps the alias atomically (remove old + add new in one
// _aliases call), catches up once more (records the live indexer may have written to the old
// index just before the swap), then deletes the old index(es). Searches keep answering from the
// old index until the swap and from the new one after it.
core::Result<ReindexReport> Reindex(ProductIndex& index, const ReindexOptions& options,
                                    const std::function<void(std::string_view)>& progress = {});

}  // namespace store::search
