// The storefront in a real browser: Debian's chromium, driven by playwright-core
// (web/storefront/tests/e2e.mjs), against the storefront's build served by the gateway of a small
// shop (e2e::Shop: the real user, catalog, search and cart services behind nginx; with its account
// side: verification and reset emails through the real notification service to MailDev, social
// login through the local OpenID provider). The script
// walks the shopper's journeys and exits non-zero at the first check that fails; its output (one
// line per step) is printed either way. Then Lighthouse's budgets on the same shop's pages
// (web/storefront/tests/lighthouse.mjs, mobile emulation).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "store/testing/engines.hpp"
#include "support/maildev.hpp"
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
  // Every address of the run at a domain of its own: its emails are found, then deleted, in the
  // shared MailDev; the OpenID provider signs in any address there.
  std::string domain = store::testing::UniqueName("sf") + ".test";
  std::replace(domain.begin(), domain.end(), '_', '-');
  // One browser signs in, out and in again (password, reset, two-step, recovery code) within a
  // minute: more than the gateway's default sign-in burst per IP (5), which gateway_component_test checks.
  e2e::Shop shop({.static_root = STORE_STOREFRONT_DIST, .accounts = true, .oidc_domain = domain, .auth_burst = 20});
  e2e::TempDir dir("store-e2e-storefront");
  const int code = e2e::RunJourney(shop, "web/storefront/tests/e2e.mjs", domain, dir.path(), STORE_NODE, STORE_CHROMIUM);
  EXPECT_EQ(code, 0) << "the browser journey failed (above); the services' logs:\n" << shop.Logs();
  const auto ours = [&](const std::string& address) {
    return address.size() > domain.size() && address.ends_with("@" + domain);
  };
  e2e::DeleteMails(shop.maildev_url(), ours);

  // The budgets: performance >= 90, accessibility, best practices and SEO >= 95 on every page.
  const std::string lighthouse_log = dir.path() + "/lighthouse.log";
  const int lighthouse = e2e::RunCommand(
      {STORE_NODE, e2e::SourceDir() + "/web/storefront/tests/lighthouse.mjs"},
      {{"STORE_URL", shop.Gw("")}, {"CHROMIUM", STORE_CHROMIUM},
       {"PAGES", "/ /search?q=aurora /c/gadgets /p/aurora-phone /cart /login"}},
      lighthouse_log);
  std::cout << ReadFile(lighthouse_log);
  EXPECT_EQ(lighthouse, 0) << "a page missed a Lighthouse budget (above)";
}

}  // namespace
