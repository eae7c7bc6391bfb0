// store_catalog_demo: fills an empty catalog with the demo shop (see README.md, "Demo catalog").
//   store_catalog_demo [--seed N] [--products N] [--if-empty] [--no-images] [--threads N]
// Settings as store_catalog's (CATALOG_* environment, services/catalog/config/defaults.conf):
// the database, media.dir, shop.currency. Exit 0 on success (or a non-empty catalog with
// --if-empty), 1 on failure, 2 on bad arguments.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tools/demo.hpp"
#include "wiring.hpp"
#include "store/config/config.hpp"
#include "store/log/log.hpp"

namespace catalog = store::catalog;

int main(int argc, char** argv) {
  catalog::DemoOptions demo;
  bool if_empty = false, images = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> long long {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "store_catalog_demo: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return std::strtoll(argv[++i], nullptr, 10);
    };
    if (a == "--seed") demo.seed = static_cast<std::uint64_t>(value());
    else if (a == "--products") demo.products = static_cast<int>(value());
    else if (a == "--threads") demo.threads = static_cast<int>(value());
    else if (a == "--if-empty") if_empty = true;
    else if (a == "--no-images") images = false;
    else {
      std::fprintf(stderr, "usage: store_catalog_demo [--seed N] [--products N] [--if-empty] [--no-images] [--threads N]\n");
      return 2;
    }
  }
  if (demo.products < 1 || demo.products > 100000) {
    std::fprintf(stderr, "store_catalog_demo: --products must be within 1..100000\n");
    return 2;
  }
  std::optional<std::string> file;
  if (std::filesystem::exists("services/catalog/config/defaults.conf")) file = "services/catalog/config/defaults.conf";
  catalog::ServiceOptions options;
  try {
    store::config::Loader cfg("CATALOG", file);
    options = catalog::ServiceOptions::Declare(cfg);
    cfg.Finish();
  } catch (const store::config::ConfigError& e) {
    std::fprintf(stderr, "store_catalog_demo: bad configuration: %s\n", e.what());
    return 2;
  }
  store::log::Init("catalog-demo", store::log::Level::info);
  try {
    store::core::SystemClock clock;
    catalog::CatalogEngines engines(options);
    catalog::CatalogService service(options, engines, clock, nullptr, nullptr);  // no HTTP: no route checks
    service.Migrate();
    auto empty = catalog::CatalogIsEmpty(service.db());
    if (!empty) throw std::runtime_error(empty.error().message);
    if (!*empty) {
      std::printf("the catalog already has products%s\n", if_empty ? ": nothing to do" : "");
      return if_empty ? 0 : 1;
    }
    if (images) demo.media_dir = options.media_dir;
    auto start = std::chrono::steady_clock::now();
    auto stats = catalog::GenerateDemo(service.db(), service.handlers(), options.settings, clock, demo);
    if (!stats) throw std::runtime_error(stats.error().message);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("demo catalog (seed %llu): %d categories, %d product types, %d brands, %d products, %d SKUs, %lld units, %d images in %.1f s (from %d combinations)\n",
                static_cast<unsigned long long>(demo.seed), stats->categories, stats->product_types, stats->brands, stats->products,
                stats->variants, static_cast<long long>(stats->units), stats->images, secs, stats->combinations);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_catalog_demo: %s\n", e.what());
    return 1;
  }
  return 0;
}
