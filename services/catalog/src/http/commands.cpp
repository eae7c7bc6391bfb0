#include "http/commands.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "domain/text.hpp"
#include "http/request.hpp"

namespace store::catalog {

namespace json = boost::json;
using core::Error;

namespace {

constexpr std::string_view kSlugRule = "must be lowercase letters, digits and single dashes";

SpecInput SpecInputOf(const json::value& v) {
  if (v.is_null()) return nullptr;
  if (v.is_number()) return v.to_number<double>();
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool();
  return OtherValue{};
}

SpecInputs SpecInputsOf(const json::object& specs) {
  SpecInputs out;
  for (const auto& [k, v] : specs) out.emplace_back(std::string(k), SpecInputOf(v));
  return out;
}

// One variant object; its errors go to `into` under `at` ("variants[0].sku", or "sku" for at "").
struct ParsedVariant {
  VariantInput input;
  bool has_options = false;
};

std::optional<ParsedVariant> ParseVariant(const json::value& v, std::string_view currency, bool require_all,
                                          http::Fields& into, std::string_view at) {
  auto prefixed = [&](const std::string& field) { return at.empty() ? field : std::string(at) + "." + field; };
  if (!v.is_object()) {
    into.Add(at, "must be an object");
    return std::nullopt;
  }
  const auto& o = v.as_object();
  http::Fields f(o);
  ParsedVariant out;
  if (require_all) {
    auto sku = f.String("sku", true, 1, 64);
    if (sku && !IsValidSku(*sku)) f.Add("sku", "must be 1..64 of letters, digits, - _ .");
    if (sku) out.input.sku = Sku(*sku);
  }
  if (auto* ov = o.if_contains("options")) {
    out.has_options = true;
    if (!ov->is_object()) f.Add("options", "must be an object of name: value strings");
    else
      for (const auto& [k, val] : ov->as_object()) {
        if (!val.is_string() || val.as_string().empty() || val.as_string().size() > 100 || k.empty() || k.size() > 50)
          f.Add("options." + std::string(k), "must be a string of 1..100 characters");
        else out.input.options.emplace_back(std::string(k), std::string(val.as_string()));
      }
  }
  if (auto* pv = o.if_contains("price"); pv || require_all) {
    if (!pv || !pv->is_object()) f.Add("price", "must be {minor, currency}");
    else {
      http::Fields pf(pv->as_object());
      auto minor = pf.Int("minor", true, 0, 1'000'000'000'00);
      auto cur = pf.String("currency", true, 3, 3);
      if (cur && *cur != currency) pf.Add("currency", "must be " + std::string(currency) + " (the catalog's currency)");
      f.AddAll("price", pf.errors());
      if (minor) out.input.price_minor = *minor;
    }
  }
  auto on_hand = f.Int("on_hand", false, 0, kMaxOnHand);
  out.input.on_hand = on_hand.value_or(0);
  for (const auto& e : f.errors()) into.Add(prefixed(e.field), e.message);
  if (!f.ok()) return std::nullopt;
  return out;
}

std::optional<std::int64_t> BodyVersion(const json::object& body) {
  if (auto* v = body.if_contains("version"); v && v->is_int64()) return v->as_int64();
  return std::nullopt;
}

}  // namespace

core::Result<CreateCategory> ParseCreateCategory(const json::object& body) {
  http::Fields f(body);
  auto name = f.String("name", true, 1, 200);
  auto slug = f.String("slug", false, 1, 120);
  auto parent = f.Int("parent_id", false, 1, INT64_MAX);
  auto position = f.Int("position", false, -1'000'000, 1'000'000);
  if (slug && !IsValidSlug(*slug)) f.Add("slug", std::string(kSlugRule));
  TRY_STATUS(f.Check());
  CreateCategory cmd{*name, slug, std::nullopt, position.value_or(0)};
  if (parent) cmd.parent = CategoryId(*parent);
  return cmd;
}

core::Result<UpdateCategory> ParseUpdateCategory(CategoryId id, const json::object& body) {
  http::Fields f(body);
  UpdateCategory cmd;
  cmd.id = id;
  cmd.name = f.String("name", false, 1, 200);
  cmd.slug = f.String("slug", false, 1, 120);
  cmd.position = f.Int("position", false, -1'000'000, 1'000'000);
  cmd.body_version = f.Int("version", false, 0, INT64_MAX);
  cmd.move = f.Has("parent_id");
  if (auto parent = f.Int("parent_id", false, 1, INT64_MAX)) cmd.parent = CategoryId(*parent);
  if (cmd.slug && !IsValidSlug(*cmd.slug)) f.Add("slug", std::string(kSlugRule));
  TRY_STATUS(f.Check());
  return cmd;
}

namespace {
// A product type's "specs" list (absent: none); field errors "specs[i].<field>" go to `f`.
std::vector<SpecDefinition> ParseSpecDefinitions(const json::object& body, http::Fields& f) {
  std::vector<SpecDefinition> specs;
  const json::value* v = body.if_contains("specs");
  if (!v) return specs;
  if (!v->is_array()) {
    f.Add("specs", "must be an array");
    return specs;
  }
  for (std::size_t i = 0; i < v->as_array().size(); ++i) {
    const auto& item = v->as_array()[i];
    std::string at = "specs[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      f.Add(at, "must be an object");
      continue;
    }
    http::Fields sf(item.as_object());
    auto key = sf.String("key", true, 1, 64);
    auto sname = sf.String("name", true, 1, 200);
    auto kind = sf.String("kind", true, 1, 10);
    auto unit = sf.String("unit", false, 1, 16);
    bool required = false;
    if (auto* r = item.as_object().if_contains("required"); r && r->is_bool()) required = r->as_bool();
    std::optional<SpecKind> parsed_kind;
    if (kind) {
      parsed_kind = ParseSpecKind(*kind);
      if (!parsed_kind) sf.Add("kind", "must be number, text or bool");
    }
    f.AddAll(at, sf.errors());
    if (sf.ok()) specs.push_back({*key, *sname, *parsed_kind, unit, required});
  }
  return specs;
}
}  // namespace

core::Result<CreateProductType> ParseCreateProductType(const json::object& body) {
  http::Fields f(body);
  auto code = f.String("code", true, 1, 64);
  auto name = f.String("name", true, 1, 200);
  if (code && !IsValidSlug(*code) && code->find('_') == std::string::npos) f.Add("code", "must be lowercase letters, digits, - or _");
  CreateProductType cmd;
  cmd.specs = ParseSpecDefinitions(body, f);
  TRY_STATUS(f.Check());
  cmd.code = *code;
  cmd.name = *name;
  return cmd;
}

core::Result<UpdateProductType> ParseUpdateProductType(std::string code, const json::object& body) {
  http::Fields f(body);
  auto name = f.String("name", true, 1, 200);
  if (!body.contains("specs")) f.Add("specs", "is required (the whole list, in order)");
  UpdateProductType cmd;
  cmd.specs = ParseSpecDefinitions(body, f);
  cmd.body_version = f.Int("version", false, 1, INT64_MAX);
  TRY_STATUS(f.Check());
  cmd.code = std::move(code);
  cmd.name = *name;
  return cmd;
}

core::Result<CreateProduct> ParseCreateProduct(const json::object& body, std::string_view currency) {
  http::Fields f(body);
  auto title = f.String("title", true, 1, 300);
  auto slug = f.String("slug", false, 1, 120);
  auto description = f.String("description", false, 0, 20000);
  auto brand = f.String("brand", false, 1, 200);
  auto model_line = f.String("model_line", false, 1, 100);
  if (model_line && !IsValidSlug(*model_line)) f.Add("model_line", std::string(kSlugRule));
  auto type = f.String("product_type", true, 1, 64);
  auto category = f.Int("category_id", true, 1, INT64_MAX);
  auto status = f.String("status", false, 1, 10);
  if (status && *status != "draft" && *status != "active") f.Add("status", "must be draft or active");
  if (slug && !IsValidSlug(*slug)) f.Add("slug", std::string(kSlugRule));
  CreateProduct cmd;
  if (auto* sv = body.if_contains("specs")) {
    if (!sv->is_object()) f.Add("specs", "must be an object of key: value");
    else cmd.specs = SpecInputsOf(sv->as_object());
  }
  if (auto* vv = body.if_contains("variants")) {
    if (!vv->is_array() || vv->as_array().size() > 200) f.Add("variants", "must be an array of at most 200 variants");
    else
      for (std::size_t i = 0; i < vv->as_array().size(); ++i)
        if (auto v = ParseVariant(vv->as_array()[i], currency, true, f, "variants[" + std::to_string(i) + "]"))
          cmd.variants.push_back(std::move(v->input));
  }
  if (title && !slug && Slugify(*title).empty()) f.Add("slug", "cannot be derived from the title");
  TRY_STATUS(f.Check("the product has invalid fields"));
  cmd.title = *title;
  cmd.slug = slug;
  cmd.description = description.value_or("");
  cmd.brand = brand;
  cmd.model_line = model_line;
  cmd.product_type = *type;
  cmd.category = CategoryId(*category);
  cmd.status = status ? *ParseProductStatus(*status) : ProductStatus::draft;
  return cmd;
}

core::Result<UpdateProduct> ParseUpdateProduct(ProductId id, const json::object& body) {
  http::Fields f(body);
  UpdateProduct cmd;
  cmd.id = std::move(id);
  cmd.title = f.String("title", false, 1, 300);
  cmd.slug = f.String("slug", false, 1, 120);
  cmd.description = f.String("description", false, 0, 20000);
  cmd.brand = f.String("brand", false, 1, 200);
  cmd.clear_brand = f.IsNull("brand");
  cmd.model_line = f.String("model_line", false, 1, 100);
  cmd.clear_model_line = f.IsNull("model_line");
  if (cmd.model_line && !IsValidSlug(*cmd.model_line)) f.Add("model_line", std::string(kSlugRule));
  if (auto category = f.Int("category_id", false, 1, INT64_MAX)) cmd.category = CategoryId(*category);
  if (auto status = f.String("status", false, 1, 10)) {
    cmd.status = ParseProductStatus(*status);
    if (!cmd.status) f.Add("status", "must be draft, active or archived");
  }
  if (cmd.slug && !IsValidSlug(*cmd.slug)) f.Add("slug", std::string(kSlugRule));
  if (f.Has("product_type")) f.Add("product_type", "cannot change; create a new product");
  if (auto* sv = body.if_contains("specs")) {
    if (!sv->is_object()) f.Add("specs", "must be an object of key: value");
    else cmd.specs = SpecInputsOf(sv->as_object());
  }
  TRY_STATUS(f.Check("the product has invalid fields"));
  cmd.body_version = BodyVersion(body);
  return cmd;
}

core::Result<VariantInput> ParseNewVariant(const json::object& body, std::string_view currency) {
  http::Fields f(body);
  auto v = ParseVariant(body, currency, true, f, "");
  TRY_STATUS(f.Check("the variant has invalid fields"));
  return std::move(v->input);
}

core::Result<UpdateVariant> ParseUpdateVariant(Sku sku, const json::object& body, std::string_view currency) {
  http::Fields f(body);
  if (f.Has("sku")) f.Add("sku", "cannot change");
  if (f.Has("on_hand")) f.Add("on_hand", "use PUT /v1/admin/skus/{sku}/stock");
  auto v = ParseVariant(body, currency, false, f, "");
  TRY_STATUS(f.Check("the variant has invalid fields"));
  UpdateVariant cmd;
  cmd.sku = std::move(sku);
  if (v->has_options) cmd.options = std::move(v->input.options);
  cmd.price_minor = v->input.price_minor;
  return cmd;
}

core::Result<SetStock> ParseSetStock(Sku sku, const json::object& body) {
  http::Fields f(body);
  SetStock cmd;
  cmd.sku = std::move(sku);
  cmd.on_hand = f.Int("on_hand", false, 0, kMaxOnHand);
  cmd.delta = f.Int("delta", false, -kMaxOnHand, kMaxOnHand);
  cmd.body_version = f.Int("version", false, 0, INT64_MAX);
  if (cmd.on_hand.has_value() == cmd.delta.has_value() && f.ok()) f.Add("on_hand", "give exactly one of on_hand or delta");
  // Why: a count sets on_hand (its default); a delta needs its reason (received, damaged...).
  auto reason = f.String("reason", false, 1, 16);
  auto note = f.String("note", false, 0, 300);
  const auto& known = kAdjustmentReasons;
  std::string names;
  for (auto r : known) (names += names.empty() ? "" : ", ") += r;
  if (reason && std::find(std::begin(known), std::end(known), *reason) == std::end(known)) f.Add("reason", "one of " + names);
  else if (!reason && cmd.delta) f.Add("reason", "a change of on hand needs its reason: one of " + names);
  TRY_STATUS(f.Check());
  if (reason) cmd.reason = *reason;
  cmd.note = note.value_or("");
  return cmd;
}

core::Result<ReservationRequest> ParseReservation(const json::object& body) {
  ReservationRequest req;
  std::vector<core::FieldError> errors;
  if (auto* o = body.if_contains("order_id"); o && o->is_string()) req.order_id = OrderId(std::string(o->as_string()));
  else errors.push_back({"order_id", "is required (a string)"});
  if (auto* t = body.if_contains("ttl_seconds"); t && !t->is_null()) {
    if (t->is_int64()) req.ttl = std::chrono::seconds(t->as_int64());
    else errors.push_back({"ttl_seconds", "must be an integer"});
  }
  auto* lines = body.if_contains("lines");
  if (!lines || !lines->is_array()) errors.push_back({"lines", "is required (an array)"});
  else
    for (std::size_t i = 0; i < lines->as_array().size(); ++i) {
      const auto& l = lines->as_array()[i];
      std::string at = "lines[" + std::to_string(i) + "]";
      if (!l.is_object()) {
        errors.push_back({at, "must be an object {sku, quantity}"});
        continue;
      }
      ReservationLine line;
      if (auto* s = l.as_object().if_contains("sku"); s && s->is_string()) line.sku = Sku(std::string(s->as_string()));
      else errors.push_back({at + ".sku", "is required (a string)"});
      if (auto* q = l.as_object().if_contains("quantity"); q && q->is_int64()) line.quantity = q->as_int64();
      else errors.push_back({at + ".quantity", "is required (an integer)"});
      req.lines.push_back(std::move(line));
    }
  if (!errors.empty()) return std::unexpected(Error::Invalid("invalid reservation", errors));
  return req;
}

core::Result<GetOffers> ParseGetOffers(const std::optional<std::string>& skus) {
  auto invalid = [](std::string message) {
    return core::Fail(core::Error::Invalid("invalid query", {{"skus", std::move(message)}}));
  };
  if (!skus || skus->empty()) return invalid("is required: SKUs separated by commas");
  GetOffers q;
  std::string_view rest = *skus;
  while (true) {
    std::string_view one = rest.substr(0, rest.find(','));
    if (!IsValidSku(one)) return invalid("each SKU must be 1..64 of letters, digits, - _ .");
    Sku sku{std::string(one)};
    if (std::find(q.skus.begin(), q.skus.end(), sku) == q.skus.end()) q.skus.push_back(std::move(sku));
    if (q.skus.size() > GetOffers::kMaxSkus) return invalid(fmt::format("at most {} SKUs", GetOffers::kMaxSkus));
    if (one.size() == rest.size()) break;
    rest.remove_prefix(one.size() + 1);
  }
  return q;
}

}  // namespace store::catalog
