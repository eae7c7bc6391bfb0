// Component tests of services/user against the real MariaDB, Redis and Kafka: registration and
// the password policy, verification, login and sessions, profile, email and password changes,
// reset, roles and admin, abuse limits and enumeration, events.
#include <sodium.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>

#include "domain/secrets.hpp"
#include "fixture.hpp"
#include "store/auth/auth.hpp"
#include "store/auth/secrets.hpp"

namespace usertest {
namespace {

std::string S(const json::object& o, const char* k) { return std::string(o.at(k).as_string()); }

using Registration = UserFixture;
using Verification = UserFixture;
using Sessions = UserFixture;
using Profile = UserFixture;
using Passwords = UserFixture;
using Admin = UserFixture;
using Abuse = UserFixture;
using Introspection = UserFixture;

TEST_F(Registration, CreatesAnArgon2idAccountAndPublishesBothEventsWithOnlyTheTokenHashStored) {
  auto r = Post("/v1/auth/register", {{"email", "Ada@Example.com"}, {"password", kPassword}, {"name", "Ada"},
                                      {"phone", "+4930123456"}, {"locale", "de"}, {"sms_opt_in", true}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.body, R"({"status":"accepted"})");
  auto hash = Scalar("SELECT password_hash FROM users WHERE email = 'ada@example.com'");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
  auto registered = Outbox("user.registered.v1");
  ASSERT_EQ(registered.size(), 1u);
  const auto& d = registered[0].data();
  EXPECT_EQ(S(d, "email"), "ada@example.com");
  EXPECT_EQ(S(d, "method"), "password");
  EXPECT_EQ(d.at("email_verified").as_bool(), false);
  EXPECT_EQ(S(d, "phone"), "+4930123456");
  EXPECT_EQ(d.at("sms_opt_in").as_bool(), true);
  EXPECT_EQ(registered[0].key, S(d, "user_id"));
  EXPECT_EQ(S(registered[0].event, "type"), "user.registered.v1");
  auto verification = Outbox("user.email_verification_requested.v1");
  ASSERT_EQ(verification.size(), 1u);
  auto token = S(verification[0].data(), "token");
  EXPECT_GE(token.size(), 22u);  // >= 128 bits in base64url
  EXPECT_EQ(S(verification[0].data(), "reason"), "registration");
  EXPECT_EQ(S(verification[0].data(), "locale"), "de");
  EXPECT_TRUE(store::core::ParseTimestamp(S(verification[0].data(), "expires_at")));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM email_tokens WHERE token_hash = '" + store::auth::Sha256Hex(token) + "'"), "1");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM email_tokens WHERE token_hash = '" + token + "'"), "0");
  for (const auto& row : Outbox()) EXPECT_EQ(row.event.at("data").as_object().count("password"), 0u);
}

TEST_F(Registration, AnExistingEmailGetsTheSameAnswerAndNothingIsPublished) {
  auto first = Post("/v1/auth/register", {{"email", "bob@example.com"}, {"password", kPassword}});
  ASSERT_EQ(first.status, 202);
  auto events = Outbox().size();
  auto again = Post("/v1/auth/register", {{"email", "BOB@example.com"}, {"password", "another long passphrase"}});
  EXPECT_EQ(again.status, first.status);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("content-type"), first.Header("content-type"));
  EXPECT_EQ(Outbox().size(), events);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM users WHERE email = 'bob@example.com'"), "1");
}

TEST_F(Registration, ThePasswordPolicyRefusesShortAndCommonPasswordsAndAcceptsLongOnes) {
  auto reg = [&](const std::string& email, const std::string& pw) {
    return Post("/v1/auth/register", {{"email", email}, {"password", pw}});
  };
  auto short_pw = reg("p1@example.com", "Ab1!xyz");
  EXPECT_EQ(short_pw.status, 422);
  EXPECT_NE(short_pw.body.find("\"field\":\"password\""), std::string::npos) << short_pw.body;
  EXPECT_EQ(reg("p2@example.com", "password").status, 422);
  EXPECT_EQ(reg("p3@example.com", "Sunshine1").status, 422) << "common passwords compare case-insensitively";
  EXPECT_EQ(reg("p4@example.com", std::string(1025, 'z')).status, 422);
  EXPECT_EQ(reg("p5@example.com", std::string(64, 'x') + " and more words").status, 202);
  EXPECT_EQ(reg("p6@example.com", std::string(1024, 'q')).status, 202);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM users"), "3");  // the admin and the two accepted
  EXPECT_EQ(Outbox("user.registered.v1").size(), 2u);
}

TEST_F(Registration, BadInputIsAFieldErrorAndChangesNothing) {
  auto bad_email = Post("/v1/auth/register", {{"email", "not-an-email"}, {"password", kPassword}});
  EXPECT_EQ(bad_email.status, 400);
  EXPECT_NE(bad_email.body.find("\"field\":\"email\""), std::string::npos);
  auto smuggled = Post("/v1/auth/register", {{"email", "eve@example.com"}, {"password", kPassword}, {"roles", "admin"}});
  EXPECT_EQ(smuggled.status, 400);
  EXPECT_NE(smuggled.body.find("\"field\":\"roles\""), std::string::npos);
  EXPECT_EQ(Call("POST", "/v1/auth/register", "{not json").status, 400);
  EXPECT_EQ(Call("POST", "/v1/auth/register", "[1,2]").status, 400);
  EXPECT_EQ(Post("/v1/auth/register", {{"email", 5}, {"password", kPassword}}).status, 400);
  EXPECT_EQ(Post("/v1/auth/register", {{"email", "x@example.com"}, {"password", kPassword}, {"phone", "12"}}).status, 400);
  auto form = Call("POST", "/v1/auth/register", "email=a", "", "10.0.0.1", {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM users"), "1");
  EXPECT_TRUE(Outbox().empty());
}

TEST_F(Verification, TheLinkIsSingleUseAndLoginWaitsForIt) {
  Post("/v1/auth/register", {{"email", "cy@example.com"}, {"password", kPassword}});
  auto token = LatestToken("user.email_verification_requested.v1", "cy@example.com");
  auto early = Post("/v1/auth/login", {{"email", "cy@example.com"}, {"password", kPassword}});
  EXPECT_EQ(early.status, 403) << early.body;
  auto ok = Post("/v1/auth/verify-email", {{"token", token}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(S(ok.Json(), "email"), "cy@example.com");
  auto twice = Post("/v1/auth/verify-email", {{"token", token}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(Post("/v1/auth/verify-email", {{"token", "forged-token"}}).status, 400);
  EXPECT_EQ(Post("/v1/auth/login", {{"email", "cy@example.com"}, {"password", kPassword}}).status, 200);
}

TEST_F(Verification, LinksExpireAndAResendReplacesTheOldOne) {
  Post("/v1/auth/register", {{"email", "di@example.com"}, {"password", kPassword}});
  auto first = LatestToken("user.email_verification_requested.v1", "di@example.com");
  auto resend = Post("/v1/auth/resend-verification", {{"email", "di@example.com"}});
  EXPECT_EQ(resend.status, 202);
  auto unknown = Post("/v1/auth/resend-verification", {{"email", "nobody@example.com"}});
  EXPECT_EQ(unknown.status, resend.status);
  EXPECT_EQ(unknown.body, resend.body);
  auto events = Outbox("user.email_verification_requested.v1");
  ASSERT_EQ(events.size(), 2u);  // nothing for the unknown address
  EXPECT_EQ(S(events[1].data(), "reason"), "resend");
  auto second = S(events[1].data(), "token");
  EXPECT_EQ(Post("/v1/auth/verify-email", {{"token", first}}).status, 400) << "a resend retires the older link";
  clock_.Advance(settings_.verification_ttl + std::chrono::seconds(1));
  EXPECT_EQ(Post("/v1/auth/verify-email", {{"token", second}}).status, 400) << "expired";
}

TEST_F(Sessions, RefreshRotatesAndAReusedTokenEndsTheWholeFamily) {
  RegisterVerified("ed@example.com", kPassword);
  auto t1 = Login("ed@example.com", kPassword);
  auto r1 = S(t1, "refresh_token");
  EXPECT_GE(r1.size(), 43u);  // 256 bits
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = '" + store::auth::Sha256Hex(r1) + "'"), "1");
  auto t2 = Post("/v1/auth/refresh", {{"refresh_token", r1}});
  ASSERT_EQ(t2.status, 200) << t2.body;
  auto r2 = S(t2.Json(), "refresh_token");
  EXPECT_NE(r2, r1);
  EXPECT_EQ(S(t2.Json(), "session_id"), S(t1, "session_id"));
  EXPECT_EQ(Introspect(S(t2.Json(), "access_token")), 204);
  // The old token again, after the grace for concurrent refreshes: reuse. The session ends: the
  // new refresh token and its access tokens die.
  clock_.Advance(settings_.refresh_reuse_grace + std::chrono::milliseconds(1));
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", r1}}).status, 401);
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", r2}}).status, 401);
  EXPECT_EQ(Introspect(S(t2.Json(), "access_token")), 401);
  EXPECT_EQ(Introspect(S(t1, "access_token")), 401);
  EXPECT_EQ(Scalar("SELECT revoke_reason FROM sessions WHERE id = '" + S(t1, "session_id") + "'"), "reuse");
  auto metrics = Call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("user_auth_outcomes_total{outcome=\"refresh_refused\"} 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("user_auth_outcomes_total{outcome=\"refresh_ok\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("user_auth_outcomes_total{outcome=\"login_ok\"} 1"), std::string::npos);
}

TEST_F(Sessions, LogoutEndsOneSessionAndLogoutAllEndsEvery) {
  RegisterVerified("fa@example.com", kPassword);
  auto a = Login("fa@example.com", kPassword);
  auto b = Login("fa@example.com", kPassword);
  auto c = Login("fa@example.com", kPassword);
  auto out = Call("POST", "/v1/auth/logout", "", S(a, "access_token"));
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(Introspect(S(a, "access_token")), 401);
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", S(a, "refresh_token")}}).status, 401);
  EXPECT_EQ(Introspect(S(b, "access_token")), 204);
  // Logout with the refresh token only (the access token expired on the client).
  EXPECT_EQ(Post("/v1/auth/logout", {{"refresh_token", S(c, "refresh_token")}}).status, 204);
  EXPECT_EQ(Introspect(S(c, "access_token")), 401);
  auto d = Login("fa@example.com", kPassword);
  EXPECT_EQ(Call("POST", "/v1/auth/logout-all", "", S(b, "access_token")).status, 204);
  EXPECT_EQ(Introspect(S(b, "access_token")), 401);
  EXPECT_EQ(Introspect(S(d, "access_token")), 401);
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", S(d, "refresh_token")}}).status, 401);
  EXPECT_EQ(Call("POST", "/v1/auth/logout-all").status, 401);
}

// The browser session: the refresh token as an HttpOnly, SameSite=Strict cookie on the auth path,
// never in a body the page's script reads; rotated on every refresh; refused from another origin.
TEST_F(Sessions, ABrowserSessionLivesInAnHttpOnlyCookieThatRotates) {
  RegisterVerified("bo@example.com", kPassword);
  auto login = Post("/v1/auth/login", {{"email", "bo@example.com"}, {"password", kPassword}, {"session_cookie", true}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_FALSE(login.Json().contains("refresh_token")) << "the page's script never sees it";
  EXPECT_FALSE(S(login.Json(), "access_token").empty());
  const std::string set = login.Header("Set-Cookie");
  ASSERT_EQ(set.rfind("store_session=", 0), 0u) << set;
  EXPECT_NE(set.find("; Path=/api/user/v1/auth; Max-Age="), std::string::npos) << set;
  EXPECT_NE(set.find("; HttpOnly; SameSite=Strict; Secure"), std::string::npos) << set;
  const auto cookie_of = [](const std::string& header) { return header.substr(0, header.find(';')); };
  // Beside it, a flag the pages may read (no secret): whether to try a refresh at all.
  auto sets = login.SetCookies();
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[1].rfind("store_signed_in=1; Path=/; Max-Age=", 0), 0u) << sets[1];
  EXPECT_EQ(sets[1].find("HttpOnly"), std::string::npos) << sets[1];
  const std::string c1 = cookie_of(set);

  // A reload: the cookie alone (an empty body) refreshes, from this site's own page.
  const std::vector<std::pair<std::string, std::string>> same_site = {
      {"Cookie", "other=1; " + c1}, {"Origin", "http://shop.test:8080"}, {"X-Forwarded-Host", "shop.test:8080"}};
  auto r1 = Call("POST", "/v1/auth/refresh", "{}", "", "10.0.0.1", same_site);
  ASSERT_EQ(r1.status, 200) << r1.body;
  EXPECT_FALSE(r1.Json().contains("refresh_token"));
  EXPECT_EQ(S(r1.Json(), "session_id"), S(login.Json(), "session_id"));
  const std::string c2 = cookie_of(r1.Header("Set-Cookie"));
  EXPECT_EQ(c2.rfind("store_session=", 0), 0u);
  EXPECT_NE(c2, c1) << "rotated";

  // From another site's page: refused, nothing spent.
  auto cross = Call("POST", "/v1/auth/refresh", "{}", "", "10.0.0.1",
                    {{"Cookie", c2}, {"Origin", "https://evil.example"}, {"X-Forwarded-Host", "shop.test:8080"}});
  EXPECT_EQ(cross.status, 403) << cross.body;
  EXPECT_EQ(Call("POST", "/v1/auth/refresh", "{}", "", "10.0.0.1", {{"Cookie", c2}, {"Origin", "null"}}).status, 403);
  // The spent cookie again at once: another tab resuming the same session (or a page left while
  // its refresh answer was on the way) gets a cookie of its own.
  auto tab = Call("POST", "/v1/auth/refresh", "", "", "10.0.0.1", {{"Cookie", c1}});
  EXPECT_EQ(tab.status, 200) << tab.body;
  EXPECT_EQ(tab.Header("Set-Cookie").rfind("store_session=", 0), 0u);
  // Later (after the grace for concurrent refreshes) it is a reuse: the session ends and the
  // answer clears the cookie.
  clock_.Advance(settings_.refresh_reuse_grace + std::chrono::milliseconds(1));
  auto reuse = Call("POST", "/v1/auth/refresh", "", "", "10.0.0.1", {{"Cookie", c1}});
  EXPECT_EQ(reuse.status, 401);
  EXPECT_NE(reuse.Header("Set-Cookie").find("store_session=; Path=/api/user/v1/auth; Max-Age=0"), std::string::npos);
  EXPECT_EQ(Call("POST", "/v1/auth/refresh", "{}", "", "10.0.0.1", {{"Cookie", c2}}).status, 401) << "the family ended";
  EXPECT_EQ(Call("POST", "/v1/auth/refresh", "{}").status, 401) << "no token, no cookie";

  // Logout (bearer) clears the cookie; the cookie's session ends with it.
  auto again = Post("/v1/auth/login", {{"email", "bo@example.com"}, {"password", kPassword}, {"session_cookie", true}});
  ASSERT_EQ(again.status, 200);
  const std::string c3 = cookie_of(again.Header("Set-Cookie"));
  auto out = Call("POST", "/v1/auth/logout", "{}", S(again.Json(), "access_token"));
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.Header("Set-Cookie").find("store_session=; Path=/api/user/v1/auth; Max-Age=0"), std::string::npos);
  ASSERT_EQ(out.SetCookies().size(), 2u);
  EXPECT_EQ(out.SetCookies()[1].rfind("store_signed_in=; Path=/; Max-Age=0", 0), 0u);
  EXPECT_EQ(Call("POST", "/v1/auth/refresh", "{}", "", "10.0.0.1", {{"Cookie", c3}}).status, 401);
  // An API client (no session_cookie) still gets its refresh token in the body and no cookie.
  auto api = Post("/v1/auth/login", {{"email", "bo@example.com"}, {"password", kPassword}});
  EXPECT_FALSE(S(api.Json(), "refresh_token").empty());
  EXPECT_TRUE(api.Header("Set-Cookie").empty());
  EXPECT_EQ(Post("/v1/auth/login", {{"email", "bo@example.com"}, {"password", kPassword}, {"session_cookie", "yes"}}).status, 400);
}

TEST_F(Sessions, IdleTimeoutAbsoluteLifetimeAndRememberMeAreEnforced) {
  RegisterVerified("gi@example.com", kPassword);
  // Idle: a session unused for longer than session.idle_timeout cannot be refreshed.
  auto idle = Login("gi@example.com", kPassword);
  clock_.Advance(settings_.idle_timeout + std::chrono::seconds(1));
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", S(idle, "refresh_token")}}).status, 401);
  // Absolute: refreshed well within the idle timeout, it still ends at session.absolute_lifetime.
  auto busy = Login("gi@example.com", kPassword);
  auto refresh = S(busy, "refresh_token");
  auto step = settings_.idle_timeout / 2;
  auto lived = std::chrono::milliseconds(0);
  long status = 200;
  while (status == 200 && lived < settings_.absolute_lifetime + step) {
    clock_.Advance(step);
    lived += step;
    auto r = Post("/v1/auth/refresh", {{"refresh_token", refresh}});
    status = r.status;
    if (status == 200) refresh = S(r.Json(), "refresh_token");
  }
  EXPECT_EQ(status, 401);
  EXPECT_GE(lived, settings_.absolute_lifetime);
  EXPECT_LE(lived, settings_.absolute_lifetime + step);
  // Remember me: no idle timeout, a longer absolute lifetime.
  auto remembered = Login("gi@example.com", kPassword, true);
  clock_.Advance(settings_.absolute_lifetime + std::chrono::hours(1));
  auto r = Post("/v1/auth/refresh", {{"refresh_token", S(remembered, "refresh_token")}});
  ASSERT_EQ(r.status, 200) << r.body;
  clock_.Advance(settings_.remember_me_lifetime);
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", S(r.Json(), "refresh_token")}}).status, 401);
}

TEST_F(Sessions, ACustomerListsAndEndsOnlyTheirOwnSessions) {
  RegisterVerified("ha@example.com", kPassword);
  RegisterVerified("ib@example.com", kPassword);
  auto a1 = Login("ha@example.com", kPassword);
  auto a2 = Login("ha@example.com", kPassword);
  auto b1 = Login("ib@example.com", kPassword);
  auto list = Call("GET", "/v1/me/sessions", "", S(a1, "access_token"));
  ASSERT_EQ(list.status, 200);
  auto sessions = list.Json().at("sessions").as_array();
  ASSERT_EQ(sessions.size(), 2u);
  int current = 0;
  for (const auto& s : sessions) current += s.as_object().at("current").as_bool() ? 1 : 0;
  EXPECT_EQ(current, 1);
  // B cannot end A's session: 404, and it stays alive.
  EXPECT_EQ(Call("DELETE", "/v1/me/sessions/" + S(a2, "session_id"), "", S(b1, "access_token")).status, 404);
  EXPECT_EQ(Introspect(S(a2, "access_token")), 204);
  EXPECT_EQ(Call("DELETE", "/v1/me/sessions/not-a-uuid", "", S(a1, "access_token")).status, 404);
  EXPECT_EQ(Call("DELETE", "/v1/me/sessions/" + S(a2, "session_id"), "", S(a1, "access_token")).status, 204);
  EXPECT_EQ(Introspect(S(a2, "access_token")), 401);
  EXPECT_EQ(Call("GET", "/v1/me/sessions", "", S(a1, "access_token")).Json().at("sessions").as_array().size(), 1u);
}

TEST_F(Profile, ViewAndEditNameAndPhoneButNeverRolesOrEmail) {
  RegisterVerified("jo@example.com", kPassword);
  auto t = S(Login("jo@example.com", kPassword), "access_token");
  auto me = Call("GET", "/v1/me", "", t);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(S(me.Json(), "email"), "jo@example.com");
  EXPECT_TRUE(me.Json().at("email_verified").as_bool());
  auto edit = Call("PATCH", "/v1/me", R"({"name":"Jo March","phone":"+4930999999","locale":"en-GB"})", t);
  ASSERT_EQ(edit.status, 200) << edit.body;
  EXPECT_EQ(S(edit.Json(), "name"), "Jo March");
  EXPECT_EQ(S(edit.Json(), "phone"), "+4930999999");
  EXPECT_EQ(Call("PATCH", "/v1/me", R"({"roles":["admin"]})", t).status, 400);
  EXPECT_EQ(Call("PATCH", "/v1/me", R"({"email":"x@example.com"})", t).status, 400);
  EXPECT_EQ(Call("PATCH", "/v1/me", R"({"phone":"0301234"})", t).status, 400);
  EXPECT_EQ(Call("PATCH", "/v1/me", R"({"name":"bad\u0007name"})", t).status, 400);
  auto cleared = Call("PATCH", "/v1/me", R"({"phone":null})", t);
  EXPECT_TRUE(cleared.Json().at("phone").is_null());
  EXPECT_EQ(Scalar("SELECT roles FROM users WHERE email = 'jo@example.com'"), "customer");
  EXPECT_EQ(Call("GET", "/v1/me").status, 401);
}

TEST_F(Profile, EmailChangeTakesEffectAfterTheNewAddressIsVerified) {
  auto id = RegisterVerified("ko@example.com", kPassword);
  RegisterVerified("taken@example.com", kPassword);
  auto t = S(Login("ko@example.com", kPassword), "access_token");
  EXPECT_EQ(Post("/v1/me/email", {{"new_email", "ko.new@example.com"}, {"password", "wrong password!!"}}, t).status, 401);
  auto before = Outbox("user.email_verification_requested.v1").size();
  auto taken = Post("/v1/me/email", {{"new_email", "taken@example.com"}, {"password", kPassword}}, t);
  EXPECT_EQ(taken.status, 202);
  EXPECT_EQ(Outbox("user.email_verification_requested.v1").size(), before) << "nothing goes to an address with an account";
  auto r = Post("/v1/me/email", {{"new_email", "Ko.New@example.com"}, {"password", kPassword}}, t);
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, taken.body);
  auto events = Outbox("user.email_verification_requested.v1");
  ASSERT_EQ(events.size(), before + 1);
  EXPECT_EQ(S(events.back().data(), "email"), "ko.new@example.com");
  EXPECT_EQ(S(events.back().data(), "reason"), "email_change");
  EXPECT_EQ(S(Call("GET", "/v1/me", "", t).Json(), "email"), "ko@example.com") << "not before verification";
  EXPECT_EQ(Post("/v1/auth/verify-email", {{"token", S(events.back().data(), "token")}}).status, 200);
  EXPECT_EQ(S(Call("GET", "/v1/me", "", t).Json(), "email"), "ko.new@example.com");
  auto changed = Outbox("user.email_changed.v1");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(S(changed[0].data(), "user_id"), id);
  EXPECT_EQ(S(changed[0].data(), "old_email"), "ko@example.com");
  EXPECT_EQ(S(changed[0].data(), "new_email"), "ko.new@example.com");
  EXPECT_EQ(Post("/v1/auth/login", {{"email", "ko@example.com"}, {"password", kPassword}}).status, 401);
  EXPECT_EQ(Post("/v1/auth/login", {{"email", "ko.new@example.com"}, {"password", kPassword}}).status, 200);
}

TEST_F(Profile, AddressBookWithDefaultsAndNoAccessToOthersAddresses) {
  RegisterVerified("la@example.com", kPassword);
  RegisterVerified("mo@example.com", kPassword);
  auto a = S(Login("la@example.com", kPassword), "access_token");
  auto b = S(Login("mo@example.com", kPassword), "access_token");
  json::object home{{"name", "La"}, {"line1", "1 Home St"}, {"city", "Berlin"}, {"postal_code", "10115"}, {"country", "DE"},
                    {"default_shipping", true}, {"default_billing", true}};
  auto h = Post("/v1/me/addresses", home, a);
  ASSERT_EQ(h.status, 201) << h.body;
  auto home_id = S(h.Json(), "id");
  EXPECT_EQ(h.Header("location"), "/v1/me/addresses/" + home_id);
  json::object work{{"name", "La"}, {"line1", "2 Work Rd"}, {"city", "Paris"}, {"postal_code", "75001"}, {"country", "FR"},
                    {"default_billing", true}};
  auto w = Post("/v1/me/addresses", work, a);
  ASSERT_EQ(w.status, 201);
  auto list = Call("GET", "/v1/me/addresses", "", a).Json().at("addresses").as_array();
  ASSERT_EQ(list.size(), 2u);
  for (const auto& addr : list) {
    const auto& o = addr.as_object();
    bool is_home = o.at("id").as_string() == home_id;
    EXPECT_EQ(o.at("default_shipping").as_bool(), is_home);
    EXPECT_EQ(o.at("default_billing").as_bool(), !is_home) << "the billing default moved to the newer address";
  }
  // Customer B: 404 on A's address for read-modify-delete, and sees an empty book.
  auto put = home;
  put["line1"] = "3 Other St";
  EXPECT_EQ(Call("PUT", "/v1/me/addresses/" + home_id, json::serialize(put), b).status, 404);
  EXPECT_EQ(Call("DELETE", "/v1/me/addresses/" + home_id, "", b).status, 404);
  EXPECT_TRUE(Call("GET", "/v1/me/addresses", "", b).Json().at("addresses").as_array().empty());
  auto edited = Call("PUT", "/v1/me/addresses/" + home_id, json::serialize(put), a);
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(S(edited.Json(), "line1"), "3 Other St");
  auto bad = home;
  bad["country"] = "Germany";
  bad["line1"] = "";
  auto invalid = Post("/v1/me/addresses", bad, a);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_NE(invalid.body.find("\"field\":\"country\""), std::string::npos);
  EXPECT_NE(invalid.body.find("\"field\":\"line1\""), std::string::npos);
  auto with_user = home;
  with_user["user_id"] = "someone-else";
  EXPECT_EQ(Post("/v1/me/addresses", with_user, a).status, 400);
  EXPECT_EQ(Call("DELETE", "/v1/me/addresses/" + home_id, "", a).status, 204);
  EXPECT_EQ(Call("DELETE", "/v1/me/addresses/" + home_id, "", a).status, 404);
}

// Countries are ISO 3166-1 codes the shop serves (addresses.countries), postcodes fit their
// country (libs/address) and are stored in its canonical form.
TEST_F(Profile, AddressesTakeServedCountriesAndPostcodesOfTheirCountryStoredCanonically) {
  RegisterVerified("pc@example.com", kPassword);
  auto t = S(Login("pc@example.com", kPassword), "access_token");
  json::object address{{"name", "Pc"}, {"line1", "Damrak 1"}, {"city", "Amsterdam"}, {"postal_code", " 1012lg "}, {"country", "NL"}};
  auto nl = Post("/v1/me/addresses", address, t);
  ASSERT_EQ(nl.status, 201) << nl.body;
  EXPECT_EQ(S(nl.Json(), "postal_code"), "1012 LG");
  auto id = S(nl.Json(), "id");
  EXPECT_EQ(Scalar("SELECT postal_code FROM addresses WHERE id = '" + id + "'"), "1012 LG");
  auto gb = address;
  gb["country"] = "GB";
  gb["postal_code"] = "sw1a1aa";
  auto put = Call("PUT", "/v1/me/addresses/" + id, json::serialize(gb), t);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(S(put.Json(), "postal_code"), "SW1A 1AA");

  auto refused = [&](json::object body, const std::string& field, const std::string& message) {
    auto r = Post("/v1/me/addresses", body, t);
    EXPECT_EQ(r.status, 400) << r.body;
    auto errors = r.Json().at("errors").as_array();
    ASSERT_EQ(errors.size(), 1u) << r.body;
    EXPECT_EQ(S(errors[0].as_object(), "field"), field) << r.body;
    EXPECT_NE(S(errors[0].as_object(), "message").find(message), std::string::npos) << r.body;
  };
  auto zz = address;
  zz["country"] = "ZZ";  // two capital letters, but no country
  refused(zz, "country", "ISO 3166-1");
  auto de = address;
  de["country"] = "DE";
  de["postal_code"] = "1011";
  refused(de, "postal_code", "5 digits");
  de["postal_code"] = "";
  refused(de, "postal_code", "5 digits");
  auto jp = address;  // a real country this shop does not serve (the default list)
  jp["country"] = "JP";
  jp["postal_code"] = "100-0001";
  refused(jp, "country", "countries this shop serves");
  EXPECT_EQ(Call("GET", "/v1/me/addresses", "", t).Json().at("addresses").as_array().size(), 1u);  // nothing stored

  // The list is configuration: a shop serving Hong Kong takes its addresses without a postcode.
  Start([](store::user::Settings& s) { s.address_countries = {"HK", "DE"}; });
  auto hk = address;
  hk["country"] = "HK";
  hk.erase("postal_code");
  auto t2 = S(Login("pc@example.com", kPassword), "access_token");
  auto hong_kong = Post("/v1/me/addresses", hk, t2);
  ASSERT_EQ(hong_kong.status, 201) << hong_kong.body;
  EXPECT_EQ(S(hong_kong.Json(), "postal_code"), "");
  hk["postal_code"] = "999077";
  EXPECT_EQ(Post("/v1/me/addresses", hk, t2).status, 400);
  EXPECT_EQ(Post("/v1/me/addresses", address, t2).status, 400);  // NL: no longer served
}

TEST_F(Passwords, ChangingThePasswordNeedsTheCurrentOneAndEndsTheOtherSessions) {
  RegisterVerified("ni@example.com", kPassword);
  auto mine = Login("ni@example.com", kPassword);
  auto other = Login("ni@example.com", kPassword);
  auto wrong = Post("/v1/me/password", {{"current_password", "not my password"}, {"new_password", "a new long passphrase"}},
                    S(mine, "access_token"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Post("/v1/me/password", {{"current_password", kPassword}, {"new_password", "password1"}}, S(mine, "access_token")).status,
            422);
  auto ok = Post("/v1/me/password", {{"current_password", kPassword}, {"new_password", "a new long passphrase"}},
                 S(mine, "access_token"));
  ASSERT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(Introspect(S(mine, "access_token")), 204);
  EXPECT_EQ(Introspect(S(other, "access_token")), 401);
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", S(other, "refresh_token")}}).status, 401);
  EXPECT_EQ(Post("/v1/auth/login", {{"email", "ni@example.com"}, {"password", kPassword}}).status, 401);
  Login("ni@example.com", "a new long passphrase");
}

TEST_F(Passwords, ResetIsIdenticalForUnknownEmailsSingleUseExpiresAndEndsEverySession) {
  RegisterVerified("oz@example.com", kPassword);
  auto session = Login("oz@example.com", kPassword);
  auto known = Post("/v1/auth/password-reset/request", {{"email", "oz@example.com"}});
  auto unknown = Post("/v1/auth/password-reset/request", {{"email", "ghost@example.com"}});
  EXPECT_EQ(known.status, 202);
  EXPECT_EQ(unknown.status, known.status);
  EXPECT_EQ(unknown.body, known.body);
  auto events = Outbox("user.password_reset_requested.v1");
  ASSERT_EQ(events.size(), 1u) << "published only for the existing account";
  auto token = S(events[0].data(), "token");
  EXPECT_GE(token.size(), 22u);
  auto expires = store::core::ParseTimestamp(S(events[0].data(), "expires_at"));
  ASSERT_TRUE(expires);
  EXPECT_NEAR(std::chrono::duration_cast<std::chrono::seconds>(*expires - clock_.Now()).count(), 30 * 60, 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM email_tokens WHERE token_hash = '" + store::auth::Sha256Hex(token) + "'"), "1");
  EXPECT_EQ(Post("/v1/auth/password-reset/confirm", {{"token", token}, {"password", "qwertyuiop"}}).status, 422);
  auto ok = Post("/v1/auth/password-reset/confirm", {{"token", token}, {"password", "my reset passphrase"}});
  ASSERT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(Introspect(S(session, "access_token")), 401);
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", S(session, "refresh_token")}}).status, 401);
  EXPECT_EQ(Post("/v1/auth/password-reset/confirm", {{"token", token}, {"password", "yet another passphrase"}}).status, 400);
  Login("oz@example.com", "my reset passphrase");
  // Expiry.
  Post("/v1/auth/password-reset/request", {{"email", "oz@example.com"}});
  auto late = LatestToken("user.password_reset_requested.v1", "oz@example.com");
  ASSERT_NE(late, token);
  clock_.Advance(settings_.reset_ttl + std::chrono::seconds(1));
  EXPECT_EQ(Post("/v1/auth/password-reset/confirm", {{"token", late}, {"password", "too late passphrase"}}).status, 400);
}

TEST_F(Admin, StaffSeeOneAccountWithItsAddressesAndLiveSessionsOnly) {
  auto id = RegisterVerified("pd@example.com", kPassword);
  auto customer = Login("pd@example.com", kPassword);
  auto ended = Login("pd@example.com", kPassword);
  ASSERT_EQ(Call("POST", "/v1/auth/logout", "{}", S(ended, "access_token")).status, 204);
  auto address = Call("POST", "/v1/me/addresses",
                      R"({"name":"Pat Doe","line1":"1 Main Street","city":"Berlin","postal_code":"10115","country":"DE"})",
                      S(customer, "access_token"));
  ASSERT_EQ(address.status, 201) << address.body;
  auto admin = Login("admin@shop.example", "admin password for tests");
  auto detail = Call("GET", "/v1/admin/users/" + id, "", S(admin, "access_token"));
  ASSERT_EQ(detail.status, 200) << detail.body;
  auto body = detail.Json();
  EXPECT_EQ(body.at("user").at("email").as_string(), "pd@example.com");
  EXPECT_EQ(body.at("user").at("disabled"), false) << "the admin view";
  ASSERT_EQ(body.at("addresses").as_array().size(), 1u);
  EXPECT_EQ(body.at("addresses").at(0).at("line1").as_string(), "1 Main Street");
  ASSERT_EQ(body.at("sessions").as_array().size(), 1u) << "the ended session is not listed";
  EXPECT_EQ(body.at("sessions").at(0).at("id").as_string(), S(customer, "session_id"));
  EXPECT_EQ(Call("GET", "/v1/admin/users/" + id, "", S(customer, "access_token")).status, 403);
  EXPECT_EQ(Call("GET", "/v1/admin/users/00000000-0000-4000-8000-000000000000", "", S(admin, "access_token")).status, 404);
  EXPECT_EQ(Call("GET", "/v1/admin/users/not-a-uuid", "", S(admin, "access_token")).status, 404);
}

TEST_F(Admin, TheBootstrapAdminFindsAndDisablesAccountsWhoseSessionsEndAtOnce) {
  auto victim = RegisterVerified("pa@example.com", kPassword);
  auto customer = Login("pa@example.com", kPassword);
  auto admin = Login("admin@shop.example", "admin password for tests");
  EXPECT_EQ(admin.at("user").as_object().at("roles").as_array().size(), 2u);
  auto found = Call("GET", "/v1/admin/users?q=pa%40example", "", S(admin, "access_token"));
  ASSERT_EQ(found.status, 200) << found.body;
  auto users = found.Json().at("users").as_array();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(S(users[0].as_object(), "id"), victim);
  EXPECT_EQ(Call("GET", "/v1/admin/users?q=%25", "", S(admin, "access_token")).Json().at("users").as_array().size(), 0u)
      << "LIKE wildcards are literal";
  EXPECT_EQ(Call("GET", "/v1/admin/users?limit=0", "", S(admin, "access_token")).status, 400);
  EXPECT_EQ(Call("GET", "/v1/admin/users", "", S(customer, "access_token")).status, 403);
  EXPECT_EQ(Call("POST", "/v1/admin/users/" + victim + "/disable", "", S(customer, "access_token")).status, 403);
  auto disabled = Call("POST", "/v1/admin/users/" + victim + "/disable", "", S(admin, "access_token"));
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(disabled.Json().at("disabled").as_bool());
  EXPECT_EQ(Introspect(S(customer, "access_token")), 401);
  EXPECT_EQ(Call("GET", "/v1/me", "", S(customer, "access_token")).status, 401);
  EXPECT_EQ(Post("/v1/auth/refresh", {{"refresh_token", S(customer, "refresh_token")}}).status, 401);
  EXPECT_EQ(Post("/v1/auth/login", {{"email", "pa@example.com"}, {"password", kPassword}}).status, 403);
  EXPECT_EQ(Call("POST", "/v1/admin/users/" + victim + "/enable", "", S(admin, "access_token")).status, 200);
  Login("pa@example.com", kPassword);
  EXPECT_EQ(Call("POST", "/v1/admin/users/00000000-0000-4000-8000-000000000000/disable", "", S(admin, "access_token")).status, 404);
}

TEST_F(Abuse, LoginFailuresLockTheAccountWithGrowingBackoffIdenticallyForUnknownEmails) {
  Start([](store::user::Settings& s) {
    s.lockout_threshold = 3;
    s.lockout_base = std::chrono::seconds(2);
  });
  RegisterVerified("qu@example.com", kPassword);
  auto fail = [&](const std::string& email) {
    return Post("/v1/auth/login", {{"email", email}, {"password", "wrong password!!"}});
  };
  for (const std::string email : {"qu@example.com", "nobody-here@example.com"}) {
    std::vector<Reply> replies;
    for (int i = 0; i < 3; ++i) replies.push_back(fail(email));
    for (const auto& r : replies) {
      EXPECT_EQ(r.status, 401);
      EXPECT_EQ(r.body, R"({"type":"about:blank","title":"Unauthorized","status":401,"detail":"invalid email or password","code":"unauthenticated"})");
    }
    auto locked = fail(email);
    EXPECT_EQ(locked.status, 429) << email;
    EXPECT_EQ(locked.Header("retry-after"), "2") << email;
    // The wait travels in the header only (core::Error::retry_after), never as a field of the body.
    EXPECT_EQ(locked.body,
              R"({"type":"about:blank","title":"Too Many Requests","status":429,"detail":"too many attempts; try again later","code":"too_many_requests"})")
        << email;
    auto correct = Post("/v1/auth/login", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(correct.status, 429) << "even the right password waits";
    EXPECT_EQ(correct.body, locked.body);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto again = fail("qu@example.com");
  EXPECT_EQ(again.status, 401);
  auto longer = fail("qu@example.com");
  EXPECT_EQ(longer.status, 429);
  EXPECT_EQ(longer.Header("retry-after"), "4") << "the lockout doubles";
}

TEST_F(Abuse, FailedLoginsPerAccountPerHourAreCappedAndPerIpLimitsApply) {
  Start([](store::user::Settings& s) {
    s.lockout_threshold = 1000;  // only the hourly cap
    s.login.per_account = 100;
    s.register_.per_ip = 3;
    s.reset.per_account = 2;
  });
  int failures = 0;
  Reply r;
  for (int i = 0; i < 101; ++i) {
    r = Post("/v1/auth/login", {{"email", "target@example.com"}, {"password", "guess number " + std::to_string(i)}},
             "", "10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200));
    if (r.status == 401) ++failures;
    else break;
  }
  EXPECT_EQ(failures, 100);
  EXPECT_EQ(r.status, 429);
  auto retry = std::stol(r.Header("retry-after"));
  EXPECT_GT(retry, 3000);
  EXPECT_LE(retry, 3600);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(Post("/v1/auth/register", {{"email", "r" + std::to_string(i) + "@example.com"}, {"password", kPassword}}, "", "10.9.9.9").status,
              202);
  auto fourth = Post("/v1/auth/register", {{"email", "r9@example.com"}, {"password", kPassword}}, "", "10.9.9.9");
  EXPECT_EQ(fourth.status, 429);
  EXPECT_FALSE(fourth.Header("retry-after").empty());
  EXPECT_EQ(Post("/v1/auth/register", {{"email", "r9@example.com"}, {"password", kPassword}}, "", "10.9.9.10").status, 202);
  // X-Forwarded-For is not the client IP: forging it does not reset the counter.
  auto forged = Call("POST", "/v1/auth/register", R"({"email":"r8@example.com","password":"correct horse battery staple"})", "",
                     "10.9.9.9", {{"X-Forwarded-For", "1.2.3.4"}});
  EXPECT_EQ(forged.status, 429);
  // Reset requests per account: identical for a known and an unknown address.
  RegisterVerified("known@example.com", kPassword);
  for (const std::string email : {"known@example.com", "unknown@example.com"}) {
    EXPECT_EQ(Post("/v1/auth/password-reset/request", {{"email", email}}, "", "10.3.0.1").status, 202);
    EXPECT_EQ(Post("/v1/auth/password-reset/request", {{"email", email}}, "", "10.3.0.2").status, 202);
    auto third = Post("/v1/auth/password-reset/request", {{"email", email}}, "", "10.3.0.3");
    EXPECT_EQ(third.status, 429) << email;
  }
}

TEST_F(Abuse, UnknownEmailLoginsTakeAsLongAsWrongPasswords) {
  Start([](store::user::Settings& s) { s.lockout_threshold = 100; });
  RegisterVerified("ra@example.com", kPassword);
  auto time = [&](const std::string& email) {
    auto start = std::chrono::steady_clock::now();
    auto r = Post("/v1/auth/login", {{"email", email}, {"password", "wrong password!!"}}, "", "10.7." + email.substr(0, 1) + ".1");
    EXPECT_EQ(r.status, 401);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  // Alternating, the fastest of 8 each: a busy machine (ctest runs other suites beside this one)
  // only ever adds time, so the minimum is the cost of the work itself.
  double k = 1e9, u = 1e9;
  for (int i = 0; i < 8; ++i) {
    k = std::min(k, time("ra@example.com"));
    u = std::min(u, time("zz-unknown@example.com"));
  }
  std::printf("login: fastest wrong password %.2f ms, unknown email %.2f ms\n", k, u);
  // Without the dummy verification an unknown email answers ~20x faster.
  EXPECT_GT(u, k * 0.3) << "an unknown email must also pay for an Argon2id verification (" << u << " vs " << k << " ms)";
  EXPECT_LT(u, k * 3.0) << u << " vs " << k << " ms";
}

TEST_F(Abuse, ResetAndResendRequestsTakeAsLongForUnknownEmails) {
  Start([](store::user::Settings& s) {
    s.reset = {1000, 1000};
    s.resend = {1000, 1000};
  });
  RegisterVerified("rs@example.com", kPassword);
  ASSERT_EQ(Post("/v1/auth/register", {{"email", "unverified@example.com"}, {"password", kPassword}}).status, 202);
  auto time = [&](const std::string& path, const std::string& email) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(Post(path, {{"email", email}}).status, 202);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  for (const auto& [path, known] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/auth/password-reset/request", "rs@example.com"}, {"/v1/auth/resend-verification", "unverified@example.com"}}) {
    // Alternating, the fastest of 9 each (as in the login test: load only adds time).
    double k = 1e9, u = 1e9;
    for (int i = 0; i < 9; ++i) {
      k = std::min(k, time(path, known));
      u = std::min(u, time(path, "nobody-" + known));
    }
    std::printf("%s: fastest known %.2f ms, unknown %.2f ms\n", path.c_str(), k, u);
    EXPECT_GT(u, k / 3) << path << ": unknown " << u << " ms vs known " << k << " ms";
    EXPECT_LT(u, k * 3) << path << ": unknown " << u << " ms vs known " << k << " ms";
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM email_requests WHERE kind = 'reset'"), "18") << "known and unknown alike";
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM email_requests WHERE kind = 'resend'"), "18");
  EXPECT_EQ(Outbox("user.password_reset_requested.v1").size(), 9u);
}

TEST_F(Introspection, AnswersTheGatewayWithHeadersAndAShortCacheLifetime) {
  RegisterVerified("sa@example.com", kPassword);
  auto t = Login("sa@example.com", kPassword);
  auto r = Call("GET", "/v1/auth/introspect", "", S(t, "access_token"));
  ASSERT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("x-user-id"), S(t.at("user").as_object(), "id"));
  EXPECT_EQ(r.Header("x-user-roles"), "customer");
  EXPECT_EQ(r.Header("x-session-id"), S(t, "session_id"));
  const auto now_s = [&] { return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count(); };
  // Absolute: nginx keeps the verdict to the end of that second, so a revocation reaches the
  // gateway within auth.gateway_cache (1 s); a relative "1" would live up to 2 s.
  EXPECT_EQ(r.Header("x-accel-expires"), "@" + std::to_string(now_s()));
  EXPECT_EQ(Call("GET", "/v1/auth/introspect").status, 401);
  EXPECT_EQ(Call("GET", "/v1/auth/introspect", "", "garbage").status, 401);
  // alg none, a foreign key with the same kid, an expired token: all 401, never 5xx.
  auto access = S(t, "access_token");
  auto dot = access.find('.');
  auto payload = access.substr(dot + 1, access.rfind('.') - dot - 1);
  std::string none = store::auth::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".";
  EXPECT_EQ(Call("GET", "/v1/auth/introspect", "", none).status, 401);
  auto foreign = store::auth::SigningKey::Generate(service_->keys().current.kid(), store::auth::Alg::EdDSA);
  store::auth::AccessClaims claims;
  claims.issuer = settings_.auth.issuer;
  claims.audience = settings_.auth.audience;
  claims.subject = "someone";
  claims.session_id = "s";
  claims.roles = {"admin"};
  claims.issued_at = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  claims.expires_at = claims.issued_at + 300;
  EXPECT_EQ(Call("GET", "/v1/auth/introspect", "", store::auth::IssueAccessToken(foreign, claims)).status, 401);
  // At its exp (still accepted within the leeway) the verdict is not cached at all.
  clock_.Advance(settings_.access_token_ttl);
  auto at_exp = Call("GET", "/v1/auth/introspect", "", access);
  EXPECT_EQ(at_exp.status, 204);
  EXPECT_EQ(at_exp.Header("x-accel-expires"), "0");
  clock_.Advance(settings_.auth.leeway + std::chrono::seconds(1));
  EXPECT_EQ(Call("GET", "/v1/auth/introspect", "", access).status, 401);

  // A longer auth.gateway_cache: @<now + cache - 1>, and never past the token's own end.
  Start([](store::user::Settings& s) { s.gateway_cache = std::chrono::seconds(5); });
  auto fresh = S(Login("sa@example.com", kPassword), "access_token");
  EXPECT_EQ(Call("GET", "/v1/auth/introspect", "", fresh).Header("x-accel-expires"), "@" + std::to_string(now_s() + 4));
  clock_.Advance(settings_.access_token_ttl - std::chrono::seconds(2));  // 2 s of life left
  EXPECT_EQ(Call("GET", "/v1/auth/introspect", "", fresh).Header("x-accel-expires"), "@" + std::to_string(now_s() + 1));
}

// auth.jwks_url (declared for the other services) points at another key set: the user service
// must not fetch it, not on a token with an unknown kid and not when its keys are "stale".
TEST_F(Introspection, AJwksServedElsewhereNeverReplacesTheServiceOwnKeys) {
  auto other = store::auth::SigningKey::Generate("someone-elses-key");
  store::auth::KeySet other_set;
  other_set.Add(other.Public());
  std::atomic<int> fetched{0};
  store::http::Router router;
  router.Get("/jwks", [&](store::http::Request&) -> boost::asio::awaitable<store::http::Response> {
    fetched++;
    co_return store::http::Response::Json(200, other_set.ToJwks());
  });
  store::testing::TestServer elsewhere(std::move(router));
  Start([&](store::user::Settings& s) { s.auth.jwks_url = elsewhere.Url("/jwks"); });
  RegisterVerified("own@example.com", kPassword);
  auto access = S(Login("own@example.com", kPassword), "access_token");
  ASSERT_EQ(Introspect(access), 204);
  store::auth::AccessClaims claims;
  claims.issuer = settings_.auth.issuer;
  claims.audience = settings_.auth.audience;
  claims.subject = "someone";
  claims.session_id = "s";
  claims.issued_at = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  claims.expires_at = claims.issued_at + 300;
  EXPECT_EQ(Introspect(store::auth::IssueAccessToken(other, claims)), 401) << "an unknown kid";
  EXPECT_EQ(Introspect(access), 204) << "its own key still verifies its tokens";
  clock_.Advance(settings_.auth.jwks_refresh + std::chrono::seconds(1));  // past the refresh interval
  EXPECT_EQ(Introspect(access), 204) << "and still after the refresh interval";
  EXPECT_EQ(fetched.load(), 0) << "nothing fetched from auth.jwks_url";
}

TEST_F(Introspection, TheJwksPublishesTheSigningKeyThatVerifiesTheTokens) {
  RegisterVerified("tu@example.com", kPassword);
  auto t = Login("tu@example.com", kPassword);
  auto jwks = Call("GET", "/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200);
  auto keys = store::auth::KeySet::FromJwks(json::parse(jwks.body));
  ASSERT_TRUE(keys);
  store::auth::TokenPolicy policy{settings_.auth.issuer, settings_.auth.audience, settings_.auth.leeway};
  auto claims = store::auth::VerifyAccessToken(S(t, "access_token"), *keys, policy, clock_.Now());
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->session_id, S(t, "session_id"));
  EXPECT_EQ(claims->expires_at - claims->issued_at, settings_.access_token_ttl.count());
  auto header = store::auth::DecodeJwsPart(S(t, "access_token"), 0);
  EXPECT_EQ(S(*header, "alg"), "EdDSA");
}

TEST_F(Introspection, TheDevelopmentKeySurvivesARestartAndRotationKeepsThePreviousPublicKey) {
  RegisterVerified("ro@example.com", kPassword);
  auto old_kid = service_->keys().current.kid();
  auto old_public = service_->keys().current.Public().ToJwk();
  auto before = Login("ro@example.com", kPassword);
  Start();  // a restart: the generated development key is reused
  EXPECT_EQ(service_->keys().current.kid(), old_kid);
  EXPECT_EQ(Introspect(S(before, "access_token")), 204);
  // Rotation: a new key, the old public key still published.
  auto dir = std::filesystem::path(key_file_).parent_path();
  auto fresh = store::auth::SigningKey::Generate("any", store::auth::Alg::EdDSA);
  { std::ofstream(dir / "new.pem") << fresh.ToPem(); }
  { std::ofstream(dir / "previous.json") << json::serialize(json::object{{"keys", json::array{old_public}}}); }
  Start([&](store::user::Settings& s) {
    s.signing_key_file = (dir / "new.pem").string();
    s.previous_keys_file = (dir / "previous.json").string();
  });
  auto new_kid = service_->keys().current.kid();
  EXPECT_NE(new_kid, old_kid);
  auto jwks = json::parse(Call("GET", "/.well-known/jwks.json").body).as_object();
  std::set<std::string> kids;
  for (const auto& k : jwks.at("keys").as_array()) kids.insert(std::string(k.as_object().at("kid").as_string()));
  EXPECT_EQ(kids, (std::set<std::string>{old_kid, new_kid}));
  EXPECT_EQ(Introspect(S(before, "access_token")), 204) << "tokens of the previous key live out their lifetime";
  auto after = Login("ro@example.com", kPassword);
  EXPECT_EQ(S(*store::auth::DecodeJwsPart(S(after, "access_token"), 0), "kid"), new_kid);
  // A key that is not Ed25519 is refused at start-up.
  auto rsa = store::auth::SigningKey::Generate("rsa", store::auth::Alg::RS256);
  { std::ofstream(dir / "rsa.pem") << rsa.ToPem(); }
  EXPECT_THROW(Start([&](store::user::Settings& s) { s.signing_key_file = (dir / "rsa.pem").string(); }), std::runtime_error);
}

TEST_F(Registration, HostileInputIsAlwaysA4xxAndNeverA5xx) {
  RegisterVerified("hostile@example.com", kPassword);
  auto token = S(Login("hostile@example.com", kPassword), "access_token");
  std::string deep(2000, '[');
  const std::vector<std::string> bodies{
      "",
      "null",
      "\"a string\"",
      "{\"email\":{\"$ne\":null},\"password\":{\"$gt\":\"\"}}",
      "{\"email\":\"' OR 1=1 --@example.com\",\"password\":\"x' OR '1'='1\"}",
      "{\"email\":\"<script>alert(1)</script>@example.com\",\"password\":\"aaaaaaaaaaaa\"}",
      "{\"email\":\"a@example.com\",\"password\":\"" + std::string(5000, 'p') + "\"}",
      "{\"email\":\"\xff\xfe@example.com\",\"password\":\"\xc3\x28" "aaaaaaaa\"}",
      "{\"token\":\"" + std::string(10000, 't') + "\",\"refresh_token\":123}",
      "{\"name\":" + std::to_string(1e300) + ",\"line1\":true,\"country\":[\"DE\"]}",
      deep,
      "{\"email\":\"a@example.com\",\"email\":\"b@example.com\",\"password\":null}",
  };
  const std::vector<std::pair<std::string, std::string>> routes{
      {"POST", "/v1/auth/register"},       {"POST", "/v1/auth/verify-email"},
      {"POST", "/v1/auth/resend-verification"}, {"POST", "/v1/auth/login"},
      {"POST", "/v1/auth/refresh"},
      {"POST", "/v1/auth/password-reset/request"}, {"POST", "/v1/auth/password-reset/confirm"},
      {"PATCH", "/v1/me"},                 {"POST", "/v1/me/email"},
      {"POST", "/v1/me/password"},         {"POST", "/v1/me/addresses"},
      {"PUT", "/v1/me/addresses/00000000-0000-4000-8000-000000000000"},
      {"POST", "/v1/auth/logout"},  // last: its empty body is a valid logout (204), the token then dies
  };
  for (const auto& [method, path] : routes)
    for (const auto& body : bodies) {
      auto r = Call(method, path, body, token, "10.66.0." + std::to_string(body.size() % 250));
      if (!(path == "/v1/auth/logout" && body.empty())) {
        EXPECT_GE(r.status, 400) << method << " " << path << " " << body.substr(0, 60);
      }
      EXPECT_LT(r.status, 500) << method << " " << path << " " << body.substr(0, 60) << " -> " << r.body;
    }
  token = S(Login("hostile@example.com", kPassword), "access_token");
  auto admin = S(Login("admin@shop.example", "admin password for tests"), "access_token");
  for (const char* query : {"/v1/admin/users?q=%00%ff", "/v1/admin/users?q=%25%5F%5C&limit=-1&offset=abc"}) {
    auto r = Call("GET", query, "", admin);
    EXPECT_EQ(r.status, 400) << query << " -> " << r.body;
  }
  EXPECT_EQ(Call("GET", "/v1/admin/users?q=%25%5F%5C", "", admin).status, 200);
  for (const char* query : {"/v1/auth/oidc/local/callback?code=%00&state=%ff%fe",
                            "/v1/auth/oidc/..%2f..%2fetc/start", "/v1/me/sessions/%27%20OR%201=1"}) {
    auto r = Call("GET", query, "", token);
    EXPECT_LT(r.status, 500) << query << " -> " << r.body;
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM users"), "2");
}

}  // namespace
}  // namespace usertest
