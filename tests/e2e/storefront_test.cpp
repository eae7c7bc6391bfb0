// The storefront in a real browser: Debian's chromium, driven by playwright-core
// (web/storefront/tests/e2e.mjs), against the storefront's build served by the gateway of a small
// shop (e2e::Shop: the real user, catalog, search and cart services behind nginx). The script
// walks the shopper's journeys and exits non-zero at the first check that fails; its output (one
// line per step) is printed either way.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/process.hpp"
#include "support/shop.hpp"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(StorefrontE2E, AShopperSearchesFiltersPicksAVariantFillsACartRegistersAndSignsInInChromium) {
  e2e::Shop shop(STORE_STOREFRONT_DIST);
  e2e::TempDir dir("store-e2e-storefront");
  const std::string log = dir.path() + "/browser.log";
  const int code = e2e::RunCommand(
      {STORE_NODE, e2e::SourceDir() + "/web/storefront/tests/e2e.mjs"},
      {{"STORE_URL", shop.Gw("")}, {"CHROMIUM", STORE_CHROMIUM}, {"STORE_E2E_ARTIFACTS", dir.path()}}, log);
  const std::string out = ReadFile(log);
  std::cout << out;
  EXPECT_EQ(code, 0) << "the browser journey failed (above); the services' logs:\n" << shop.Logs();
}

}  // namespace
