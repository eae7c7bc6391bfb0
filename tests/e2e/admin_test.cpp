// The admin app in a real browser: Debian's chromium, driven by playwright-core
// (web/admin/tests/e2e.mjs), against the admin app's build served by the gateway of a small shop
// (e2e::Shop with its account side: emails through the real notification service to MailDev) whose
// admins have no grace period for two-step verification. The script walks the staff's journeys
// (a customer told the admin is for staff, the admin's enforced enrolment, customers: search,
// disable, enable, a second factor removed) and exits non-zero at the first check that fails; its
// output (one line per check) is printed either way.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/testing/engines.hpp"
#include "support/maildev.hpp"
#include "support/shop.hpp"

namespace {

TEST(AdminE2E, StaffTurnOnTwoStepVerificationThenFindDisableAndEnableACustomerInChromium) {
  std::string domain = store::testing::UniqueName("adm") + ".test";
  std::replace(domain.begin(), domain.end(), '_', '-');
  e2e::Shop shop({.static_root = STORE_STOREFRONT_DIST, .admin_root = STORE_ADMIN_DIST, .mfa_admin_grace = "0s",
                  .accounts = true, .oidc_domain = domain, .auth_burst = 20, .catalog_events = true});
  e2e::TempDir dir("store-e2e-admin");
  const int code = e2e::RunJourney(shop, "web/admin/tests/e2e.mjs", domain, dir.path(), STORE_NODE, STORE_CHROMIUM);
  EXPECT_EQ(code, 0) << "the browser journey failed (above); the services' logs:\n" << shop.Logs();
  e2e::DeleteMails(shop.maildev_url(), [&](const std::string& address) { return address.ends_with("@" + domain); });
}

}  // namespace
