// Everything the search service says to OpenSearch and reads back, as JSON: the index body
// (mapping + settings + synonyms), documents from product events, bulk lines, the search /
// suggest / did-you-mean requests and the parsing of their answers. Pure functions (no I/O), so
// they are unit-testable; the HTTP calls are in opensearch_client.hpp.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.hpp"  // IndexOp, BulkOutcome
#include "app/search_request.hpp"
#include "store/core/result.hpp"

namespace store::search {

// The index body: `mapping_json` (config/index.json) with the synonym rules of `synonyms_text`
// (Solr format, one rule a line, # comments) put into the product_synonyms filter.
core::Result<std::string> IndexBody(const std::string& mapping_json, const std::string& synonyms_text);
// `body_json` with `rules` in its product_synonyms filter.
core::Result<std::string> WithSynonyms(const std::string& body_json, const std::vector<std::string>& rules);
// The product_synonyms filter in one index's entry of a GET /<index>/_settings answer, and its rules.
std::optional<boost::json::object> SynonymFilterOf(const boost::json::value& index_settings);
std::vector<std::string> RulesOf(const boost::json::object& filter);

// product.upserted.v1 (status active -> upsert, else remove) or product.archived.v1 (remove).
// invalid_argument for data that breaks the contract (the consumer dead-letters it); nullopt for
// an event type search does not index (stock.changed.v1 ...).
core::Result<std::optional<IndexOp>> OpFromEvent(const std::string& type, const boost::json::value& data);

// Two NDJSON lines of a _bulk body, with OpenSearch external versioning: an op whose version is
// not higher than the indexed one is refused (409) and counts as done.
std::string BulkLines(const std::string& index, const IndexOp& op);

core::Result<BulkOutcome> ParseBulkResponse(const boost::json::value& response);

boost::json::object BuildSearch(const SearchRequest& req);
// The API answer from OpenSearch's answer to BuildSearch(req).
core::Result<boost::json::object> ParseSearch(const boost::json::value& response, const SearchRequest& req);
// The swatches of a collapsed answer (ParseSearch's): its items' model lines, in order, once each.
std::vector<std::string> LinesOf(const boost::json::object& result);
// One request for those lines' products (a terms aggregation on the lines with each line's cheapest
// products as top hits), not OpenSearch's inner_hits (one more search per result: 88 ms instead of
// 30 for 24 results on the demo catalog). `lines` not empty.
boost::json::object BuildLines(const std::vector<std::string>& lines);
// Its answer: line -> {total, products} for each line with more than one product (a line of one
// has no swatches and is absent).
std::map<std::string, boost::json::object, std::less<>> ParseLines(const boost::json::value& response);
// Adds `line` to each item whose line is in `lines`.
void ApplyLines(boost::json::object& result, const std::map<std::string, boost::json::object, std::less<>>& lines);

// A phrase suggester whose candidates are checked (collate) to find results.
boost::json::object BuildDidYouMean(const std::string& q);
std::optional<std::string> ParseDidYouMean(const boost::json::value& response);

boost::json::object BuildSuggest(const SuggestRequest& req);
core::Result<boost::json::object> ParseSuggest(const boost::json::value& response, const SuggestRequest& req);

}  // namespace store::search
