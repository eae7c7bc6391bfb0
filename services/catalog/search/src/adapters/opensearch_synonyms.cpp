#include "adapters/opensearch_synonyms.hpp"

#include "adapters/opensearch_json.hpp"

namespace store::search {
namespace json = boost::json;
using core::Error;
using http::Verb;

namespace {

// One OpenSearch call that must answer 200.
boost::asio::awaitable<core::Result<OsAnswer>> Ok(OpenSearchClient& os, Verb verb, std::string path, std::string body,
                                                  std::string_view what) {
  auto call = os.Call(verb, std::move(path), std::move(body));
  auto answer = co_await std::move(call);
  if (!answer) co_return std::unexpected(answer.error());
  if (answer->status != 200) co_return std::unexpected(OsError(*answer, what));
  co_return answer;
}

// OpenSearch's reason for refusing a request (its error's reason, else the text).
std::string ReasonOf(const OsAnswer& a) {
  if (const auto* o = a.body.if_object())
    if (const auto* e = o->if_contains("error"); e && e->is_object())
      if (const auto* r = e->as_object().if_contains("reason"); r && r->is_string()) return std::string(r->as_string());
  return a.text.substr(0, 300);
}

}  // namespace

boost::asio::awaitable<core::Result<std::vector<std::string>>> OpenSearchSynonyms::Get() {
  CO_TRY(answer, co_await Ok(os_, Verb::get, "/" + alias_ + "/_settings", "", "read the synonyms of " + alias_));
  if (const auto* indexes = answer.body.if_object())
    for (const auto& [index, settings] : *indexes)
      if (auto filter = SynonymFilterOf(settings)) co_return RulesOf(*filter);
  co_return std::unexpected(Error::Internal("the index has no product_synonyms filter"));
}

boost::asio::awaitable<core::Status> OpenSearchSynonyms::Set(std::vector<std::string> rules) {
  json::array list;
  for (const auto& r : rules) list.emplace_back(r);
  // Checked by the engine itself, with the filters the search analyzer runs before it.
  json::object check{{"tokenizer", "standard"},
                     {"filter", json::array{"lowercase", "asciifolding", json::object{{"type", "synonym_graph"}, {"synonyms", list}}}},
                     {"text", "check"}};
  auto analyze = os_.Call(Verb::post, "/_analyze", json::serialize(check));
  auto checked = co_await std::move(analyze);
  if (!checked) co_return std::unexpected(checked.error());
  if (checked->status == 400) co_return std::unexpected(Error::Invalid("the search engine refuses these rules", {{"text", ReasonOf(*checked)}}));
  if (checked->status != 200) co_return std::unexpected(OsError(*checked, "check the synonyms"));

  CO_TRY(settings, co_await Ok(os_, Verb::get, "/" + alias_ + "/_settings", "", "read the settings of " + alias_));
  if (!settings.body.is_object()) co_return std::unexpected(Error::Internal("the index settings are not an object"));
  for (const auto& [index, entry] : settings.body.as_object()) {
    auto filter = SynonymFilterOf(entry);
    if (!filter) co_return std::unexpected(Error::Internal("index " + std::string(index) + " has no product_synonyms filter"));
    (*filter)["synonyms"] = list;
    json::object change{{"index", json::object{{"analysis", json::object{{"filter", json::object{{"product_synonyms", *filter}}}}}}}};
    const std::string at = "/" + std::string(index);
    CO_TRY_STATUS(co_await Ok(os_, Verb::post, at + "/_close", "", "close " + std::string(index)));
    auto put = os_.Call(Verb::put, at + "/_settings", json::serialize(change));
    auto changed = co_await std::move(put);
    // Opened again whatever happened: a closed index answers no search.
    CO_TRY_STATUS(co_await Ok(os_, Verb::post, at + "/_open", "", "open " + std::string(index)));
    if (!changed) co_return std::unexpected(changed.error());
    if (changed->status != 200) co_return std::unexpected(OsError(*changed, "change the synonyms of " + std::string(index)));
    CO_TRY_STATUS(co_await Ok(os_, Verb::get, "/_cluster/health" + at + "?wait_for_status=yellow&timeout=30s", "",
                              "wait for " + std::string(index)));
  }
  co_return core::Status{};
}

}  // namespace store::search
