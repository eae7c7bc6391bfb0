#include "adapters/search_index.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <random>

namespace store::search {
namespace json = boost::json;
using http::Verb;

core::Result<std::optional<IndexOp>> SearchIndex::OpFromEvent(const std::string& type, const boost::json::value& data) const {
  return search::OpFromEvent(type, data);
}

core::Status SearchIndex::EnsureAlias() {
  auto targets = AliasTargets();
  if (!targets) return std::unexpected(targets.error());
  if (!targets->empty()) return {};
  auto index = CreateIndex();
  if (!index) return std::unexpected(index.error());
  // Another process may have created the alias meanwhile: add ours only if there is still none.
  auto again = AliasTargets();
  if (!again) return std::unexpected(again.error());
  if (!again->empty()) return DeleteIndex(*index);
  return SwapAlias(*index, {});
}

core::Result<bool> SearchIndex::MappingIsCurrent() {
  boost::system::error_code ec;
  auto body = json::parse(body_, ec);
  const json::value* want = nullptr;
  if (!ec && body.is_object())
    if (const auto* m = body.as_object().if_contains("mappings"); m && m->is_object())
      if (const auto* meta = m->as_object().if_contains("_meta"); meta && meta->is_object())
        want = meta->as_object().if_contains("mapping_version");
  if (!want) return true;  // a mapping without a version: nothing to compare
  auto answer = os_.CallSync(Verb::get, "/" + alias_ + "/_mapping", "");
  if (!answer) return std::unexpected(answer.error());
  if (answer->status == 404) return true;
  if (answer->status != 200 || !answer->body.is_object()) return std::unexpected(OsError(*answer, "read mapping of " + alias_));
  for (const auto& [index, value] : answer->body.as_object()) {
    const json::value* have = nullptr;
    if (const auto* m = value.is_object() ? value.as_object().if_contains("mappings") : nullptr; m && m->is_object())
      if (const auto* meta = m->as_object().if_contains("_meta"); meta && meta->is_object())
        have = meta->as_object().if_contains("mapping_version");
    if (!have || *have != *want) return false;
  }
  return true;
}

core::Result<std::string> SearchIndex::CreateIndex() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  auto name = fmt::format("{}_{:%Y%m%d%H%M%S}_{:04x}", alias_, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()),
                          rng() & 0xffff);
  // The live index's synonym rules go over to the new one (staff may have changed them since the
  // index body was read: OpenSearchSynonyms); a first index takes the body's.
  std::string body = body_;
  auto live = os_.CallSync(Verb::get, "/" + alias_ + "/_settings", "");
  if (!live) return std::unexpected(live.error());
  if (live->status == 200 && live->body.is_object())
    for (const auto& [index, settings] : live->body.as_object())
      if (auto filter = SynonymFilterOf(settings)) {
        TRY(with, WithSynonyms(body_, RulesOf(*filter)));
        body = std::move(with);
        break;
      }
  auto answer = os_.CallSync(Verb::put, "/" + name, body);
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) return std::unexpected(OsError(*answer, "create index " + name));
  return name;
}

core::Result<std::vector<std::string>> SearchIndex::AliasTargets() {
  auto answer = os_.CallSync(Verb::get, "/_alias/" + alias_, "");
  if (!answer) return std::unexpected(answer.error());
  std::vector<std::string> out;
  if (answer->status == 404) return out;
  if (answer->status != 200 || !answer->body.is_object()) return std::unexpected(OsError(*answer, "read alias " + alias_));
  for (const auto& [index, _] : answer->body.as_object()) out.emplace_back(index);
  return out;
}

core::Status SearchIndex::SwapAlias(const std::string& new_index, const std::vector<std::string>& old_indexes) {
  json::array actions;
  for (const auto& old : old_indexes)
    actions.emplace_back(json::object{{"remove", json::object{{"index", old}, {"alias", alias_}}}});
  actions.emplace_back(json::object{{"add", json::object{{"index", new_index}, {"alias", alias_}, {"is_write_index", true}}}});
  auto answer = os_.CallSync(Verb::post, "/_aliases", json::serialize(json::object{{"actions", std::move(actions)}}));
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) return std::unexpected(OsError(*answer, "swap alias " + alias_));
  return {};
}

core::Status SearchIndex::DeleteIndex(const std::string& index) {
  auto answer = os_.CallSync(Verb::delete_, "/" + index, "");
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200 && answer->status != 404) return std::unexpected(OsError(*answer, "delete index " + index));
  return {};
}

core::Status SearchIndex::Refresh(const std::string& index_or_alias) {
  auto answer = os_.CallSync(Verb::post, "/" + index_or_alias + "/_refresh", "");
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) return std::unexpected(OsError(*answer, "refresh " + index_or_alias));
  return {};
}

core::Result<BulkOutcome> SearchIndex::Apply(const std::string& target, std::span<const IndexOp> ops, bool require_alias) {
  if (ops.empty()) return BulkOutcome{};
  std::string body;
  for (const auto& op : ops) body += BulkLines(target, op);
  auto answer = os_.CallSync(Verb::post, require_alias ? "/_bulk?require_alias=true" : "/_bulk", std::move(body));
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    auto error = OsError(*answer, "bulk write");
    if (answer->status == 404) error.code = core::Errc::unavailable;  // the alias is missing: wait for it
    return std::unexpected(std::move(error));
  }
  auto outcome = ParseBulkResponse(answer->body);
  if (!outcome) return outcome;
  if (outcome->transient > 0) return std::unexpected(core::Error::Unavailable("bulk write: " + outcome->first_error));
  return outcome;
}

}  // namespace store::search
