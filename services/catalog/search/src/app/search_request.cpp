#include "app/search_request.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <set>
#include <sstream>

#include "store/core/text.hpp"

namespace store::search {
namespace {

using core::Error;
using core::FieldError;

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

std::string Trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty() || s.size() > 18) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    auto part = Trim(s.substr(start, end - start));
    if (!part.empty()) out.push_back(std::move(part));
    start = end + 1;
  }
  return out;
}

bool IsSlug(std::string_view s) {
  if (s.empty() || s.size() > 120) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool IsSpecKey(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

core::Result<std::string> Decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return std::unexpected(Error::Invalid("malformed percent escape in the query string"));
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  if (!core::IsValidUtf8(out)) return std::unexpected(Error::Invalid("the query string is not valid UTF-8"));
  return out;
}

// Collects the one value of a single-valued parameter; a repeat is a field error.
struct Single {
  std::map<std::string, std::string> values;
  std::vector<FieldError>* errors;
  void Put(const std::string& name, const std::string& value) {
    if (!values.emplace(name, value).second) errors->push_back({name, "given more than once"});
  }
  const std::string* Get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
};

std::optional<std::int64_t> NonNegative(const Single& single, const std::string& name, std::vector<FieldError>& errors,
                                        std::int64_t min = 0, std::int64_t max = INT64_MAX / 4) {
  const auto* v = single.Get(name);
  if (!v) return std::nullopt;
  auto n = ParseInt(*v);
  if (!n || *n < min || *n > max) {
    errors.push_back({name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max)});
    return std::nullopt;
  }
  return n;
}

}  // namespace

std::string_view NameOf(Sort sort) {
  switch (sort) {
    case Sort::relevance: return "relevance";
    case Sort::price_asc: return "price_asc";
    case Sort::price_desc: return "price_desc";
    case Sort::newest: return "newest";
  }
  return "relevance";
}

const std::vector<PriceBucket>& PriceBuckets() {
  static const std::vector<PriceBucket> buckets = {
      {"0-2500", 0, 2500},           {"2500-5000", 2500, 5000},        {"5000-10000", 5000, 10000},
      {"10000-25000", 10000, 25000}, {"25000-50000", 25000, 50000},    {"50000-100000", 50000, 100000},
      {"100000-", 100000, std::nullopt},
  };
  return buckets;
}

core::Result<QueryParams> ParseQueryString(std::string_view target) {
  QueryParams out;
  auto qpos = target.find('?');
  if (qpos == std::string_view::npos) return out;
  auto query = target.substr(qpos + 1);
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    auto pair = query.substr(start, end - start);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto raw_name = pair.substr(0, eq);
      auto raw_value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      auto name = Decode(raw_name);
      if (!name) return std::unexpected(name.error());
      auto value = Decode(raw_value);
      if (!value) return std::unexpected(value.error());
      out.emplace_back(std::move(*name), std::move(*value));
    }
    start = end + 1;
  }
  return out;
}

core::Result<SearchRequest> ParseSearchRequest(const QueryParams& params, const Limits& limits) {
  std::vector<FieldError> errors;
  SearchRequest req;
  req.size = limits.default_page_size;
  Single single{.values = {}, .errors = &errors};
  static const std::set<std::string> kSingle = {"q", "category", "min_price", "max_price", "in_stock", "sort", "page", "size", "line"};
  std::set<std::string> brands, prices;
  for (const auto& [name, value] : params) {
    if (kSingle.contains(name)) {
      single.Put(name, value);
    } else if (name == "brand") {
      for (auto& b : SplitCommas(value)) {
        if (!IsSlug(b)) errors.push_back({"brand", fmt::format("'{}' is not a brand slug ([a-z0-9-], up to 120)", core::TruncateUtf8(b, 40))});
        else brands.insert(b);
      }
    } else if (name == "price") {
      for (auto& p : SplitCommas(value)) {
        bool known = std::any_of(PriceBuckets().begin(), PriceBuckets().end(), [&](const auto& b) { return b.key == p; });
        if (!known) errors.push_back({"price", fmt::format("'{}' is not a price bucket (see facets.price[].key)", core::TruncateUtf8(p, 40))});
        else prices.insert(p);
      }
    } else if (name.starts_with("spec.")) {
      auto key = name.substr(5);
      if (!IsSpecKey(key)) {
        errors.push_back({core::TruncateUtf8(name, 80), "spec keys are [a-z0-9_], up to 64"});
        continue;
      }
      auto& values = req.specs[key];
      for (auto& v : SplitCommas(value)) {
        if (CodePoints(v) > 100 || HasControl(v)) errors.push_back({name, "values are up to 100 printable characters"});
        else if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
      }
      if (values.empty()) errors.push_back({name, "needs at least one value"});
      if (values.size() > limits.max_filter_values) errors.push_back({name, "too many values"});
    } else {
      errors.push_back({core::TruncateUtf8(name, 80), "unknown parameter"});
    }
  }
  if (req.specs.size() > limits.max_spec_filters) errors.push_back({"spec", "too many spec filters"});
  if (brands.size() > limits.max_filter_values) errors.push_back({"brand", "too many values"});
  req.brands.assign(brands.begin(), brands.end());
  req.price_buckets.assign(prices.begin(), prices.end());

  if (const auto* q = single.Get("q")) {
    req.q = Trim(*q);
    if (CodePoints(req.q) > limits.max_query_length)
      errors.push_back({"q", "is longer than " + std::to_string(limits.max_query_length) + " characters"});
    else if (HasControl(req.q))
      errors.push_back({"q", "contains control characters"});
  }
  req.category = NonNegative(single, "category", errors, 1);
  req.min_price = NonNegative(single, "min_price", errors);
  req.max_price = NonNegative(single, "max_price", errors);
  if (req.min_price && req.max_price && *req.min_price > *req.max_price)
    errors.push_back({"min_price", "is greater than max_price"});
  if (const auto* l = single.Get("line")) {
    if (!IsSlug(*l)) errors.push_back({"line", "is a model line ([a-z0-9-], up to 120)"});
    else req.line = *l;
  }
  if (const auto* s = single.Get("in_stock")) {
    if (*s == "true" || *s == "1") req.in_stock = true;
    else if (*s == "false" || *s == "0") req.in_stock = false;
    else errors.push_back({"in_stock", "must be true or false"});
  }
  if (const auto* s = single.Get("sort")) {
    if (*s == "relevance") req.sort = Sort::relevance;
    else if (*s == "price_asc") req.sort = Sort::price_asc;
    else if (*s == "price_desc") req.sort = Sort::price_desc;
    else if (*s == "newest") req.sort = Sort::newest;
    else errors.push_back({"sort", "must be one of relevance, price_asc, price_desc, newest"});
  }
  if (auto page = NonNegative(single, "page", errors, 1, limits.max_result_window)) req.page = static_cast<int>(*page);
  if (auto size = NonNegative(single, "size", errors, 1, limits.max_page_size)) req.size = static_cast<int>(*size);
  if (static_cast<std::int64_t>(req.page) * req.size > limits.max_result_window)
    errors.push_back({"page", "page * size may not exceed " + std::to_string(limits.max_result_window)});
  if (!errors.empty()) return std::unexpected(Error::Invalid("invalid search parameters", std::move(errors)));
  return req;
}

core::Result<SuggestRequest> ParseSuggestRequest(const QueryParams& params, const Limits& limits) {
  std::vector<FieldError> errors;
  SuggestRequest req;
  Single single{.values = {}, .errors = &errors};
  for (const auto& [name, value] : params) {
    if (name == "q" || name == "size") single.Put(name, value);
    else errors.push_back({core::TruncateUtf8(name, 80), "unknown parameter"});
  }
  const auto* q = single.Get("q");
  if (!q || Trim(*q).empty()) {
    errors.push_back({"q", "is required"});
  } else {
    req.q = Trim(*q);
    if (CodePoints(req.q) > 100) errors.push_back({"q", "is longer than 100 characters"});
    else if (HasControl(req.q)) errors.push_back({"q", "contains control characters"});
  }
  if (auto size = NonNegative(single, "size", errors, 1, limits.max_suggestions)) req.size = static_cast<int>(*size);
  if (!errors.empty()) return std::unexpected(Error::Invalid("invalid suggest parameters", std::move(errors)));
  return req;
}

core::Result<TopQueriesRequest> ParseTopQueriesRequest(const QueryParams& params) {
  std::vector<FieldError> errors;
  TopQueriesRequest req;
  Single single{.values = {}, .errors = &errors};
  for (const auto& [name, value] : params) {
    if (name == "found" || name == "limit") single.Put(name, value);
    else errors.push_back({core::TruncateUtf8(name, 80), "unknown parameter"});
  }
  if (const auto* found = single.Get("found")) {
    if (*found == "nothing") req.found_nothing = true;
    else if (*found != "any") errors.push_back({"found", "any or nothing"});
  }
  if (auto limit = NonNegative(single, "limit", errors, 1, 500)) req.limit = static_cast<int>(*limit);
  if (!errors.empty()) return std::unexpected(Error::Invalid("invalid query", std::move(errors)));
  return req;
}

std::string NormalizeQuery(std::string_view q) {
  std::string out;
  bool space = false;
  for (char c : q) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::vector<std::string> SynonymRules(const std::string& text) {
  std::vector<std::string> rules;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    auto e = line.find_last_not_of(" \t\r");
    rules.push_back(line.substr(b, e - b + 1));
  }
  return rules;
}

}  // namespace store::search
