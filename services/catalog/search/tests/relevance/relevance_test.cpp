// The search relevance suite over the DEMO catalog: store_catalog_demo (deterministic from its
// seed) fills a temp database; its outbox (one product.upserted.v1 per product) is published to a
// temp topic exactly as the relay would; the reindex command's code path replays the topic into
// a fresh index behind a unique alias; then every case below runs through the real HTTP API.
//
// Each case states what a relevant answer is (a rule on the returned items: brand, title words,
// leaf category) rather than ids, and a minimum precision. The test PRINTS precision per query
// (a table) and fails when a case is under its minimum or the mean is under 0.9.
//   precision (search)   relevant items among the first k (k = min(10, total); 0 when total = 0)
//   precision (suggest)  relevant products among those suggested, and the brand/category expected
//   facets / did-you-mean  1 when the counts hold (a count is its filter's total; the category tree adds
//                          up) / the correction is the expected word, else 0. Results are one per
//                          model line (collapsed), and so are the counts.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>

#include "store/db/db.hpp"
#include "store/testing/db.hpp"
#include "support/search_env.hpp"

using namespace store::search;
using namespace store::search::testing;
namespace json = boost::json;

namespace {

constexpr int kDemoProducts = 10000;  // asked of the generator: the catalog ./store up loads
constexpr std::uint64_t kDemoSeed = 42;
std::int64_t g_active = 0;  // active products the generator wrote (read back from its database)
std::int64_t g_lines = 0;   // their model lines (a product without one is a line of its own)

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string Str(const json::value& v, std::string_view a, std::string_view b = {}) {
  const json::value* x = v.as_object().if_contains(a);
  if (x && !b.empty()) x = x->is_object() ? x->as_object().if_contains(b) : nullptr;
  return x && x->is_string() ? std::string(x->as_string()) : std::string();
}

// Rules on one result item.
using Rule = std::function<bool(const json::value& item)>;
Rule TitleHas(std::vector<std::string> words) {
  return [words](const json::value& i) {
    auto t = Lower(Str(i, "title"));
    for (const auto& w : words)
      if (t.find(Lower(w)) == std::string::npos) return false;
    return true;
  };
}
Rule Brand(std::string name) { return [name](const json::value& i) { return Str(i, "brand", "name") == name; }; }
Rule Category(std::vector<std::string> names) {
  return [names](const json::value& i) {
    auto c = Str(i, "category", "name");
    return std::find(names.begin(), names.end(), c) != names.end();
  };
}
Rule All(std::vector<Rule> rules) {
  return [rules](const json::value& i) { return std::all_of(rules.begin(), rules.end(), [&](const Rule& r) { return r(i); }); };
}

struct Case {
  std::string kind;   // search | misspelling | synonym | suggest | facets | did-you-mean
  std::string query;  // the request path and query
  std::string expect; // what relevant means, for the table
  std::function<double(SearchEnv&, const json::value& answer, std::string& note)> score;
  double min = 0.8;
};

double SearchPrecision(const json::value& answer, const Rule& rule, std::string& note) {
  auto total = answer.at("total").as_int64();
  const auto& items = answer.at("items").as_array();
  std::size_t k = std::min<std::size_t>(10, items.size());
  note = "total " + std::to_string(total);
  if (k == 0) return 0.0;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < k; ++i)
    if (rule(items[i])) hits++;
    else if (note.find("miss:") == std::string::npos) note += ", miss: " + Str(items[i], "title").substr(0, 40);
  return static_cast<double>(hits) / static_cast<double>(k);
}

Case Search(std::string kind, std::string q, std::string expect, Rule rule, double min = 0.8) {
  return {std::move(kind), "/v1/search?size=10&q=" + q, std::move(expect),
          [rule](SearchEnv&, const json::value& a, std::string& note) { return SearchPrecision(a, rule, note); }, min};
}

Case Suggest(std::string prefix, std::string expect, Rule product_rule, std::string list, std::string name) {
  return {"suggest", "/v1/suggest?q=" + prefix, std::move(expect),
          [=](SearchEnv&, const json::value& a, std::string& note) {
            const auto& products = a.at("products").as_array();
            std::size_t hits = 0;
            for (const auto& p : products)
              if (product_rule(p)) hits++;
            bool listed = list.empty();
            for (const auto& e : list.empty() ? json::array{} : a.at(list).as_array())
              if (Str(e, "name") == name) listed = true;
            note = std::to_string(products.size()) + " products" + (list.empty() ? "" : (listed ? ", " : ", NOT ") + list + " " + name);
            if (products.empty()) return listed && product_rule == nullptr ? 1.0 : 0.0;
            double p = static_cast<double>(hits) / static_cast<double>(products.size());
            return listed ? p : 0.0;
          },
          0.8};
}

std::int64_t Sum(const json::value& facet) {
  std::int64_t s = 0;
  for (const auto& b : facet.as_array()) s += b.at("count").as_int64();
  return s;
}

// The category facet is a tree: roots sum to the total, every parent's children to the parent.
bool TreeAddsUp(const json::value& answer, std::string& note) {
  std::map<std::int64_t, std::int64_t> count, children;
  std::int64_t roots = 0;
  for (const auto& c : answer.at("facets").at("category").as_array()) {
    count[c.at("id").as_int64()] = c.at("count").as_int64();
    if (c.at("parent_id").is_null()) roots += c.at("count").as_int64();
    else children[c.at("parent_id").as_int64()] += c.at("count").as_int64();
  }
  bool ok = roots == answer.at("total").as_int64();
  for (const auto& [parent, sum] : children)
    if (count[parent] != sum) ok = false;
  note = "roots " + std::to_string(roots) + " of " + std::to_string(answer.at("total").as_int64()) + ", " +
         std::to_string(children.size()) + " parents checked";
  return ok;
}

// Every in-stock and price count of `answer` (a search with `params`) equals the total of the same
// search with that value chosen: what a shopper sees after clicking it.
bool CountsAreTotals(SearchEnv& env, const json::value& answer, const std::string& params, std::string& note) {
  bool ok = true;
  for (const auto& b : answer.at("facets").at("in_stock").as_array()) {
    auto filtered = env.Get("/v1/search?size=1" + params + "&in_stock=" + (b.at("value").as_bool() ? "true" : "false"));
    if (filtered.body.at("total").as_int64() != b.at("count").as_int64()) ok = false;
  }
  int checked = 0;
  for (const auto& b : answer.at("facets").at("price").as_array()) {
    if (b.at("count").as_int64() == 0) continue;
    auto filtered = env.Get("/v1/search?size=1" + params + "&price=" + std::string(b.at("key").as_string()));
    if (filtered.body.at("total").as_int64() != b.at("count").as_int64()) {
      ok = false;
      note += ", price " + std::string(b.at("key").as_string()) + " says " + std::to_string(b.at("count").as_int64()) + " but gives " +
              std::to_string(filtered.body.at("total").as_int64());
    }
    ++checked;
  }
  note += ", " + std::to_string(checked) + " price buckets checked";
  return ok;
}

std::vector<Case> Cases() {
  std::vector<Case> c;
  // Plain queries: brand, model, product type.
  c.push_back(Search("search", "samsung+galaxy", "Samsung, title has Galaxy", All({Brand("Samsung"), TitleHas({"galaxy"})}), 1.0));
  c.push_back(Search("search", "iphone", "title has iPhone", TitleHas({"iphone"}), 1.0));
  c.push_back(Search("search", "iphone+15+pro", "title has iPhone 15 Pro", TitleHas({"iphone 15 pro"})));
  c.push_back(Search("search", "pixel", "title has Pixel", TitleHas({"pixel"}), 1.0));
  c.push_back(Search("search", "macbook", "title has MacBook", TitleHas({"macbook"}), 1.0));
  c.push_back(Search("search", "laptop", "category Laptops", Category({"Laptops"})));
  c.push_back(Search("search", "running+shoes", "category Running Shoes", Category({"Running Shoes"})));
  c.push_back(Search("search", "sneakers", "category Sneakers", Category({"Sneakers"})));
  c.push_back(Search("search", "nike+sneakers", "Nike sneakers", All({Brand("Nike"), Category({"Sneakers"})})));
  c.push_back(Search("search", "wrap+dress", "title has Wrap Dress", TitleHas({"wrap dress"})));
  c.push_back(Search("search", "oxford+shirt", "title has Oxford Shirt", TitleHas({"oxford shirt"}), 1.0));
  c.push_back(Search("search", "hoodie", "category Hoodies & Sweatshirts", Category({"Hoodies & Sweatshirts"})));
  c.push_back(Search("search", "food+processor", "title has Food Processor", TitleHas({"food processor"}), 1.0));
  c.push_back(Search("search", "standing+desk", "category Desks", Category({"Desks"})));
  c.push_back(Search("search", "office+chair", "category Office Chairs", Category({"Office Chairs"})));
  c.push_back(Search("search", "yoga+mat", "category Yoga Mats", Category({"Yoga Mats"}), 1.0));
  c.push_back(Search("search", "coffee+machine", "category Coffee Machines", Category({"Coffee Machines"})));
  c.push_back(Search("search", "headphones", "category Headphones", Category({"Headphones"})));
  c.push_back(Search("search", "levis+jeans", "Levi's jeans", All({Brand("Levi's"), Category({"Jeans"})})));
  // Misspellings.
  c.push_back(Search("misspelling", "samsng+galaxy", "Samsung Galaxy", All({Brand("Samsung"), TitleHas({"galaxy"})}), 1.0));
  c.push_back(Search("misspelling", "iphnoe", "title has iPhone", TitleHas({"iphone"}), 1.0));
  c.push_back(Search("misspelling", "headphnes", "category Headphones", Category({"Headphones"})));
  c.push_back(Search("misspelling", "snekers", "category Sneakers", Category({"Sneakers"})));
  c.push_back(Search("misspelling", "macbok+air", "title has MacBook Air", TitleHas({"macbook air"}), 1.0));
  c.push_back(Search("misspelling", "cofee+machine", "category Coffee Machines", Category({"Coffee Machines"})));
  // Synonyms (config/synonyms.txt).
  c.push_back(Search("synonym", "tv", "category Televisions", Category({"Televisions"}), 1.0));
  c.push_back(Search("synonym", "notebook", "category Laptops", Category({"Laptops"})));
  c.push_back(Search("synonym", "trainers", "category Sneakers", Category({"Sneakers"})));
  c.push_back(Search("synonym", "cell+phone", "category Smartphones", Category({"Smartphones"})));
  c.push_back(Search("synonym", "earbuds", "category Headphones", Category({"Headphones"})));
  // Autocomplete prefixes.
  c.push_back(Suggest("sams", "titles with a word starting sams (Samsung, Samsonite); brand Samsung", TitleHas({"sams"}), "brands", "Samsung"));
  c.push_back(Suggest("iph", "iPhone titles", TitleHas({"iphone"}), "", ""));
  c.push_back(Suggest("galaxy+s2", "Galaxy S2x titles", TitleHas({"galaxy s2"}), "", ""));
  c.push_back(Suggest("nik", "titles with a word starting nik (Nike, Nikon); brand Nike", TitleHas({"nik"}), "brands", "Nike"));
  c.push_back(Suggest("runn", "running titles; category Running Shoes", TitleHas({"running"}), "categories", "Running Shoes"));
  // Facet counts. Results are collapsed on model lines, and so are the counts: a value's count is
  // the total its filter gives. A line is in one category (one product type), so the category tree
  // adds up to the total; its products may differ in price and stock, so those buckets may overlap.
  c.push_back({"facets", "/v1/search?size=1", "one result per model line; tree adds up; each stock and price count is its filter's total",
               [](SearchEnv& env, const json::value& a, std::string& note) {
                 auto total = a.at("total").as_int64();
                 bool ok = total == g_lines && TreeAddsUp(a, note) && CountsAreTotals(env, a, "", note);
                 note += ", " + std::to_string(g_lines) + " lines of " + std::to_string(g_active) + " products";
                 return ok ? 1.0 : 0.0;
               },
               1.0});
  c.push_back({"facets", "/v1/search?size=1&q=shirt", "q=shirt: tree adds up; each stock and price count is its filter's total",
               [](SearchEnv& env, const json::value& a, std::string& note) {
                 bool ok = TreeAddsUp(a, note) && CountsAreTotals(env, a, "&q=shirt", note);
                 return ok ? 1.0 : 0.0;
               },
               1.0});
  c.push_back({"facets", "/v1/search?size=1&brand=samsung&in_stock=true",
               "brand facet ignores the brand filter; others narrow",
               [](SearchEnv& env, const json::value& a, std::string& note) {
                 auto stocked = env.Get("/v1/search?size=1&in_stock=true").body;
                 auto brands = Sum(a.at("facets").at("brand"));
                 auto out_of_stock = env.Get("/v1/search?size=1&brand=samsung&in_stock=false").body.at("total").as_int64();
                 std::int64_t yes = -1, no = -1;
                 for (const auto& b : a.at("facets").at("in_stock").as_array())
                   (b.at("value").as_bool() ? yes : no) = b.at("count").as_int64();
                 note = "brands " + std::to_string(brands) + " = in stock " + std::to_string(stocked.at("total").as_int64()) +
                        "; in_stock facet " + std::to_string(yes) + "/" + std::to_string(no) + " = samsung in/out of stock " +
                        std::to_string(a.at("total").as_int64()) + "/" + std::to_string(out_of_stock);
                 return brands == stocked.at("total").as_int64() && yes == a.at("total").as_int64() && no == out_of_stock &&
                                a.at("total").as_int64() > 0
                            ? 1.0
                            : 0.0;
               },
               1.0});
  // "No results" answers that suggest a correction (the first letter is wrong: no fuzzy match).
  auto dym = [](std::string q, std::string expected) {
    return Case{"did-you-mean", "/v1/search?q=" + q, "0 results, did_you_mean = " + expected,
                [expected](SearchEnv&, const json::value& a, std::string& note) {
                  const auto& d = a.at("facets").is_object() ? a.as_object().if_contains("did_you_mean") : nullptr;
                  note = "total " + std::to_string(a.at("total").as_int64()) + ", did_you_mean " + (d ? json::serialize(*d) : "absent");
                  return a.at("total").as_int64() == 0 && d && d->is_string() && d->as_string() == expected ? 1.0 : 0.0;
                },
                1.0};
  };
  c.push_back(dym("balaxy", "galaxy"));
  c.push_back(dym("vacbook", "macbook"));
  return c;
}

// Runs store_catalog_demo into `database`; true on exit 0.
bool RunDemo(const store::db::Options& db, std::string& output) {
  std::string cmd = "CATALOG_DB_HOST=" + db.host + " CATALOG_DB_PORT=" + std::to_string(db.port) + " CATALOG_DB_USER=" + db.user +
                    " CATALOG_DB_PASSWORD=" + db.password + " CATALOG_DB_DATABASE=" + db.database + " " STORE_CATALOG_DEMO_BIN
                    " --seed " + std::to_string(kDemoSeed) + " --products " + std::to_string(kDemoProducts) + " --no-images 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return false;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) output += buf;
  int status = pclose(p);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST(SearchRelevance, DemoCatalog) {
  auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  };
  store::testing::TempDatabase database("search_demo");
  std::string demo_output;
  ASSERT_TRUE(RunDemo(database.options(), demo_output)) << demo_output;
  std::printf("demo: %s(%lld ms)\n", demo_output.substr(demo_output.rfind("demo catalog") == std::string::npos ? 0 : demo_output.rfind("demo catalog")).c_str(),
              static_cast<long long>(elapsed()));

  // The outbox, published to a temp topic as the relay would (same key, value and event_id).
  store::db::Database db(database.options());
  auto rows = db.RunSync([&](store::db::Connection& c) {
    return c.Query("SELECT topic, msg_key, event_id, payload FROM outbox ORDER BY id");
  });
  ASSERT_TRUE(rows) << rows.error().message;
  SearchEnv env(/*start_indexer=*/false);
  std::vector<store::messaging::OutgoingMessage> messages;
  for (const auto& r : *rows) {
    if (r.Text("topic") != "product.upserted.v1") continue;
    messages.push_back({env.upserted().name(), r.Text("msg_key"), r.Text("payload"), {{"event_id", r.Text("event_id")}}});
  }
  auto counts = db.RunSync([&](store::db::Connection& c) {
    return c.QueryOne("SELECT COUNT(*) AS n, SUM(status = 'active') AS active, "
                      "COUNT(DISTINCT CASE WHEN status = 'active' THEN COALESCE(model_line, id) END) AS line_count FROM products");
  });
  ASSERT_TRUE(counts && *counts);
  g_active = (*counts)->Int("active");
  g_lines = (*counts)->Int("line_count");
  ASSERT_LT(g_lines, g_active) << "the demo's colourways and configurations share model lines";
  ASSERT_GT(g_active, kDemoProducts / 2);
  ASSERT_EQ(static_cast<std::int64_t>(messages.size()), (*counts)->Int("n"));  // one event per product
  auto producer = store::messaging::Producer::Create(store::testing::KafkaTestConfig());
  ASSERT_TRUE(producer);
  for (const auto& s : (*producer)->ProduceAll(messages)) ASSERT_TRUE(s) << s.error().message;

  // The reindex code path: replay the topic into a new index, swap the alias.
  ReindexOptions options{.kafka = store::testing::KafkaTestConfig(),
                         .topics = {env.upserted().name(), env.archived().name()},
                         .batch_size = 500,
                         .timeout = std::chrono::seconds(120),
                         .delete_grace = std::chrono::milliseconds(0)};
  auto report = Reindex(env.index(), options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->outcome.applied, messages.size());
  EXPECT_EQ(report->outcome.rejected, 0u) << report->outcome.first_error;
  std::printf("indexed %zu demo products by replay in %lld ms (at %lld ms)\n", report->outcome.applied,
              static_cast<long long>(report->took.count()), static_cast<long long>(elapsed()));

  auto cases = Cases();
  ASSERT_GE(cases.size(), 30u);
  std::printf("\n| # | kind | query | relevant when | precision | min | notes |\n|---|---|---|---|---|---|---|\n");
  double sum = 0;
  std::vector<std::string> failures;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto& c = cases[i];
    auto answer = env.Get(c.query);
    std::string note;
    double p = 0;
    if (answer.status != 200) note = "HTTP " + std::to_string(answer.status);
    else p = c.score(env, answer.body, note);
    sum += p;
    std::printf("| %zu | %s | `%s` | %s | %.2f | %.2f | %s |\n", i + 1, c.kind.c_str(), c.query.c_str(), c.expect.c_str(), p, c.min,
                note.c_str());
    if (p + 1e-9 < c.min) failures.push_back(c.query);
  }
  double mean = sum / static_cast<double>(cases.size());
  std::printf("\nmean precision %.3f over %zu queries (threshold 0.90), %zu under their minimum; total %lld ms\n\n", mean,
              cases.size(), failures.size(), static_cast<long long>(elapsed()));
  std::fflush(stdout);
  EXPECT_GE(mean, 0.9);
  for (const auto& f : failures) ADD_FAILURE() << "under its minimum precision: " << f;
}
