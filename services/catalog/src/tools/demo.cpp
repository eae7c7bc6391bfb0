#include "tools/demo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <array>
#include <map>
#include <set>
#include <thread>

#include "adapters/mariadb_catalog.hpp"
#include "adapters/media_files.hpp"
#include "adapters/sql.hpp"
#include "domain/text.hpp"
#include "store/log/log.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/outbox.hpp"
#include "tools/demo_data.hpp"

namespace store::catalog {

using db::Connection;

namespace {

namespace json = boost::json;
using core::Errc;
using core::Fail;
using namespace demo_data;  // TypeDef, Attr, Line, SpecDefT, KV, Types()

// The demo images' side in pixels: sharp in the storefront's product gallery on a phone's dense
// screen (about 380 CSS px at 1.75 device pixels each: 665; Lighthouse's image-size-responsive),
// and no larger (measured: 46 MB of originals and renditions per 1,000 products, about 460 MB for
// the 10,000 of the demo, against 275 MB at 320 px).
constexpr int kDemoImageSize = 768;

// Deterministic generator (splitmix64): the same seed gives the same catalog on every machine.
struct Rng {
  std::uint64_t s;
  std::uint64_t Next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::int64_t Range(std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1)); }
  std::string Uuid() {
    std::uint64_t a = Next(), b = Next();
    a = (a & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
    b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48, b & 0xFFFFFFFFFFFFull);
  }
};

const std::map<std::string, std::vector<std::string>>& Blurbs() {
  static const std::map<std::string, std::vector<std::string>> k = {
      {"smartphone", {"A fast, all-day smartphone with a bright display and a versatile camera system.", "Flagship performance, long battery life and years of software updates.", "Take sharper photos in low light and stream in 5G wherever you are."}},
      {"laptop", {"A thin and light laptop for work, study and creative projects.", "All-day battery life, a sharp display and a comfortable keyboard.", "Powerful enough for video editing and gaming, portable enough for travel."}},
      {"tablet", {"A versatile tablet for streaming, sketching and working on the go.", "A vivid display and stereo speakers in a slim, light body."}},
      {"smartwatch", {"Track workouts, sleep and heart rate; answer messages from your wrist.", "A sports watch with GPS, training metrics and long battery life."}},
      {"monitor", {"Crisp detail and accurate colours for work and play.", "Fast refresh rate and low input lag for smooth gaming."}},
      {"headphones", {"Immersive sound with deep bass and clear highs.", "Industry-leading noise cancelling for quiet commutes and flights.", "Comfortable for hours, with a long-lasting battery."}},
      {"speaker", {"Big, room-filling sound from a compact speaker.", "Portable and waterproof: take the party to the beach or the pool."}},
      {"television", {"Stunning 4K HDR picture with deep blacks and vivid colours.", "Smart TV with streaming apps, voice control and low-latency gaming mode."}},
      {"camera", {"Capture stunning stills and cinematic 4K video.", "Fast autofocus with subject tracking for sports, wildlife and portraits."}},
      {"shirt", {"A wardrobe staple that works from office to weekend.", "Soft, breathable fabric and a clean, modern cut."}},
      {"t_shirt", {"Everyday comfort in soft cotton jersey.", "A classic tee that keeps its shape wash after wash."}},
      {"hoodie", {"Warm, soft fleece for cool days and lazy weekends.", "A cosy layer with a relaxed, comfortable fit."}},
      {"jeans", {"Classic denim built to last and to get better with every wear.", "A flattering fit with just enough stretch for all-day comfort."}},
      {"dress", {"An effortless dress for summer days, weddings and evenings out.", "A flattering silhouette in a fabric that drapes beautifully."}},
      {"womens_top", {"An easy everyday top that pairs with jeans or tailoring.", "Soft, light and effortlessly chic."}},
      {"sneakers", {"An iconic sneaker with timeless style and everyday comfort.", "Street-ready style with a cushioned, durable sole."}},
      {"boots", {"Rugged, durable boots that break in beautifully.", "Built for wet weather and long days on your feet."}},
      {"cookware", {"Even heat distribution for perfect searing, sauteing and simmering.", "Professional-quality cookware for the home kitchen."}},
      {"coffee_machine", {"Barista-quality espresso, cappuccino and latte at home.", "Freshly ground coffee at the touch of a button."}},
      {"kitchen_appliance", {"A powerful kitchen helper that makes everyday cooking easier.", "Stylish design and reliable performance for your countertop."}},
      {"office_chair", {"Ergonomic support for long working days.", "Adjustable in every direction for a healthy sitting posture."}},
      {"desk", {"A sturdy desk for your home office.", "Switch between sitting and standing at the touch of a button."}},
      {"bedding", {"Soft, breathable bedding for a great night's sleep.", "Pre-washed for softness, and it gets better with every wash."}},
      {"yoga_mat", {"Grippy, cushioned and durable for every practice.", "Non-slip surface for yoga, pilates and stretching."}},
      {"running_shoes", {"Responsive cushioning for daily training and race day.", "A smooth, stable ride mile after mile."}},
      {"bike", {"A fast, comfortable bike for commuting, fitness and weekend rides.", "Light frame, reliable gears and powerful disc brakes."}},
      {"trousers", {"Smart enough for the office, comfortable enough for the weekend.", "A versatile pair in a fabric with a little stretch."}},
      {"backpack", {"A durable backpack with padded straps and smart organisation.", "Made for daily commutes, hikes and weekend trips."}},
      {"book", {"A modern classic and an unforgettable read.", "One of the most celebrated books of its genre."}},
  };
  return k;
}

std::uint32_t ColourRgb(const std::string& colour, std::uint32_t fallback) {
  static const std::vector<std::pair<std::string, std::uint32_t>> k = {
      {"black", 0x2B2B2B}, {"white", 0xC8C8C8}, {"navy", 0x1F2A55}, {"blue", 0x2F6FD6}, {"red", 0xC62828}, {"green", 0x2E7D32},
      {"grey", 0x7A7A7A}, {"gray", 0x7A7A7A}, {"silver", 0xA8A8A8}, {"pink", 0xE88AAE}, {"purple", 0x7B4FB0}, {"violet", 0x7B4FB0},
      {"lavender", 0x9D8AD8}, {"yellow", 0xE0B000}, {"gold", 0xC9A227}, {"cream", 0xD8C9A0}, {"beige", 0xCDB891}, {"brown", 0x7A4E2D},
      {"tan", 0xB08450}, {"olive", 0x6B7A2E}, {"orange", 0xE8731A}, {"teal", 0x1F8A8A}, {"burgundy", 0x7A1F35}, {"charcoal", 0x3C3C3C},
      {"ivory", 0xD9D2BE}, {"mint", 0x6FC9A8}, {"sage", 0x8AA88A}, {"coral", 0xE8735A}, {"titanium", 0x8A8A80}, {"midnight", 0x1E2436}};
  std::string lower;
  for (char ch : colour) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const auto& [word, rgb] : k)
    if (lower.find(word) != std::string::npos) return rgb;
  return fallback;
}

std::string Fill(std::string text, const std::string& key, const std::string& value) {
  auto pos = text.find(key);
  if (pos != std::string::npos) text.replace(pos, key.size(), value);
  return text;
}

std::string CollapseSpaces(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += ch;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Initials(const std::string& title) {
  std::string out;
  bool start = true;
  for (char ch : title) {
    bool alnum = std::isalnum(static_cast<unsigned char>(ch));
    if (alnum && start && out.size() < 3) out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    start = !alnum && ch != '\'';
  }
  return out;
}

std::string SkuPart(const std::string& v) {
  std::string out;
  for (char ch : v)
    if (std::isalnum(static_cast<unsigned char>(ch))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

struct Planned {
  const TypeDef* type;
  const Line* line;
  const Attr* attr;  // may be null
  std::string color;
  std::string id, slug, title, description, created_at, image_path;
  std::string model_line;  // the (category, brand, model) line: its colourways and configurations are one model
  std::int64_t price = 0;
  struct Variant {
    std::string sku, options;
    std::int64_t on_hand;
  };
  std::vector<Variant> variants;
  KV specs;
};

// Every (type, line, attr, colour) combination, in a fixed order.
std::vector<Planned> AllCombinations() {
  std::vector<Planned> out;
  for (const auto& t : Types())
    for (const auto& l : t.lines) {
      const auto& colours = l.colors.empty() ? t.colors : l.colors;
      std::vector<const Attr*> attrs;
      for (const auto& a : t.attrs) attrs.push_back(&a);
      if (attrs.empty()) attrs.push_back(nullptr);
      for (const auto* a : attrs)
        for (const auto& c : colours) out.push_back(Planned{&t, &l, a, c, {}, {}, {}, {}, {}, {}, {}, 0, {}, {}});
    }
  return out;
}

Result<std::int64_t> InsertRows(Connection& c, const std::string& head, std::size_t columns, const std::vector<db::Param>& params) {
  std::size_t rows = params.size() / columns;
  if (rows == 0) return 0;
  std::string row = fmt::format("({})", sql::Placeholders(columns));
  std::string sql = head + " VALUES ";
  for (std::size_t i = 0; i < rows; ++i) sql += (i ? "," : "") + row;
  TRY(r, c.ExecuteParams(sql, params));
  return static_cast<std::int64_t>(r.affected_rows);
}

}  // namespace

core::Result<bool> CatalogIsEmpty(db::Database& db) {
  auto fn = [](Connection& c) { return c.QueryOne("SELECT COUNT(*) AS n FROM products"); };
  TRY(row, db.RunSync(fn));
  return row->Int("n") == 0;
}

core::Result<DemoStats> GenerateDemo(db::Database& db, const CatalogHandlers& handlers, const Settings& settings, const core::Clock& clock,
                                     const DemoOptions& options) {
  TRY(empty, CatalogIsEmpty(db));
  if (!empty) return Fail(Errc::conflict, "the catalog is not empty");
  DemoStats stats;
  Rng rng{options.seed};

  // 1. Plan: pick the products (a seeded shuffle of every combination), then their details.
  auto all = AllCombinations();
  stats.combinations = static_cast<int>(all.size());
  for (std::size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[rng.Next() % i]);
  if (static_cast<int>(all.size()) > options.products) {
    // Every (brand, model) line gets at least one product (its first combination in the shuffled
    // order) when the count allows, so every model of the vocabulary is findable; the rest of the
    // count is filled in shuffled order.
    std::vector<bool> take(all.size(), false);
    std::set<const Line*> lines;
    std::size_t n = 0, want = static_cast<std::size_t>(options.products);
    for (std::size_t i = 0; i < all.size() && n < want; ++i)
      if (lines.insert(all[i].line).second) take[i] = true, ++n;
    for (std::size_t i = 0; i < all.size() && n < want; ++i)
      if (!take[i]) take[i] = true, ++n;
    std::vector<Planned> chosen;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (take[i]) chosen.push_back(std::move(all[i]));
    all = std::move(chosen);
  }
  std::set<std::string> slugs;
  std::map<std::string, const TypeDef*> type_by_code;  // the first definition of a code holds its specs
  for (const auto& t : Types()) type_by_code.emplace(t.code, &t);
  const auto base_time = std::chrono::sys_days(std::chrono::year{2025} / 6 / 1);
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto& p = all[i];
    const auto& t = *p.type;
    std::string title = Fill(Fill(Fill(Fill(t.title, "{brand}", p.line->brand), "{model}", p.line->model), "{attr}", p.attr ? p.attr->label : ""),
                             "{color}", p.color);
    p.title = CollapseSpaces(title);
    p.id = rng.Uuid();
    std::string slug = Slugify(p.title);
    for (int n = 2; slugs.count(slug); ++n) slug = Slugify(p.title) + "-" + std::to_string(n);
    slugs.insert(slug);
    p.slug = slug;
    // The line: brand and model in its category (one type code may sit in several categories,
    // e.g. men's and women's, and a line stays in one), at most 100 characters.
    p.model_line = Slugify(t.path[1] + " " + t.path[2] + " " + p.line->brand + " " + p.line->model).substr(0, 100);
    while (p.model_line.ends_with('-')) p.model_line.pop_back();
    p.created_at = db::ToDbTime(base_time + std::chrono::seconds(static_cast<std::int64_t>(i) * 97));
    std::int64_t base = p.line->base + (p.attr ? p.attr->price_add : 0);
    std::int64_t jittered = base * (1000 + rng.Range(-50, 50)) / 1000;
    p.price = std::max<std::int64_t>(99, (jittered / 100) * 100 - 1);
    // Specs: the line's, the attribute's, the colour; only keys the product type declares.
    const auto& defs = type_by_code.at(t.code)->specs;
    std::map<std::string, std::string> values;
    for (const auto& [k, v] : p.line->specs) values[k] = v;
    if (p.attr)
      for (const auto& [k, v] : p.attr->specs) values[k] = v;
    if (!p.color.empty()) values["color"] = p.color;
    for (const auto& d : defs)
      if (auto it = values.find(d.key); it != values.end()) p.specs.push_back({d.key, it->second});
    // Description (Markdown): a line about the product, a blurb, the key facts.
    const auto& blurbs = Blurbs().at(t.code);
    std::string md = fmt::format("**{}** from {}.\n\n{}\n\n", p.title, p.line->brand, blurbs[rng.Next() % blurbs.size()]);
    for (const auto& d : defs)
      if (auto it = values.find(d.key); it != values.end()) {
        std::string v = it->second;
        if (d.kind == "bool") v = v == "true" ? "yes" : "no";
        md += fmt::format("- **{}:** {}{}{}\n", d.name, v, d.unit.empty() ? "" : " ", d.unit);
      }
    p.description = md;
    // Variants and stock.
    std::string prefix = SkuPart(t.code).substr(0, 3);
    bool sold_out = rng.Range(0, 99) < 3;
    if (t.option.empty()) {
      json::object opts;
      if (!p.color.empty()) opts["color"] = p.color;
      p.variants.push_back({fmt::format("{}-{:05}", prefix, i + 1), json::serialize(opts), sold_out ? 0 : rng.Range(0, 9) == 0 ? 0 : rng.Range(1, 60)});
    } else {
      for (const auto& v : t.option_values) {
        json::object opts{{t.option, v}};
        if (!p.color.empty()) opts["color"] = p.color;
        p.variants.push_back({fmt::format("{}-{:05}-{}", prefix, i + 1, SkuPart(v)), json::serialize(opts),
                              sold_out ? 0 : rng.Range(0, 9) == 0 ? 0 : rng.Range(1, 40)});
      }
    }
  }

  // 2. Images, rendered in parallel (pure CPU and file writes; no database).
  if (!options.media_dir.empty()) {
    std::vector<std::thread> workers;
    std::atomic<bool> failed{false};
    int threads = std::max(1, options.threads);
    for (int w = 0; w < threads; ++w)
      workers.emplace_back([&, w] {
        for (std::size_t i = static_cast<std::size_t>(w); i < all.size(); i += static_cast<std::size_t>(threads)) {
          auto& p = all[i];
          auto img = DrawPlaceholder(kDemoImageSize, ColourRgb(p.color, p.type->rgb), p.type->shape, Initials(p.title));
          auto stored = StoreRgbImage(options.media_dir, ProductId(p.id), img, settings.renditions, "demo");
          if (!stored) {
            failed = true;
            return;
          }
          p.image_path = stored->path;
        }
      });
    for (auto& w : workers) w.join();
    if (failed) return Fail(Errc::internal, "writing the demo images failed (media.dir " + options.media_dir + ")");
  }

  // 3. Categories, product types, brands (through the catalog's own use cases).
  std::map<std::string, std::int64_t> category_ids;  // "A/B/C" -> id
  std::map<std::string, std::int64_t> brand_ids;
  auto setup = [&](Connection& c) -> Status {
    MariaDbCatalogTx tx(c, settings, clock);
    std::map<std::string, int> leaf_names;
    std::set<std::string> seen_paths;
    for (const auto& t : Types())
      if (seen_paths.insert(t.path[0] + "/" + t.path[1] + "/" + t.path[2]).second) ++leaf_names[t.path[2]];
    int position = 0;
    for (const auto& t : Types()) {
      std::string key;
      std::optional<std::int64_t> parent;
      for (int level = 0; level < 3; ++level) {
        key += (level ? "/" : "") + t.path[level];
        if (auto it = category_ids.find(key); it != category_ids.end()) {
          parent = it->second;
          continue;
        }
        std::string slug = Slugify(t.path[level]);
        if (level == 2 && leaf_names[t.path[2]] > 1) slug = Slugify(t.path[1] + " " + t.path[2]);
        CreateCategory cmd{t.path[level], slug, std::nullopt, position++};
        if (parent) cmd.parent = CategoryId(*parent);
        TRY(made, handlers.create_category.Apply(tx, cmd));
        parent = made.value.category.id.value();
        category_ids[key] = *parent;
        ++stats.categories;
      }
    }
    std::set<std::string> codes;
    for (const auto& t : Types()) {
      if (!codes.insert(t.code).second) continue;
      CreateProductType cmd{t.code, t.name, {}};
      for (const auto& s : t.specs)
        cmd.specs.push_back({s.key, s.name, ParseSpecKind(s.kind).value_or(SpecKind::text),
                             s.unit.empty() ? std::nullopt : std::optional<std::string>(s.unit), s.required});
      TRY_STATUS(handlers.create_product_type.Apply(tx, cmd));
      ++stats.product_types;
    }
    std::set<std::string> names;
    for (const auto& p : all) names.insert(p.line->brand);
    for (const auto& n : names) {
      TRY(r, c.Execute("INSERT INTO brands (slug, name) VALUES (?, ?)", Slugify(n), n));
      brand_ids[n] = static_cast<std::int64_t>(r.last_insert_id);
      ++stats.brands;
    }
    return {};
  };
  TRY_STATUS(db.TransactionSync(setup));
  std::map<std::string, std::int64_t> type_ids;
  {
    auto fn = [](Connection& c) { return c.Query("SELECT id, code FROM product_types"); };
    TRY(rows, db.RunSync(fn));
    for (auto& r : rows) type_ids[r.Text("code")] = r.Int("id");
  }

  // 4. Products in batches: multi-row inserts, then each product's event into the outbox, one
  //    transaction per batch.
  for (std::size_t from = 0; from < all.size(); from += static_cast<std::size_t>(options.batch)) {
    std::size_t to = std::min(all.size(), from + static_cast<std::size_t>(options.batch));
    auto batch = [&](Connection& c) -> Result<int> {
      std::vector<db::Param> products, specs, variants, stock, images;
      std::vector<std::string> keep;  // owns the texts the Params point at
      keep.reserve((to - from) * 8);
      auto own = [&](std::string s) -> const std::string& { return keep.emplace_back(std::move(s)); };
      for (std::size_t i = from; i < to; ++i) {
        const auto& p = all[i];
        auto md = RenderMarkdown(p.description);
        std::int64_t available = 0;
        for (const auto& v : p.variants) available += v.on_hand > 0;
        const std::string& html = own(std::move(md.html));
        const std::string& text = own(std::move(md.text));
        for (db::Param x : std::initializer_list<db::Param>{
                 p.id, p.slug, p.title, p.description, html, text, brand_ids.at(p.line->brand), p.model_line, type_ids.at(p.type->code),
                 category_ids.at(p.type->path[0] + "/" + p.type->path[1] + "/" + p.type->path[2]), "active",
                 settings.currency, p.price, p.price, available, 1, p.created_at, p.created_at})
          products.push_back(x);
        for (const auto& [key, value] : p.specs) {
          std::string kind = "text";
          for (const auto& d : type_by_code.at(p.type->code)->specs)
            if (d.key == key) kind = d.kind;
          specs.push_back(p.id);
          specs.push_back(key);
          if (kind == "number") specs.push_back(value);
          else specs.push_back(nullptr);
          if (kind == "text") specs.push_back(value);
          else specs.push_back(nullptr);
          if (kind == "bool") specs.push_back(value == "true");
          else specs.push_back(nullptr);
        }
        int position = 0;
        for (const auto& v : p.variants) {
          for (db::Param x : std::initializer_list<db::Param>{v.sku, p.id, v.options, p.price, settings.currency, position++, p.created_at})
            variants.push_back(x);
          for (db::Param x : std::initializer_list<db::Param>{v.sku, p.id, v.on_hand, 0, p.created_at}) stock.push_back(x);
        }
        if (!p.image_path.empty())
          for (db::Param x : std::initializer_list<db::Param>{p.id, 0, p.title, kDemoImageSize, kDemoImageSize, p.image_path, p.created_at})
            images.push_back(x);
      }
      TRY_STATUS(InsertRows(c, "INSERT INTO products (id, slug, title, description_md, description_html, description_text, brand_id, "
                               "model_line, product_type_id, category_id, status, currency, price_min_minor, price_max_minor, "
                               "available_skus, version, created_at, updated_at)",
                            18, products));
      TRY_STATUS(InsertRows(c, "INSERT INTO product_specs (product_id, spec_key, value_num, value_text, value_bool)", 5, specs));
      TRY_STATUS(InsertRows(c, "INSERT INTO variants (sku, product_id, options, price_minor, currency, position, created_at)", 7, variants));
      TRY_STATUS(InsertRows(c, "INSERT INTO stock (sku, product_id, on_hand, reserved, updated_at)", 5, stock));
      TRY_STATUS(InsertRows(c, "INSERT INTO images (product_id, position, alt, width, height, path, created_at)", 7, images));
      MariaDbCatalogTx tx(c, settings, clock);
      for (std::size_t i = from; i < to; ++i) {
        TRY(product, tx.products().ById(ProductId(all[i].id)));
        if (!product) return Fail(Errc::internal, "a demo product vanished");
        TRY_STATUS(tx.outbox().Publish(ProductUpserted{std::move(*product)}, std::nullopt));
      }
      return static_cast<int>(to - from);
    };
    TRY(n, db.TransactionSync(batch));
    stats.products += n;
    for (std::size_t i = from; i < to; ++i) {
      stats.variants += static_cast<int>(all[i].variants.size());
      stats.images += all[i].image_path.empty() ? 0 : 1;
      for (const auto& v : all[i].variants) stats.units += v.on_hand;
    }
  }
  return stats;
}

}  // namespace store::catalog
