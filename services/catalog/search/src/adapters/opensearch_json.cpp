#include "adapters/opensearch_json.hpp"
#include "store/core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <cctype>
#include <sstream>

namespace store::search {
namespace json = boost::json;
using core::Error;

namespace {

constexpr char kSep = '\x1f';
constexpr int kLineShown = 8;  // a collapsed result's products shown beside it (its swatches)  // separates the parts of a facet key ("id<US>slug<US>name")

std::vector<std::string> SplitSep(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto end = s.find(kSep, start);
    out.emplace_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

const json::value* Field(const json::object& o, std::string_view key) { return o.if_contains(key); }

core::Result<std::string> RequireString(const json::object& o, std::string_view key, std::vector<core::FieldError>& errs) {
  const auto* v = Field(o, key);
  if (!v || !v->is_string()) {
    errs.push_back({std::string(key), "missing or not a string"});
    return std::string();
  }
  return std::string(v->as_string());
}

std::optional<std::int64_t> AsInt(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

std::string Slugify(std::string_view name) {
  std::string out;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out.push_back(static_cast<char>(std::tolower(u)));
    else if (!out.empty() && out.back() != '-') out.push_back('-');
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string SpecValueText(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "yes" : "no";
  if (v.is_int64()) return fmt::format("{}", v.as_int64());
  if (v.is_uint64()) return fmt::format("{}", v.as_uint64());
  if (v.is_double()) return fmt::format("{}", v.as_double());
  return {};
}

json::object Term(std::string_view field, json::value value) {
  return {{"term", json::object{{field, std::move(value)}}}};
}

json::object Terms(std::string_view field, json::array values) {
  return {{"terms", json::object{{field, std::move(values)}}}};
}

json::object BoolFilter(json::array filters) {
  return {{"bool", json::object{{"filter", std::move(filters)}}}};
}

// The filters of a request by facet name: "category", "brand", "price", "in_stock", "spec:<key>".
std::vector<std::pair<std::string, json::object>> Filters(const SearchRequest& req) {
  std::vector<std::pair<std::string, json::object>> out;
  if (req.category) out.emplace_back("category", Term("category_ids", *req.category));
  if (!req.brands.empty()) {
    json::array slugs;
    for (const auto& b : req.brands) slugs.emplace_back(b);
    out.emplace_back("brand", Terms("brand.slug", std::move(slugs)));
  }
  json::array price;
  for (const auto& key : req.price_buckets)
    for (const auto& b : PriceBuckets())
      if (b.key == key) {
        json::object range{{"gte", b.from}};
        if (b.to) range["lt"] = *b.to;
        price.emplace_back(json::object{{"range", json::object{{"price_min", range}}}});
      }
  if (req.min_price || req.max_price) {
    json::object range;
    if (req.min_price) range["gte"] = *req.min_price;
    if (req.max_price) range["lte"] = *req.max_price;
    json::array both;
    both.emplace_back(json::object{{"range", json::object{{"price_min", range}}}});
    if (!price.empty()) both.emplace_back(json::object{{"bool", json::object{{"should", price}, {"minimum_should_match", 1}}}});
    out.emplace_back("price", BoolFilter(std::move(both)));
  } else if (!price.empty()) {
    out.emplace_back("price", json::object{{"bool", json::object{{"should", price}, {"minimum_should_match", 1}}}});
  }
  if (req.in_stock) out.emplace_back("in_stock", Term("in_stock", *req.in_stock));
  if (req.line) out.emplace_back("line", Term("model_line", json::value(*req.line)));
  for (const auto& [key, values] : req.specs) {
    json::array vs;
    for (const auto& v : values) vs.emplace_back(v);
    json::array must;
    must.emplace_back(Term("specs.key", json::value(key)));
    must.emplace_back(Terms("specs.value", std::move(vs)));
    out.emplace_back("spec:" + key,
                     json::object{{"nested", json::object{{"path", "specs"}, {"query", BoolFilter(std::move(must))}}}});
  }
  return out;
}

json::object AllFiltersExcept(const std::vector<std::pair<std::string, json::object>>& filters, std::string_view except) {
  json::array fs;
  for (const auto& [name, f] : filters)
    if (name != except) fs.emplace_back(f);
  if (fs.empty()) return {{"match_all", json::object{}}};
  return BoolFilter(std::move(fs));
}

json::object TextQuery(const std::string& q) {
  if (q.empty()) return {{"match_all", json::object{}}};
  // Every word must match somewhere (title, brand, category names, description, text specs: the
  // copy_to field search_text), with typo tolerance; the should clauses rank: title and brand
  // weigh 3, category names 2, description 1, summed over the fields that match (most_fields:
  // a laptop whose title AND category say "laptop" beats a laptop bag whose title does), and
  // the exact phrase in the title adds more.
  json::array must;
  must.emplace_back(json::object{
      {"match", json::object{{"search_text", json::object{{"query", q}, {"operator", "and"}, {"fuzziness", "AUTO"},
                                                           {"prefix_length", 1}, {"max_expansions", 20}}}}}});
  json::array should;
  should.emplace_back(json::object{
      {"multi_match", json::object{{"query", q},
                                   {"type", "most_fields"},
                                   {"fields", json::array{"title^3", "brand.name^3", "category_names^2", "description^1"}},
                                   {"fuzziness", "AUTO"},
                                   {"prefix_length", 1},
                                   {"max_expansions", 20}}}});
  should.emplace_back(json::object{{"match_phrase", json::object{{"title", json::object{{"query", q}, {"boost", 2}}}}}});
  return {{"bool", json::object{{"must", std::move(must)}, {"should", std::move(should)}}}};
}

json::array SortClause(const SearchRequest& req) {
  json::array sort;
  auto by = [&](std::string_view field, std::string_view order) {
    sort.emplace_back(json::object{{field, json::object{{"order", order}}}});
  };
  switch (req.sort) {
    case Sort::relevance:
      if (!req.q.empty()) by("_score", "desc");
      by("created_at", "desc");
      break;
    case Sort::price_asc: by("price_min", "asc"); break;
    case Sort::price_desc: by("price_min", "desc"); break;
    case Sort::newest: by("created_at", "desc"); break;
  }
  by("product_id", "asc");  // a total order: stable pages
  return sort;
}

json::object FilteredAgg(json::object filter, json::object inner_name_and_agg) {
  return {{"filter", std::move(filter)}, {"aggs", std::move(inner_name_and_agg)}};
}

// Distinct model lines: exact up to the threshold (OpenSearch's cardinality counts exactly below
// it, approximately above). The total gets the highest OpenSearch allows; each facet bucket a
// lower one, which keeps the aggregations' memory and time down (measured: 88 -> 59 ms for 24
// results with every facet on the demo catalog).
json::object LinesCardinality(int threshold = 3000) {
  return {{"cardinality", json::object{{"field", "group"}, {"precision_threshold", threshold}}}};
}

// A bucket agg that also counts its buckets' model lines when the results are collapsed (a facet's
// count is then the number of results it leaves, as the total is). `nested`: inside the specs.
json::object Lined(json::object bucket_agg, bool lines, bool nested = false) {
  if (!lines) return bucket_agg;
  json::object count = nested ? json::object{{"reverse_nested", json::object{}}, {"aggs", json::object{{"v", LinesCardinality()}}}}
                              : LinesCardinality();
  bucket_agg["aggs"] = json::object{{"lines", std::move(count)}};
  return bucket_agg;
}

json::object SpecValuesAgg(bool lines) {
  return Lined({{"terms", json::object{{"field", "specs.value"}, {"size", 30}, {"order", json::object{{"_key", "asc"}}}}}}, lines, true);
}

json::object SpecKeyAggs(bool lines) {
  return {{"name", json::object{{"terms", json::object{{"field", "specs.name"}, {"size", 1}}}}},
          {"unit", json::object{{"terms", json::object{{"field", "specs.unit"}, {"size", 1}}}}},
          {"values", SpecValuesAgg(lines)}};
}

const json::array& Buckets(const json::value& agg) {
  static const json::array empty;
  if (!agg.is_object()) return empty;
  const auto* b = agg.as_object().if_contains("buckets");
  return b && b->is_array() ? b->as_array() : empty;
}

const json::value& Sub(const json::value& v, std::string_view key) {
  static const json::value null;
  if (!v.is_object()) return null;
  const auto* s = v.as_object().if_contains(key);
  return s ? *s : null;
}

// A bucket's count: its model lines when the search was collapsed (Lined), else its documents.
std::int64_t Count(const json::value& bucket) {
  const auto& lines = Sub(bucket, "lines");
  if (auto n = AsInt(&Sub(lines, "value"))) return *n;
  if (auto n = AsInt(&Sub(Sub(lines, "v"), "value"))) return *n;
  return AsInt(&Sub(bucket, "doc_count")).value_or(0);
}

std::string FirstKey(const json::value& agg) {
  const auto& b = Buckets(agg);
  if (b.empty()) return {};
  const auto& k = Sub(b[0], "key");
  return k.is_string() ? std::string(k.as_string()) : std::string();
}

json::object SpecFacet(const std::string& key, const json::value& key_bucket) {
  json::array values;
  for (const auto& v : Buckets(Sub(key_bucket, "values"))) {
    const auto& k = Sub(v, "key");
    values.emplace_back(json::object{{"value", k.is_string() ? k.as_string() : json::string()}, {"count", Count(v)}});
  }
  json::object facet{{"key", key}, {"name", FirstKey(Sub(key_bucket, "name"))}, {"values", std::move(values)}};
  if (auto unit = FirstKey(Sub(key_bucket, "unit")); !unit.empty()) facet["unit"] = unit;
  return facet;
}

json::value HighlightOf(const json::value& hit, std::string_view field) {
  const auto& h = Sub(Sub(hit, "highlight"), field);
  if (!h.is_array() || h.as_array().empty()) return nullptr;
  return h.as_array()[0];
}

}  // namespace

core::Result<std::string> WithSynonyms(const std::string& body_json, const std::vector<std::string>& rules) {
  boost::system::error_code ec;
  auto body = json::parse(body_json, ec);
  if (ec || !body.is_object()) return std::unexpected(Error::Internal("index mapping is not a JSON object"));
  auto* filter = body.as_object()["settings"].as_object()["analysis"].as_object()["filter"].as_object().if_contains(
      "product_synonyms");
  if (!filter || !filter->is_object()) return std::unexpected(Error::Internal("index mapping has no product_synonyms filter"));
  json::array list;
  for (const auto& r : rules) list.emplace_back(r);
  filter->as_object()["synonyms"] = std::move(list);
  return json::serialize(body);
}

core::Result<std::string> IndexBody(const std::string& mapping_json, const std::string& synonyms_text) {
  return WithSynonyms(mapping_json, SynonymRules(synonyms_text));
}

std::optional<json::object> SynonymFilterOf(const json::value& index_settings) {
  const json::value* v = &index_settings;
  for (const char* key : {"settings", "index", "analysis", "filter", "product_synonyms"}) {
    const json::object* o = v->if_object();
    v = o ? o->if_contains(key) : nullptr;
    if (!v) return std::nullopt;
  }
  if (!v->is_object()) return std::nullopt;
  return v->as_object();
}

std::vector<std::string> RulesOf(const json::object& filter) {
  std::vector<std::string> rules;
  if (const auto* list = filter.if_contains("synonyms"); list && list->is_array())
    for (const auto& r : list->as_array())
      if (r.is_string()) rules.emplace_back(r.as_string());
  return rules;
}

core::Result<std::optional<IndexOp>> OpFromEvent(const std::string& type, const json::value& data) {
  if (type != "product.upserted.v1" && type != "product.archived.v1") return std::optional<IndexOp>();
  if (!data.is_object()) return std::unexpected(Error::Invalid("event data is not an object"));
  const auto& d = data.as_object();
  std::vector<core::FieldError> errs;
  IndexOp op;
  op.product_id = *RequireString(d, "product_id", errs);
  if (op.product_id.empty() && errs.empty()) errs.push_back({"product_id", "empty"});
  auto version = AsInt(Field(d, "version"));
  if (!version || *version < 1) errs.push_back({"version", "missing or not a positive integer"});
  else op.version = *version;
  // Not searchable any more: a stub {product_id, status, version} replaces the document. It is
  // never found (every query filters status: active) and, unlike a delete, it keeps the version
  // forever, so an older upsert replayed later can never bring the product back.
  auto stub = [&](std::string status) {
    op.kind = IndexOp::Kind::remove;
    op.doc = json::object{{"product_id", op.product_id}, {"status", std::move(status)}, {"version", op.version}};
    return std::optional<IndexOp>(std::move(op));
  };
  if (type == "product.archived.v1") {
    if (!errs.empty()) return std::unexpected(Error::Invalid("bad product.archived.v1 data", std::move(errs)));
    return stub("archived");
  }
  auto status = *RequireString(d, "status", errs);
  if (!errs.empty()) return std::unexpected(Error::Invalid("bad product.upserted.v1 data", std::move(errs)));
  if (status != "active") return stub(status);

  json::object doc;
  doc["product_id"] = op.product_id;
  doc["slug"] = *RequireString(d, "slug", errs);
  doc["title"] = *RequireString(d, "title", errs);
  const auto* desc = Field(d, "description");
  doc["description"] = desc && desc->is_string() ? desc->as_string() : json::string();
  if (const auto* pt = Field(d, "product_type"); pt && pt->is_string()) doc["product_type"] = pt->as_string();
  if (const auto* brand = Field(d, "brand"); brand && brand->is_object()) {
    const auto& b = brand->as_object();
    const auto* name = b.if_contains("name");
    if (name && name->is_string()) {
      std::string n(name->as_string());
      const auto* slug = b.if_contains("slug");
      std::string s = slug && slug->is_string() ? std::string(slug->as_string()) : Slugify(n);
      json::object bo{{"slug", s}, {"name", n}};
      if (auto id = AsInt(b.if_contains("id"))) bo["id"] = *id;
      doc["brand"] = std::move(bo);
      doc["brand_facet"] = s + kSep + n;
    }
  }
  const auto* cat = Field(d, "category");
  if (!cat || !cat->is_object()) {
    errs.push_back({"category", "missing or not an object"});
  } else {
    const auto& c = cat->as_object();
    json::object co;
    if (auto id = AsInt(c.if_contains("id"))) co["id"] = *id;
    else errs.push_back({"category.id", "missing"});
    if (const auto* s = c.if_contains("slug"); s && s->is_string()) co["slug"] = s->as_string();
    if (const auto* n = c.if_contains("name"); n && n->is_string()) co["name"] = n->as_string();
    doc["category"] = std::move(co);
    json::array names, facets;
    std::int64_t parent = 0;
    int depth = 0;
    if (const auto* path = c.if_contains("path"); path && path->is_array()) {
      for (const auto& p : path->as_array()) {
        if (!p.is_object()) continue;
        auto id = AsInt(p.as_object().if_contains("id"));
        const auto* n = p.as_object().if_contains("name");
        const auto* s = p.as_object().if_contains("slug");
        if (!id || !n || !n->is_string()) {
          errs.push_back({"category.path", "entries need id and name"});
          break;
        }
        names.emplace_back(n->as_string());
        std::string slug = s && s->is_string() ? std::string(s->as_string()) : std::string();
        facets.emplace_back(fmt::format("{}{}{}{}{}{}{}{}{}", *id, kSep, parent, kSep, depth, kSep, slug, kSep,
                                        std::string_view(n->as_string())));
        parent = *id;
        ++depth;
      }
    }
    doc["category_names"] = std::move(names);
    doc["category_facet"] = std::move(facets);
  }
  json::array category_ids;
  if (const auto* ids = Field(d, "category_ids"); ids && ids->is_array())
    for (const auto& id : ids->as_array())
      if (auto n = AsInt(&id)) category_ids.emplace_back(*n);
  doc["category_ids"] = std::move(category_ids);

  json::array specs;
  std::string spec_text;
  if (const auto* ss = Field(d, "specs"); ss && ss->is_array()) {
    for (const auto& s : ss->as_array()) {
      if (!s.is_object()) continue;
      const auto& so = s.as_object();
      const auto* key = so.if_contains("key");
      const auto* value = so.if_contains("value");
      if (!key || !key->is_string() || !value) continue;
      json::object spec{{"key", key->as_string()}, {"value", SpecValueText(*value)}};
      const auto* name = so.if_contains("name");
      spec["name"] = name && name->is_string() ? name->as_string() : key->as_string();
      if (value->is_number()) spec["number"] = value->to_number<double>();
      if (const auto* unit = so.if_contains("unit"); unit && unit->is_string()) spec["unit"] = unit->as_string();
      if (value->is_string()) {
        if (!spec_text.empty()) spec_text += ' ';
        spec_text += value->as_string();
      }
      specs.emplace_back(std::move(spec));
    }
  }
  doc["specs"] = std::move(specs);
  doc["spec_text"] = spec_text;

  json::array skus;
  if (const auto* vs = Field(d, "variants"); vs && vs->is_array())
    for (const auto& v : vs->as_array())
      if (const auto* sku = v.is_object() ? v.as_object().if_contains("sku") : nullptr; sku && sku->is_string())
        skus.emplace_back(sku->as_string());
  doc["skus"] = std::move(skus);

  auto money = [&](std::string_view key, std::string_view field) {
    const auto* m = Field(d, key);
    if (!m || !m->is_object()) return;
    if (auto minor = AsInt(m->as_object().if_contains("minor"))) doc[field] = *minor;
    if (const auto* cur = m->as_object().if_contains("currency"); cur && cur->is_string()) doc["currency"] = cur->as_string();
  };
  money("price_min", "price_min");
  money("price_max", "price_max");
  const auto* in_stock = Field(d, "in_stock");
  doc["in_stock"] = in_stock && in_stock->is_bool() && in_stock->as_bool();
  // The collapse key: the model line, or the product alone ("p:" cannot be a line: lines are slugs).
  if (const auto* line = Field(d, "model_line"); line && line->is_string() && !line->as_string().empty()) {
    doc["model_line"] = line->as_string();
    doc["group"] = line->as_string();
  } else {
    doc["group"] = "p:" + op.product_id;
  }
  if (const auto* img = Field(d, "image_url"); img && img->is_string()) doc["image_url"] = img->as_string();
  doc["status"] = status;
  if (const auto* c = Field(d, "created_at"); c && c->is_string()) doc["created_at"] = c->as_string();
  if (const auto* u = Field(d, "updated_at"); u && u->is_string()) doc["updated_at"] = u->as_string();
  doc["version"] = op.version;
  if (!errs.empty()) return std::unexpected(Error::Invalid("bad product.upserted.v1 data", std::move(errs)));
  op.doc = std::move(doc);
  return std::optional<IndexOp>(std::move(op));
}

std::string BulkLines(const std::string& index, const IndexOp& op) {
  json::object meta{{"_index", index}, {"_id", op.product_id}, {"version", op.version}, {"version_type", "external"}};
  return json::serialize(json::object{{"index", std::move(meta)}}) + "\n" + json::serialize(op.doc) + "\n";
}

core::Result<BulkOutcome> ParseBulkResponse(const json::value& response) {
  const auto& items = Sub(response, "items");
  if (!items.is_array()) return std::unexpected(Error::Unavailable("bulk answer without items"));
  BulkOutcome out;
  for (const auto& item : items.as_array()) {
    if (!item.is_object() || item.as_object().empty()) continue;
    const auto& [action, result] = *item.as_object().begin();
    auto status = AsInt(&Sub(result, "status")).value_or(500);
    auto what = Sub(result, "result");
    if (status == 200 || status == 201) {
      out.applied++;
    } else if (status == 409) {
      out.stale++;
    } else if (status == 404 && action == "delete") {
      out.missing++;
    } else {
      if (out.first_error.empty()) out.first_error = core::TruncateUtf8(json::serialize(Sub(result, "error")), 500);
      // 404 on a write: the alias or index is missing (require_alias) -> wait for it.
      if (status == 429 || status >= 500 || status == 404) out.transient++;
      else out.rejected++;
    }
  }
  return out;
}

json::object BuildSearch(const SearchRequest& req) {
  auto filters = Filters(req);
  json::array all;
  for (const auto& [name, f] : filters) all.emplace_back(f);

  const bool lines = !req.line;  // collapsed on model lines (below)
  json::object aggs;
  aggs["f_category"] = FilteredAgg(AllFiltersExcept(filters, "category"),
                                   {{"v", Lined({{"terms", json::object{{"field", "category_facet"}, {"size", 200}}}}, lines)}});
  aggs["f_brand"] = FilteredAgg(AllFiltersExcept(filters, "brand"),
                                {{"v", Lined({{"terms", json::object{{"field", "brand_facet"}, {"size", 500}}}}, lines)}});
  json::array ranges;
  for (const auto& b : PriceBuckets()) {
    json::object r{{"key", b.key}, {"from", b.from}};
    if (b.to) r["to"] = *b.to;
    ranges.emplace_back(std::move(r));
  }
  aggs["f_price"] = FilteredAgg(AllFiltersExcept(filters, "price"),
                                {{"v", Lined({{"range", json::object{{"field", "price_min"}, {"ranges", ranges}}}}, lines)}});
  aggs["f_in_stock"] = FilteredAgg(AllFiltersExcept(filters, "in_stock"),
                                   {{"v", Lined({{"terms", json::object{{"field", "in_stock"}, {"size", 2}}}}, lines)}});
  // Specs: the keys nobody filtered on count under every filter; a key that is filtered on counts
  // under every filter but its own (its own agg below), so its other values stay selectable.
  aggs["f_specs"] = FilteredAgg(
      AllFiltersExcept(filters, ""),
      {{"n", json::object{{"nested", json::object{{"path", "specs"}}},
                          {"aggs", json::object{{"keys", json::object{{"terms", json::object{{"field", "specs.key"}, {"size", 30}}},
                                                                     {"aggs", SpecKeyAggs(lines)}}}}}}}});
  int i = 0;
  for (const auto& [key, values] : req.specs) {
    aggs[fmt::format("f_spec_{}", i++)] = FilteredAgg(
        AllFiltersExcept(filters, "spec:" + key),
        {{"n", json::object{{"nested", json::object{{"path", "specs"}}},
                            {"aggs", json::object{{"k", json::object{{"filter", Term("specs.key", json::value(key))},
                                                                     {"aggs", SpecKeyAggs(lines)}}}}}}}});
  }

  json::object body;
  json::object query_bool{{"must", json::array{TextQuery(req.q)}},
                          {"filter", json::array{Term("status", "active")}}};
  body["query"] = json::object{{"bool", std::move(query_bool)}};
  if (!all.empty()) body["post_filter"] = BoolFilter(std::move(all));
  body["aggs"] = std::move(aggs);
  body["sort"] = SortClause(req);
  body["from"] = (req.page - 1) * req.size;
  body["size"] = req.size;
  body["track_total_hits"] = true;
  body["_source"] = json::array{"product_id", "slug", "title", "brand", "category", "price_min", "price_max",
                                "currency", "in_stock", "image_url", "created_at", "model_line"};
  if (lines) {
    // One result per model line (the best of its products under the sort); the total counts
    // lines. The line's products for the swatches come from BuildLines.
    body["collapse"] = json::object{{"field", "group"}};
    body["aggs"].as_object()["lines"] = FilteredAgg(AllFiltersExcept(filters, ""), {{"v", LinesCardinality(40000)}});
  }
  if (!req.q.empty()) {
    body["highlight"] = json::object{
        {"pre_tags", json::array{"<em>"}},
        {"post_tags", json::array{"</em>"}},
        {"encoder", "html"},
        {"require_field_match", false},
        {"fields", json::object{{"title", json::object{{"number_of_fragments", 0}}},
                                {"description", json::object{{"fragment_size", 160}, {"number_of_fragments", 1}}}}}};
  }
  return body;
}

core::Result<json::object> ParseSearch(const json::value& response, const SearchRequest& req) {
  const auto& hits = Sub(response, "hits");
  if (!hits.is_object()) return std::unexpected(Error::Unavailable("search answer without hits"));
  auto total = AsInt(&Sub(Sub(hits, "total"), "value")).value_or(0);
  // Collapsed: the total counts model lines (a product of its own is a line of one).
  if (auto lines = AsInt(&Sub(Sub(Sub(Sub(response, "aggregations"), "lines"), "v"), "value")); lines && !req.line)
    total = *lines;
  json::array items;
  for (const auto& hit : Sub(hits, "hits").is_array() ? Sub(hits, "hits").as_array() : json::array{}) {
    const auto& src = Sub(hit, "_source");
    if (!src.is_object()) continue;
    json::object item;
    for (const auto& [k, v] : src.as_object()) {
      if (k == "price_min" || k == "price_max" || k == "currency") continue;
      item[k] = v;
    }
    auto currency = Sub(src, "currency");
    for (std::string_view p : {"price_min", "price_max"})
      if (auto minor = AsInt(&Sub(src, p)); minor && currency.is_string())
        item[p] = json::object{{"minor", *minor}, {"currency", currency}};
    const auto& score = Sub(hit, "_score");
    if (score.is_number()) item["score"] = score;
    json::object hl;
    if (auto t = HighlightOf(hit, "title"); !t.is_null()) hl["title"] = t;
    if (auto d = HighlightOf(hit, "description"); !d.is_null()) hl["description"] = d;
    if (!hl.empty()) item["highlight"] = std::move(hl);
    items.emplace_back(std::move(item));
  }

  const auto& aggs = Sub(response, "aggregations");
  json::object facets;
  {
    json::array cats;
    for (const auto& b : Buckets(Sub(Sub(aggs, "f_category"), "v"))) {
      auto parts = SplitSep(Sub(b, "key").is_string() ? std::string_view(Sub(b, "key").as_string()) : "");
      if (parts.size() < 5) continue;
      json::object c{{"id", std::stoll(parts[0])}, {"slug", parts[3]}, {"name", parts[4]}, {"depth", std::stoi(parts[2])},
                     {"count", Count(b)}};
      c["parent_id"] = parts[1] == "0" ? json::value(nullptr) : json::value(std::stoll(parts[1]));
      cats.emplace_back(std::move(c));
    }
    std::stable_sort(cats.begin(), cats.end(), [](const json::value& a, const json::value& b) {
      return a.at("depth").as_int64() < b.at("depth").as_int64();
    });
    facets["category"] = std::move(cats);
  }
  {
    json::array brands;
    for (const auto& b : Buckets(Sub(Sub(aggs, "f_brand"), "v"))) {
      auto parts = SplitSep(Sub(b, "key").is_string() ? std::string_view(Sub(b, "key").as_string()) : "");
      if (parts.size() < 2) continue;
      bool selected = std::find(req.brands.begin(), req.brands.end(), parts[0]) != req.brands.end();
      brands.emplace_back(json::object{{"slug", parts[0]}, {"name", parts[1]}, {"count", Count(b)}, {"selected", selected}});
    }
    facets["brand"] = std::move(brands);
  }
  {
    json::array prices;
    for (const auto& b : Buckets(Sub(Sub(aggs, "f_price"), "v"))) {
      std::string key = Sub(b, "key").is_string() ? std::string(Sub(b, "key").as_string()) : "";
      json::object p{{"key", key}, {"count", Count(b)}};
      if (auto from = AsInt(&Sub(b, "from")); from) p["from"] = *from;
      else if (Sub(b, "from").is_double()) p["from"] = static_cast<std::int64_t>(Sub(b, "from").as_double());
      if (Sub(b, "to").is_number()) p["to"] = static_cast<std::int64_t>(Sub(b, "to").to_number<double>());
      p["selected"] = std::find(req.price_buckets.begin(), req.price_buckets.end(), key) != req.price_buckets.end();
      prices.emplace_back(std::move(p));
    }
    facets["price"] = std::move(prices);
  }
  {
    std::int64_t yes = 0, no = 0;
    for (const auto& b : Buckets(Sub(Sub(aggs, "f_in_stock"), "v"))) {
      auto k = AsInt(&Sub(b, "key")).value_or(0);
      (k == 1 ? yes : no) += Count(b);
    }
    facets["in_stock"] = json::array{json::object{{"value", true}, {"count", yes}}, json::object{{"value", false}, {"count", no}}};
  }
  {
    std::map<std::string, json::object> by_key;
    for (const auto& kb : Buckets(Sub(Sub(Sub(aggs, "f_specs"), "n"), "keys"))) {
      auto key = Sub(kb, "key").is_string() ? std::string(Sub(kb, "key").as_string()) : "";
      by_key[key] = SpecFacet(key, kb);
    }
    int i = 0;
    for (const auto& [key, values] : req.specs) {
      const auto& k = Sub(Sub(Sub(aggs, fmt::format("f_spec_{}", i++)), "n"), "k");
      auto facet = SpecFacet(key, k);
      for (auto& v : facet["values"].as_array()) {
        auto value = std::string(v.at("value").as_string());
        v.as_object()["selected"] = std::find(values.begin(), values.end(), value) != values.end();
      }
      by_key[key] = std::move(facet);
    }
    json::array specs;
    for (auto& [key, facet] : by_key) specs.emplace_back(std::move(facet));
    facets["specs"] = std::move(specs);
  }

  json::object out;
  out["query"] = req.q;
  out["total"] = total;
  out["page"] = req.page;
  out["size"] = req.size;
  out["pages"] = (total + req.size - 1) / req.size;
  out["sort"] = NameOf(req.sort);
  out["items"] = std::move(items);
  out["facets"] = std::move(facets);
  return out;
}

std::vector<std::string> LinesOf(const json::object& result) {
  std::vector<std::string> lines;
  if (const auto* items = result.if_contains("items"); items && items->is_array())
    for (const auto& item : items->as_array())
      if (const auto& line = Sub(item, "model_line"); line.is_string()) {
        std::string l(line.as_string());
        if (std::find(lines.begin(), lines.end(), l) == lines.end()) lines.push_back(std::move(l));
      }
  return lines;
}

json::object BuildLines(const std::vector<std::string>& lines) {
  json::array keys;
  for (const auto& l : lines) keys.emplace_back(l);
  json::object top{{"size", kLineShown},
                   {"sort", json::array{json::object{{"price_min", "asc"}}, json::object{{"product_id", "asc"}}}},
                   {"_source", json::array{"product_id", "slug", "title", "image_url", "price_min", "currency", "in_stock"}}};
  return json::object{
      {"size", 0},
      {"query", BoolFilter(json::array{Terms("model_line", std::move(keys)), Term("status", "active")})},
      {"aggs", json::object{{"lines", json::object{{"terms", json::object{{"field", "model_line"},
                                                                          {"size", static_cast<std::int64_t>(lines.size())}}},
                                                   {"aggs", json::object{{"top", json::object{{"top_hits", std::move(top)}}}}}}}}}};
}

std::map<std::string, json::object, std::less<>> ParseLines(const json::value& response) {
  std::map<std::string, json::object, std::less<>> by_line;
  for (const auto& bucket : Buckets(Sub(Sub(response, "aggregations"), "lines"))) {
    const auto& key = Sub(bucket, "key");
    const auto total = AsInt(&Sub(bucket, "doc_count")).value_or(0);
    if (!key.is_string() || total < 2) continue;  // a line of one: no swatches
    json::array products;
    const auto& hits = Sub(Sub(Sub(bucket, "top"), "hits"), "hits");
    for (const auto& hit : hits.is_array() ? hits.as_array() : json::array{}) {
      const auto& m = Sub(hit, "_source");
      if (!m.is_object()) continue;
      json::object o;
      for (std::string_view k : {"product_id", "slug", "title", "image_url", "in_stock"})
        if (const auto* v = m.as_object().if_contains(k)) o[k] = *v;
      if (auto minor = AsInt(&Sub(m, "price_min")); minor && Sub(m, "currency").is_string())
        o["price_min"] = json::object{{"minor", *minor}, {"currency", Sub(m, "currency")}};
      products.emplace_back(std::move(o));
    }
    by_line.emplace(std::string(key.as_string()), json::object{{"total", total}, {"products", std::move(products)}});
  }
  return by_line;
}

void ApplyLines(json::object& result, const std::map<std::string, json::object, std::less<>>& lines) {
  if (auto* items = result.if_contains("items"); items && items->is_array())
    for (auto& item : items->as_array())
      if (const auto& line = Sub(item, "model_line"); line.is_string())
        if (auto it = lines.find(std::string_view(line.as_string())); it != lines.end()) item.as_object()["line"] = it->second;
}

json::object BuildDidYouMean(const std::string& q) {
  json::object collate{
      {"query", json::object{{"source", json::object{{"match", json::object{{"search_text", json::object{
                                                                               {"query", "{{suggestion}}"},
                                                                               {"operator", "and"}}}}}}}}},
      {"prune", false}};
  json::object phrase{{"field", "spell.shingles"},
                      {"size", 3},
                      {"gram_size", 3},
                      {"max_errors", 3},
                      {"confidence", 0},
                      {"direct_generator", json::array{json::object{{"field", "spell"},
                                                                    {"suggest_mode", "always"},
                                                                    {"prefix_length", 0},
                                                                    {"min_word_length", 3}}}},
                      {"collate", std::move(collate)}};
  return {{"size", 0},
          {"query", json::object{{"match_none", json::object{}}}},
          {"suggest", json::object{{"text", q}, {"dym", json::object{{"phrase", std::move(phrase)}}}}}};
}

std::optional<std::string> ParseDidYouMean(const json::value& response) {
  const auto& dym = Sub(Sub(response, "suggest"), "dym");
  if (!dym.is_array() || dym.as_array().empty()) return std::nullopt;
  const auto& options = Sub(dym.as_array()[0], "options");
  if (!options.is_array()) return std::nullopt;
  for (const auto& o : options.as_array()) {
    const auto& matched = Sub(o, "collate_match");
    if (matched.is_bool() && !matched.as_bool()) continue;
    const auto& text = Sub(o, "text");
    if (text.is_string()) return std::string(text.as_string());
  }
  return std::nullopt;
}

json::object BuildSuggest(const SuggestRequest& req) {
  auto prefix = [&](std::string_view field) {
    return json::object{{"multi_match", json::object{{"query", req.q},
                                                     {"type", "bool_prefix"},
                                                     {"operator", "and"},
                                                     {"fields", json::array{field, fmt::format("{}._2gram", field),
                                                                            fmt::format("{}._3gram", field)}}}}};
  };
  json::object aggs;
  aggs["brands"] = FilteredAgg(prefix("brand.name.sayt"),
                               {{"v", json::object{{"terms", json::object{{"field", "brand_facet"}, {"size", 5}}}}}});
  aggs["categories"] = FilteredAgg(prefix("category_names.sayt"),
                                   {{"v", json::object{{"terms", json::object{{"field", "category_facet"}, {"size", 30}}}}}});
  // The query matches every active product (so the brand and category aggs see them all) and
  // scores the title prefix match; the post_filter keeps the products whose title matches.
  return {{"size", req.size},
          {"_source", json::array{"product_id", "slug", "title"}},
          {"query", json::object{{"bool", json::object{{"should", json::array{prefix("title.sayt")}},
                                                       {"filter", json::array{Term("status", "active")}}}}}},
          {"post_filter", prefix("title.sayt")},
          {"aggs", std::move(aggs)}};
}

namespace {
std::string Fold(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}
// True when one of the words of `name` starts with the last word of `q` and every earlier word of
// q is a word of name (what bool_prefix matched, checked per category of the path).
bool WordsMatch(std::string_view name, std::string_view q) {
  std::vector<std::string> nw, qw;
  auto split = [](std::string_view s, std::vector<std::string>& out) {
    std::string cur;
    for (char c : Fold(s)) {
      if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) cur.push_back(c);
      else if (!cur.empty()) out.push_back(std::exchange(cur, {}));
    }
    if (!cur.empty()) out.push_back(cur);
  };
  split(name, nw);
  split(q, qw);
  if (qw.empty()) return false;
  for (std::size_t i = 0; i + 1 < qw.size(); ++i)
    if (std::find(nw.begin(), nw.end(), qw[i]) == nw.end()) return false;
  return std::any_of(nw.begin(), nw.end(), [&](const std::string& w) { return w.starts_with(qw.back()); });
}
}  // namespace

core::Result<json::object> ParseSuggest(const json::value& response, const SuggestRequest& req) {
  const auto& hits = Sub(Sub(response, "hits"), "hits");
  if (!hits.is_array()) return std::unexpected(Error::Unavailable("suggest answer without hits"));
  json::array products, brands, categories;
  for (const auto& hit : hits.as_array()) {
    const auto& src = Sub(hit, "_source");
    products.emplace_back(json::object{{"product_id", Sub(src, "product_id")}, {"slug", Sub(src, "slug")}, {"title", Sub(src, "title")}});
  }
  const auto& aggs = Sub(response, "aggregations");
  for (const auto& b : Buckets(Sub(Sub(aggs, "brands"), "v"))) {
    auto parts = SplitSep(Sub(b, "key").is_string() ? std::string_view(Sub(b, "key").as_string()) : "");
    if (parts.size() >= 2) brands.emplace_back(json::object{{"slug", parts[0]}, {"name", parts[1]}, {"count", Count(b)}});
  }
  for (const auto& b : Buckets(Sub(Sub(aggs, "categories"), "v"))) {
    auto parts = SplitSep(Sub(b, "key").is_string() ? std::string_view(Sub(b, "key").as_string()) : "");
    if (parts.size() < 5 || !WordsMatch(parts[4], req.q)) continue;
    if (static_cast<int>(categories.size()) >= 5) break;
    categories.emplace_back(
        json::object{{"id", std::stoll(parts[0])}, {"slug", parts[3]}, {"name", parts[4]}, {"count", Count(b)}});
  }
  return json::object{{"query", req.q}, {"products", std::move(products)}, {"brands", std::move(brands)}, {"categories", std::move(categories)}};
}

}  // namespace store::search
