#include "app/indexer.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <thread>

#include "store/log/log.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/topic_reader.hpp"

namespace store::search {

messaging::BatchHandler LiveBatchHandler(ProductIndex& index, IndexerCounters* counters) {
  return [&index, counters](std::span<const messaging::Message> batch) -> core::Status {
    TRY(records, messaging::DecodeBatch(batch));
    std::vector<IndexOp> ops;
    ops.reserve(records.size());
    std::uint64_t ignored = 0;
    for (const auto& r : records) {
      auto op = index.OpFromEvent(r.event.type, r.event.data);
      if (!op) return std::unexpected(op.error());
      if (!*op) {
        ++ignored;
        continue;
      }
      ops.push_back(std::move(**op));
    }
    if (!ops.empty()) {
      auto outcome = index.Apply(index.alias(), ops, /*require_alias=*/true);
      if (!outcome) return std::unexpected(outcome.error());
      if (outcome->rejected > 0)
        return std::unexpected(core::Error::Invalid("document refused by OpenSearch: " + outcome->first_error));
      if (counters) {
        counters->applied += outcome->applied;
        counters->stale += outcome->stale;
        counters->missing += outcome->missing;
      }
    }
    if (counters) counters->ignored += ignored;
    auto ctx = batch.front().LogContext();
    log::Debug("indexed a batch", {{"topic", batch.front().topic}, {"partition", batch.front().partition},
                                   {"records", static_cast<std::int64_t>(batch.size())},
                                   {"ops", static_cast<std::int64_t>(ops.size())}},
               &ctx);
    return {};
  };
}

namespace {

void Add(BulkOutcome& total, const BulkOutcome& b) {
  total.applied += b.applied;
  total.stale += b.stale;
  total.missing += b.missing;
  total.rejected += b.rejected;
  if (total.first_error.empty()) total.first_error = b.first_error;
}

}  // namespace

core::Result<ReindexReport> Reindex(ProductIndex& index, const ReindexOptions& options,
                                    const std::function<void(std::string_view)>& progress) {
  auto started = std::chrono::steady_clock::now();
  auto say = [&](const std::string& line) {
    log::Info(line, {{"alias", index.alias()}});
    if (progress) progress(line);
  };
  ReindexReport report;
  auto old = index.AliasTargets();
  if (!old) return std::unexpected(old.error());
  report.old_indexes = *old;
  auto created = index.CreateIndex();
  if (!created) return std::unexpected(created.error());
  report.new_index = *created;
  say(fmt::format("reindex: new index {} (alias {} points at [{}])", report.new_index, index.alias(),
                  fmt::join(report.old_indexes, ", ")));
  auto fail = [&](core::Error e) -> core::Result<ReindexReport> {
    // Leave the alias as it was and drop the half-built index.
    (void)index.DeleteIndex(report.new_index);
    return std::unexpected(std::move(e));
  };

  auto reader = messaging::TopicReader::Create(options.kafka, options.topics);
  if (!reader) return fail(reader.error());
  auto on_batch = [&](std::vector<messaging::Message>& batch) -> core::Status {
    std::vector<IndexOp> ops;
    ops.reserve(batch.size());
    for (const auto& msg : batch) {
      auto event = messaging::DecodeEvent(msg.value);
      if (!event) {
        report.ignored++;
        continue;
      }
      auto op = index.OpFromEvent(event->type, event->data);
      if (!op || !*op) {
        if (!op) log::Warn("reindex: malformed event skipped", {{"topic", msg.topic}, {"offset", msg.offset}, {"error", op.error().message}});
        report.ignored++;
        continue;
      }
      ops.push_back(std::move(**op));
    }
    for (int attempt = 0;; ++attempt) {
      auto outcome = index.Apply(report.new_index, ops, /*require_alias=*/false);
      if (outcome) {
        Add(report.outcome, *outcome);
        if (outcome->rejected > 0)
          log::Warn("reindex: documents refused", {{"count", outcome->rejected}, {"error", outcome->first_error}});
        return {};
      }
      if (!core::IsTransient(outcome.error().code) || attempt >= 20) return std::unexpected(outcome.error());
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * (attempt + 1)));
    }
  };
  auto read_to_end = [&](std::string_view phase) -> core::Status {
    auto ends = (*reader)->EndOffsets();
    if (!ends) return std::unexpected(ends.error());
    std::int64_t total = 0;
    for (const auto& [_, end] : *ends) total += end;
    auto status = (*reader)->ReadUntil(*ends, on_batch, options.batch_size, options.timeout);
    if (!status) return status;
    say(fmt::format("reindex: {}: read up to the end offsets ({} records so far)", phase, (*reader)->records_read()));
    (void)total;
    return {};
  };

  if (auto s = read_to_end("replay"); !s) return fail(s.error());
  if (auto s = read_to_end("catch-up"); !s) return fail(s.error());
  if (auto s = index.Refresh(report.new_index); !s) return fail(s.error());
  if (auto s = index.SwapAlias(report.new_index, report.old_indexes); !s) return fail(s.error());
  say(fmt::format("reindex: alias {} now points at {}", index.alias(), report.new_index));
  // Events published before the swap may have been written by the live indexer into the old index
  // only: replay up to the ends as of now (after the swap the live indexer writes to the new one).
  if (auto s = read_to_end("after the swap"); !s) return std::unexpected(s.error());
  (void)index.Refresh(report.new_index);
  report.records = (*reader)->records_read();
  if (options.delete_old && !report.old_indexes.empty()) {
    std::this_thread::sleep_for(options.delete_grace);
    for (const auto& o : report.old_indexes)
      if (auto s = index.DeleteIndex(o); !s) log::Warn("reindex: old index not deleted", {{"index", o}, {"error", s.error().message}});
    say(fmt::format("reindex: deleted [{}]", fmt::join(report.old_indexes, ", ")));
  }
  report.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace store::search
