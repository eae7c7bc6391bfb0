#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "adapters/template_files.hpp"
#include "domain/catalog.hpp"

namespace n = store::notification;
namespace json = boost::json;

namespace {

n::Catalog Load() {
  auto c = n::LoadCatalog(STORE_NOTIFICATION_DIR "/templates",
                          n::CatalogOptions{"Test & Shop", "https://shop.example/", "en"});
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
  return std::move(*c);
}

std::vector<n::Notification> Build(const n::Catalog& c, const std::string& type, const std::string& data) {
  const n::Mapping* m = c.Find(type);
  EXPECT_NE(m, nullptr) << type;
  auto built = c.Build(*m, json::parse(data));
  EXPECT_TRUE(built.has_value()) << (built ? "" : built.error().message);
  return built ? *built : std::vector<n::Notification>{};
}

}  // namespace

TEST(Catalog, LoadsEveryMappingWithItsTemplates) {
  auto c = Load();
  std::vector<std::string> want = {"order.cancelled.v1", "order.confirmed.v1", "order.delivered.v1",
                                   "order.shipped.v1",   "payment.refunded.v1", "payment.succeeded.v1",
                                   "user.email_changed.v1", "user.email_verification_requested.v1",
                                   "user.password_reset_requested.v1", "user.registered.v1",
                                   "user.second_factor_changed.v1"};
  EXPECT_EQ(c.EventTypes(), want);
}

TEST(Catalog, VerificationEmailCarriesAnEncodedLinkUnderTheBaseUrl) {
  auto c = Load();
  auto out = Build(c, "user.email_verification_requested.v1",
                   R"({"user_id": "u1", "email": "ann@example.com", "name": "Ann <b>", "token": "tok+/=",
                       "expires_at": "2026-11-25T10:00:00Z"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].channel, "email");
  EXPECT_EQ(out[0].recipient, "ann@example.com");
  EXPECT_EQ(out[0].subject, "Confirm your email address for Test & Shop");
  EXPECT_NE(out[0].text.find("https://shop.example/verify-email?token=tok%2B%2F%3D"), std::string::npos) << out[0].text;
  EXPECT_NE(out[0].html.find("href=\"https://shop.example/verify-email?token=tok%2B%2F%3D\""), std::string::npos);
  EXPECT_NE(out[0].html.find("Ann &lt;b&gt;"), std::string::npos);
  EXPECT_EQ(out[0].html.find("<b>"), std::string::npos);
  EXPECT_NE(out[0].html.find("Test &amp; Shop"), std::string::npos);  // config text is escaped too
}

TEST(Catalog, EmailChangedGoesToTheOldAddress) {
  auto c = Load();
  auto out = Build(c, "user.email_changed.v1", R"({"user_id": "u1", "old_email": "old@example.com", "new_email": "new@example.com"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].recipient, "old@example.com");
  EXPECT_NE(out[0].text.find("new@example.com"), std::string::npos);
}

TEST(Catalog, SmsOnlyWhenTheCustomerOptedIn) {
  auto c = Load();
  auto without = Build(c, "user.password_reset_requested.v1",
                       R"({"user_id": "u", "email": "a@example.com", "token": "t", "expires_at": "x", "phone": "+4915112345678"})");
  EXPECT_EQ(without.size(), 1u);
  auto with = Build(c, "user.password_reset_requested.v1",
                    R"({"user_id": "u", "email": "a@example.com", "token": "t", "expires_at": "x",
                        "phone": "+4915112345678", "sms_opt_in": true})");
  ASSERT_EQ(with.size(), 2u);
  EXPECT_EQ(with[1].channel, "sms");
  EXPECT_EQ(with[1].recipient, "+4915112345678");
  EXPECT_NE(with[1].text.find("https://shop.example/reset-password?token=t"), std::string::npos);
  const n::Mapping* m = c.Find("user.password_reset_requested.v1");
  auto bad = c.Build(*m, json::parse(R"({"email": "a@example.com", "token": "t", "phone": "12345", "sms_opt_in": true})"));
  ASSERT_FALSE(bad.has_value());
}

TEST(Catalog, OrderConfirmationListsLinesAndFormatsMoney) {
  auto c = Load();
  auto out = Build(c, "order.confirmed.v1", R"({
      "order_id": "o-1", "order_number": "A-1001", "email": "bo@example.com", "name": "Bo",
      "lines": [{"sku": "MUG-1", "name": "Mug <i>", "quantity": 2,
                 "unit_price": {"minor": 1299, "currency": "EUR"}, "line_total": {"minor": 2598, "currency": "EUR"}}],
      "subtotal": {"minor": 2598, "currency": "EUR"}, "shipping": {"minor": 499, "currency": "EUR"},
      "total": {"minor": 3097, "currency": "EUR"}})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].subject, "Test & Shop: order A-1001 confirmed");
  EXPECT_NE(out[0].text.find("2 x Mug <i> (MUG-1)  12.99 EUR  = 25.98 EUR"), std::string::npos) << out[0].text;
  EXPECT_NE(out[0].text.find("Total:     30.97 EUR"), std::string::npos);
  EXPECT_NE(out[0].html.find("Mug &lt;i&gt;"), std::string::npos);
  EXPECT_NE(out[0].html.find("https://shop.example/account/orders/o-1"), std::string::npos);
}

TEST(Catalog, ExternalUrlsMustBeHttp) {
  auto c = Load();
  auto ok = Build(c, "order.shipped.v1", R"({"order_id": "o", "order_number": "A", "email": "a@example.com",
      "carrier": "DHL", "tracking_number": "123", "tracking_url": "https://track.example/?n=1&x=2"})");
  EXPECT_NE(ok[0].html.find("href=\"https://track.example/?n=1&amp;x=2\""), std::string::npos) << ok[0].html;
  auto evil = Build(c, "order.shipped.v1", R"json({"order_id": "o", "order_number": "A", "email": "a@example.com",
      "carrier": "DHL", "tracking_number": "123", "tracking_url": "javascript:alert(1)"})json");
  EXPECT_EQ(evil[0].html.find("javascript"), std::string::npos);
  EXPECT_EQ(evil[0].text.find("javascript"), std::string::npos);
}

TEST(Catalog, RefusesEventsWithoutAValidRecipient) {
  auto c = Load();
  const n::Mapping* m = c.Find("user.registered.v1");
  EXPECT_FALSE(c.Build(*m, json::parse(R"({"user_id": "u"})")).has_value());
  EXPECT_FALSE(c.Build(*m, json::parse(R"({"email": "a@example.com\r\nBcc: x@evil.example"})")).has_value());
  EXPECT_FALSE(c.Build(*m, json::parse(R"({"email": "Ann <a@example.com>"})")).has_value());
  EXPECT_FALSE(c.Build(*m, json::parse(R"([1, 2])")).has_value());
}

TEST(Catalog, SubjectsStayOnOneLine) {
  auto c = Load();
  auto out = Build(c, "user.registered.v1", R"({"email": "a@example.com", "name": "Ann\r\nBcc: evil@example.com"})");
  EXPECT_EQ(out[0].subject.find('\n'), std::string::npos);
  EXPECT_EQ(out[0].subject.find('\r'), std::string::npos);
}

TEST(Catalog, FallsBackToTheDefaultLocale) {
  auto c = Load();
  auto out = Build(c, "user.registered.v1", R"({"email": "a@example.com", "locale": "de-AT"})");
  EXPECT_EQ(out[0].locale, "en");
}

TEST(Validation, EmailsAndPhones) {
  EXPECT_TRUE(n::IsValidEmail("a.b+c@example.co.uk"));
  EXPECT_FALSE(n::IsValidEmail("no-at.example.com"));
  EXPECT_FALSE(n::IsValidEmail("a@b@c"));
  EXPECT_FALSE(n::IsValidEmail("a @example.com"));
  EXPECT_FALSE(n::IsValidEmail("a@exa_mple.com"));
  EXPECT_TRUE(n::IsValidPhone("+4915112345678"));
  EXPECT_FALSE(n::IsValidPhone("015112345678"));
  EXPECT_FALSE(n::IsValidPhone("+0123456789"));
}

TEST(Catalog, TheSecondFactorNoticeSaysWhatChangedAndWhoChangedIt) {
  auto c = Load();
  auto on = Build(c, "user.second_factor_changed.v1", R"({"user_id": "u1", "email": "a@example.com", "enabled": true, "by_admin": false})");
  ASSERT_EQ(on.size(), 1u);
  EXPECT_EQ(on[0].recipient, "a@example.com");
  EXPECT_EQ(on[0].subject, "Two-step verification was turned on for your Test & Shop account");
  EXPECT_NE(on[0].text.find("is now on"), std::string::npos) << on[0].text;
  EXPECT_NE(on[0].text.find("https://shop.example/account/security"), std::string::npos);
  auto off = Build(c, "user.second_factor_changed.v1", R"({"user_id": "u1", "email": "a@example.com", "enabled": false, "by_admin": false})");
  ASSERT_EQ(off.size(), 1u);
  EXPECT_EQ(off[0].subject, "Two-step verification was turned off for your Test & Shop account");
  EXPECT_NE(off[0].text.find("your password alone signs you in"), std::string::npos) << off[0].text;
  EXPECT_EQ(off[0].text.find("our staff"), std::string::npos);
  auto removed = Build(c, "user.second_factor_changed.v1", R"({"user_id": "u1", "email": "a@example.com", "enabled": false, "by_admin": true})");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_NE(removed[0].html.find("our staff removed two-step verification"), std::string::npos) << removed[0].html;
}

// Every mapped event renders with the fields its README entry lists: non-empty parts, the order
// id as the fallback for a missing order number, every money value formatted.
TEST(Catalog, EveryTemplateRendersWithItsDocumentedFields) {
  auto c = Load();
  const std::string money = R"({"minor": 1999, "currency": "EUR"})";
  const std::map<std::string, std::string> samples = {
      {"user.registered.v1", R"({"email": "a@example.com", "name": "A"})"},
      {"user.email_verification_requested.v1", R"({"email": "a@example.com", "token": "t", "expires_at": "2030-01-01T00:00:00Z"})"},
      {"user.password_reset_requested.v1", R"({"email": "a@example.com", "token": "t", "expires_at": "2030-01-01T00:00:00Z"})"},
      {"user.email_changed.v1", R"({"old_email": "a@example.com", "new_email": "b@example.com"})"},
      {"user.second_factor_changed.v1", R"({"email": "a@example.com", "enabled": true, "by_admin": false})"},
      {"order.confirmed.v1", R"({"order_id": "o-77", "email": "a@example.com", "lines": [{"sku": "S", "name": "N", "quantity": 1, "unit_price": )" +
                                 money + R"(, "line_total": )" + money + R"(}], "subtotal": )" + money + R"(, "shipping": )" + money +
                                 R"(, "total": )" + money + "}"},
      {"payment.succeeded.v1", R"({"order_id": "o-77", "payment_id": "p", "email": "a@example.com", "amount": )" + money + "}"},
      {"order.shipped.v1", R"({"order_id": "o-77", "email": "a@example.com", "carrier": "DHL", "tracking_number": "1"})"},
      {"order.delivered.v1", R"({"order_id": "o-77", "email": "a@example.com"})"},
      {"order.cancelled.v1", R"({"order_id": "o-77", "email": "a@example.com", "reason": "customer", "refund": )" + money + "}"},
      {"payment.refunded.v1", R"({"order_id": "o-77", "payment_id": "p", "refund_id": "r", "email": "a@example.com", "amount": )" + money + "}"},
  };
  ASSERT_EQ(samples.size(), c.EventTypes().size());
  for (const auto& [type, data] : samples) {
    auto out = Build(c, type, data);
    ASSERT_EQ(out.size(), 1u) << type;
    EXPECT_FALSE(out[0].subject.empty()) << type;
    EXPECT_FALSE(out[0].text.empty()) << type;
    EXPECT_NE(out[0].html.find("<html"), std::string::npos) << type;
    if (type.starts_with("order.") || type.starts_with("payment.")) {
      EXPECT_NE(out[0].subject.find("o-77"), std::string::npos) << type << ": " << out[0].subject;
      EXPECT_NE(out[0].text.find("https://shop.example/account/orders/o-77"), std::string::npos) << type;
    }
    if (data.find("minor") != std::string::npos) {
      EXPECT_NE(out[0].text.find("19.99 EUR"), std::string::npos) << type << ": " << out[0].text;
    }
  }
}

// ---- the catalog's rules, without files ------------------------------------------------------

namespace {

n::Mapping Welcome(bool sms) {
  n::Mapping m;
  m.event_type = "user.registered.v1";
  m.template_name = "welcome";
  m.email_fields = {"email"};
  if (sms) {
    m.sms_phone = "phone";
    m.sms_opt_in = "sms_opt_in";
  }
  return m;
}

n::TemplateFiles WelcomeTexts() {
  return {{"en", {{"welcome.subject", "Hi {{name}}"}, {"welcome.txt", "Hello {{name}}"}, {"welcome.html", "<p>{{name}}</p>"}}},
          {"de", {{"welcome.subject", "Hallo {{name}}"}, {"welcome.txt", "Hallo {{name}}"}, {"welcome.html", "<p>{{name}}</p>"}}}};
}

std::string CreateError(std::vector<n::Mapping> mappings, const n::TemplateFiles& files, std::string locale = "en") {
  auto c = n::Catalog::Create(n::CatalogOptions{"Shop", "https://shop.example", std::move(locale)}, std::move(mappings), files);
  EXPECT_FALSE(c.has_value());
  return c ? "" : c.error().message;
}

}  // namespace

TEST(CatalogRules, EveryLocaleNeedsEveryPartOfAMappedTemplate) {
  auto files = WelcomeTexts();
  ASSERT_TRUE(n::Catalog::Create({}, {Welcome(false)}, files).has_value());
  files["de"].erase("welcome.html");
  EXPECT_EQ(CreateError({Welcome(false)}, files), "de/welcome.html is missing");
}

TEST(CatalogRules, ABrokenTemplateIsNamed) {
  auto files = WelcomeTexts();
  files["en"]["welcome.txt"] = "Hello {{name";
  EXPECT_TRUE(CreateError({Welcome(false)}, files).starts_with("en/welcome.txt: ")) << CreateError({Welcome(false)}, files);
}

TEST(CatalogRules, AnSmsRuleNeedsSmsTextsInEveryLocale) {
  auto files = WelcomeTexts();
  files["en"]["welcome.sms"] = "Hi {{name}}";
  EXPECT_EQ(CreateError({Welcome(true)}, files), "user.registered.v1: has an sms rule but de/welcome.sms is missing");
  files["de"]["welcome.sms"] = "Hallo {{name}}";
  auto c = n::Catalog::Create({}, {Welcome(true)}, files);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  auto built = c->Build(*c->Find("user.registered.v1"),
                        json::parse(R"({"email": "a@example.com", "name": "Ann", "locale": "de", "phone": "+4915112345678", "sms_opt_in": true})"));
  ASSERT_TRUE(built.has_value()) << built.error().message;
  ASSERT_EQ(built->size(), 2u);
  EXPECT_EQ(built->at(0).subject, "Hallo Ann");
  EXPECT_EQ(built->at(1).text, "Hallo Ann");
}

TEST(CatalogRules, TheDefaultLocaleMustExistAndAnEventIsMappedOnce) {
  EXPECT_EQ(CreateError({Welcome(false)}, WelcomeTexts(), "fr"), "no templates for the default locale 'fr'");
  EXPECT_EQ(CreateError({Welcome(false), Welcome(false)}, WelcomeTexts()), "user.registered.v1: mapped twice");
}
