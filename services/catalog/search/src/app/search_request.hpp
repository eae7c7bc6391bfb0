// The search API's inputs, parsed and validated: the query string of GET /v1/search and
// GET /v1/suggest becomes a SearchRequest / SuggestRequest, or an invalid_argument Error with one
// FieldError per bad parameter (-> 400 problem+json). Pure: no I/O, no JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"

namespace store::search {

enum class Sort { relevance, price_asc, price_desc, newest };
std::string_view NameOf(Sort sort);

// A fixed price bucket over price_min (minor units): [from, to); `to` absent = no upper bound.
struct PriceBucket {
  std::string key;  // "2500-5000", "100000-"
  std::int64_t from = 0;
  std::optional<std::int64_t> to;
};
const std::vector<PriceBucket>& PriceBuckets();

struct Limits {
  std::size_t max_query_length = 200;   // characters of q
  int max_page_size = 50;
  int default_page_size = 20;
  int max_result_window = 10'000;       // page * size may not go past it (OpenSearch's window)
  std::size_t max_filter_values = 20;   // values per multi-value filter
  std::size_t max_spec_filters = 10;
  int max_suggestions = 10;
};

struct SearchRequest {
  std::string q;                                   // trimmed; empty = browse everything
  std::optional<std::int64_t> category;            // category id; matches its descendants too
  std::vector<std::string> brands;                 // brand slugs, OR
  std::vector<std::string> price_buckets;          // PriceBucket keys, OR
  std::optional<std::int64_t> min_price, max_price;  // minor units, on price_min
  std::optional<bool> in_stock;
  std::map<std::string, std::vector<std::string>> specs;  // spec key -> values (OR within a key)
  // One model line's products, each its own result (a product page's swatches). Without it the
  // results are collapsed: one per model line, with its other products beside it.
  std::optional<std::string> line;
  Sort sort = Sort::relevance;
  int page = 1;
  int size = 20;
};

struct SuggestRequest {
  std::string q;
  int size = 8;
};

// The staff's top queries: all, or those that found nothing (found=any|nothing), and how many.
struct TopQueriesRequest {
  bool found_nothing = false;
  int limit = 50;
};

// The decoded query string, in order (a name may repeat).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits a request target's query ("/v1/search?q=a%20b&brand=x") into decoded pairs; '+' is a
// space. invalid_argument for a malformed percent escape or text that is not valid UTF-8.
core::Result<QueryParams> ParseQueryString(std::string_view target);

core::Result<SearchRequest> ParseSearchRequest(const QueryParams& params, const Limits& limits = {});
core::Result<SuggestRequest> ParseSuggestRequest(const QueryParams& params, const Limits& limits = {});
core::Result<TopQueriesRequest> ParseTopQueriesRequest(const QueryParams& params);

// The form a query is counted under when it found nothing: lowercased ASCII, inner whitespace
// collapsed to one space, trimmed.
std::string NormalizeQuery(std::string_view q);

// The rules of a synonyms text (config/synonyms.txt, or staff's): one a line, trimmed, blank lines
// and # comments left out.
std::vector<std::string> SynonymRules(const std::string& text);

}  // namespace store::search
