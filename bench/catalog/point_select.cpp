// store_bench_point_select: the MariaDB reference of the catalog benchmark. T threads, each on
// its own pooled connection (store::db, the driver path the catalog uses), run a primary-key
// SELECT of one product row back to back for D seconds; prints JSON with the rate and the
// latency percentiles of one round trip.
//   store_bench_point_select --database DB --id PRODUCT_ID [--threads 4] [--duration 5]
// Connection settings from the CATALOG_DB_* environment (host, port, user, password).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "store/db/db.hpp"

int main(int argc, char** argv) {
  std::string database, id;
  int threads = 4;
  double duration = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--database") database = argv[i + 1];
    else if (a == "--id") id = argv[i + 1];
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--duration") duration = std::atof(argv[i + 1]);
  }
  if (database.empty() || id.empty() || threads < 1) {
    std::fprintf(stderr, "usage: store_bench_point_select --database DB --id PRODUCT_ID [--threads N] [--duration S]\n");
    return 2;
  }
  auto env = [](const char* k, const char* d) { const char* v = std::getenv(k); return std::string(v && *v ? v : d); };
  store::db::Options o;
  o.host = env("CATALOG_DB_HOST", "127.0.0.1");
  o.port = static_cast<std::uint16_t>(std::stoi(env("CATALOG_DB_PORT", "13306")));
  o.user = env("CATALOG_DB_USER", "store");
  o.password = env("CATALOG_DB_PASSWORD", "store-dev-only");
  o.database = database;
  o.pool_size = static_cast<std::size_t>(threads);
  store::db::Database db(o);
  std::atomic<bool> stop{false}, failed{false};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(threads));
  std::vector<std::thread> ts;
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      auto lease = db.Acquire();
      if (!lease) {
        failed = true;
        return;
      }
      while (!stop) {
        auto a = std::chrono::steady_clock::now();
        auto r = (*lease)->QueryOne("SELECT id, slug, title, price_min_minor, available_skus FROM products WHERE id = ?", id);
        auto b = std::chrono::steady_clock::now();
        if (!r || !*r) {
          failed = true;
          return;
        }
        lat[static_cast<std::size_t>(t)].push_back(std::chrono::duration<double, std::milli>(b - a).count());
      }
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(duration));
  stop = true;
  for (auto& t : ts) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (failed) {
    std::fprintf(stderr, "store_bench_point_select: query failed\n");
    return 1;
  }
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))]; };
  std::printf("{\"threads\":%d,\"queries\":%zu,\"qps\":%.0f,\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f}}\n", threads,
              all.size(), all.size() / secs, pct(0.5), pct(0.9), pct(0.99), all.empty() ? 0.0 : all.back());
  return 0;
}
