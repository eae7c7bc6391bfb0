// End to end through the gateway, against REAL processes: store_user (a fresh MariaDB database,
// its own Redis key prefix, its own Kafka topic prefix) with its store_outbox_relay publishing to
// the shared Kafka, store_notification (its own database and consumer group, consuming exactly
// those prefixed topics, mailing the shared MailDev with links to this gateway), nginx rendered
// from deploy/nginx, and the local OpenID provider (deploy/oidc). The verification and reset
// links are read from the real emails in MailDev (REST API); the tests delete their messages.
//
//   journeys: register -> verification event on Kafka + welcome and verification emails -> the
//             link from the email -> verify -> login -> refresh (rotation) -> reuse of a spent
//             refresh token ends the family -> logout everywhere -> every old token refused at
//             the gateway AND at the service; the reset flow (link from the email); a revoked
//             token refused by the gateway within 1 s (absolute X-Accel-Expires); social login
//             (code + PKCE) and a wrong nonce / wrong aud / expired id_token refused.
//   security: the token forgery table (printed), enumeration (byte-identical answers), brute
//             force (gateway 429 per IP, account lockout at the service, forged X-Forwarded-For).
//
// Each test talks from its own loopback source address, so the per-IP limits of one test never
// touch another.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include "store/auth/jws.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"
#include "support/http.hpp"
#include "support/maildev.hpp"
#include "support/mailer.hpp"
#include "support/stack.hpp"

namespace json = boost::json;
using e2e::Bearer;
using e2e::HttpClient;
using e2e::HttpResponse;
using e2e::WaitForMail;
using e2e::LinkAfter;
using e2e::TokenOf;

namespace {

constexpr const char* kPassword = "correct horse battery staple 42";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Base64Url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::string Str(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

json::object Body(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

// Every address of this run is at this domain ("e2e-<pid>-<n>-<random>.test"), so the messages
// the run caused can be found and deleted from the shared MailDev at the end.
const std::string& RunDomain() {
  static const std::string domain = [] {
    auto name = store::testing::UniqueName("e2e");
    std::replace(name.begin(), name.end(), '_', '-');
    return name + ".test";
  }();
  return domain;
}

// The whole stack, once for the suite.
class Stack {
 public:
  Stack()
      : db_("e2e_user"),
        dir_("store-e2e-user"),
        gateway_port_(e2e::FreePort()),
        user_port_(e2e::FreePort()),
        topic_prefix_(store::testing::UniqueName("e2e") + "."),
        oidc_({"http://127.0.0.1:" + std::to_string(gateway_port_) + "/api/user/v1/auth/oidc/local/callback"}, RunDomain()) {
    auto engines = store::testing::Engines::FromEnv();
    key_file_ = dir_.path() + "/signing-key.pem";
    std::map<std::string, std::string> env = {
        {"USER_HTTP_PORT", std::to_string(user_port_)},
        {"USER_HTTP_HOST", "127.0.0.1"},
        {"USER_DB_DATABASE", db_.name()},
        {"USER_DB_HOST", engines.host},
        {"USER_DB_PORT", std::to_string(engines.mariadb_port)},
        {"USER_DB_USER", engines.mariadb_user},
        {"USER_DB_PASSWORD", engines.mariadb_password},
        {"USER_CACHE_HOST", engines.host},
        {"USER_CACHE_PORT", std::to_string(engines.redis_port)},
        {"USER_REDIS_KEY_PREFIX", keys_.prefix()},
        {"USER_EVENTS_TOPIC_PREFIX", topic_prefix_},
        {"USER_AUTH_DEV_KEY_FILE", key_file_},
        {"USER_OIDC_PROVIDERS", "local"},
        {"USER_OIDC_LOCAL_ISSUER", oidc_.issuer()},
        {"USER_OIDC_LOCAL_CLIENT_ID", e2e::OidcProvider::kClientId},
        {"USER_OIDC_LOCAL_CLIENT_SECRET", e2e::OidcProvider::kClientSecret},
        {"USER_OIDC_LOCAL_REDIRECT_URI", GatewayUrl("/api/user/v1/auth/oidc/local/callback")},
        {"USER_LOG_LEVEL", "warn"},
        // A spent refresh token used again is a theft at once here (no grace for a concurrent
        // refresh: the user service's tests cover that), so the journey needs no waiting.
        {"USER_SESSION_REFRESH_REUSE_GRACE", "0s"},
    };
    std::string defaults = e2e::SourceDir() + "/services/user/config/defaults.conf";
    user_ = e2e::ChildProcess("user", {STORE_USER_BIN, "--config", defaults}, env, dir_.path() + "/user.log");
    HttpClient probe;
    if (!e2e::WaitUntil([&] { return probe.Get(ServiceUrl("/readyz")).status == 200; }, std::chrono::seconds(60))) {
      throw std::runtime_error("store_user did not become ready: " + user_.LogTail());
    }
    // The emails: the user service's events on topics of this stack (the shop's own consumers
    // never see them), mailed to the shared MailDev with links to this gateway.
    mailer_ = std::make_unique<e2e::Mailer>(e2e::MailerOptions{.outbox_database = db_.name(),
                                                               .topic_prefix = topic_prefix_,
                                                               .topics = e2e::kUserTopics,
                                                               .mailed = e2e::kUserMailedTopics,
                                                               .shop_url = GatewayUrl(""),
                                                               .shop_name = kShopName,
                                                               .jwks_url = ServiceUrl("/.well-known/jwks.json")});
    gateway_ = std::make_unique<e2e::Gateway>(
        e2e::GatewayOptions{.port = gateway_port_, .user_port = user_port_, .notification_port = mailer_->notification_port()});
    // The storefront page the emails' links open (/verify-email, /reset-password: index.html).
    std::ofstream(gateway_->static_dir() + "/index.html") << kStorefrontPage;
  }
  ~Stack() {
    gateway_.reset();
    mailer_.reset();
    user_.Stop();
  }

  static constexpr const char* kShopName = "E2E Shop";
  static constexpr const char* kStorefrontPage = "<!doctype html><title>storefront (e2e)</title>";

  std::string GatewayUrl(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(gateway_port_) + path;
  }
  std::string ServiceUrl(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(user_port_) + path;
  }
  const std::string& topic_prefix() const { return topic_prefix_; }
  const std::string& maildev_url() const { return mailer_->maildev_url(); }
  // The service's private key (the test's own temp dir): to sign tokens with chosen claims.
  store::auth::SigningKey ServiceKey(const std::string& kid) const {
    auto key = store::auth::SigningKey::FromPem(kid, ReadFile(key_file_));
    if (!key) throw std::runtime_error("cannot read the service key");
    return std::move(*key);
  }
  // Its public key as PEM (what an attacker can derive from the JWKS).
  std::string ServicePublicPem() const {
    auto pem = ReadFile(key_file_);
    std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr),
                                                             EVP_PKEY_free);
    if (!pkey) throw std::runtime_error("cannot parse the service key");
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PUBKEY(out.get(), pkey.get());
    char* data = nullptr;
    long n = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  }
  std::string Logs() {
    return "user: " + user_.LogTail(3000) + "\n" + mailer_->Logs();
  }

 private:

  store::testing::TempDatabase db_;
  store::testing::TempKeyspace keys_;  // the service's counters and OIDC state, deleted at the end
  e2e::TempDir dir_;
  int gateway_port_;
  int user_port_;
  std::string topic_prefix_;
  e2e::OidcProvider oidc_;
  std::string key_file_;
  e2e::ChildProcess user_;
  std::unique_ptr<e2e::Mailer> mailer_;
  std::unique_ptr<e2e::Gateway> gateway_;
};

// The newest event on `topic` (the full name, with the stack's prefix) whose data.<field> ==
// value (polls up to 20 s).
json::object WaitForEvent(const std::string& topic, const std::string& field, const std::string& value) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::optional<json::object> found;
    try {
      for (const auto& m : store::testing::ReadAll(topic, std::chrono::seconds(5))) {
        boost::system::error_code ec;
        auto v = json::parse(m.value, ec);
        if (ec || !v.is_object()) continue;
        const auto* data = v.as_object().if_contains("data");
        if (data && data->is_object() && Str(data->as_object(), field.c_str()) == value) found = data->as_object();
      }
    } catch (const std::exception&) {
      // the topic may not exist before the first event
    }
    if (found) return *found;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return {};
}

struct Tokens {
  std::string access, refresh, session;
};

Tokens TokensOf(const HttpResponse& r) {
  auto o = Body(r);
  return {Str(o, "access_token"), Str(o, "refresh_token"), Str(o, "session_id")};
}

class AuthE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() {
    if (!stack_) return;
    const auto maildev = stack_->maildev_url();
    delete stack_;  // the notification service first: nothing is mailed after this
    stack_ = nullptr;
    // Leave the shared MailDev as we found it: every message to this run's domain goes.
    const std::string at_domain = "@" + RunDomain();
    e2e::DeleteMails(maildev, [&](const std::string& a) { return a.ends_with(at_domain); });
  }

  static std::string Gw(const std::string& path) { return stack_->GatewayUrl("/api/user" + path); }
  static std::string Svc(const std::string& path) { return stack_->ServiceUrl(path); }

  static std::string NewEmail(const std::string& what) { return store::testing::UniqueName(what) + "@" + RunDomain(); }
  static std::string Topic(const std::string& name) { return stack_->topic_prefix() + name; }

  // The link to the storefront page `page` (/verify-email, /reset-password) in the newest email
  // to `email` that has one, and the email; an empty link when none came.
  static std::pair<std::string, json::object> LinkFromEmail(const std::string& email, const std::string& page) {
    const std::string prefix = stack_->GatewayUrl(page + "?token=");
    auto mail = WaitForMail(stack_->maildev_url(), email, prefix);
    return {LinkAfter(Str(mail, "text"), prefix), mail};
  }

  // Registers, verifies (token from the verification email) and returns the email.
  static std::string RegisterVerified(HttpClient& c, const std::string& email, const std::string& password = kPassword) {
    auto reg = c.Post(Gw("/v1/auth/register"), json::serialize(json::object{{"email", email}, {"password", password},
                                                                            {"name", "E2E"}}));
    EXPECT_EQ(reg.status, 202) << reg.body;
    auto [link, mail] = LinkFromEmail(email, "/verify-email");
    EXPECT_FALSE(link.empty()) << "no verification email for " << email << "\n" << stack_->Logs();
    auto verify = c.Post(Gw("/v1/auth/verify-email"), json::serialize(json::object{{"token", TokenOf(link)}}));
    EXPECT_EQ(verify.status, 200) << verify.body;
    return email;
  }

  static HttpResponse Login(HttpClient& c, const std::string& email, const std::string& password = kPassword) {
    return c.Post(Gw("/v1/auth/login"), json::serialize(json::object{{"email", email}, {"password", password}}));
  }

  // The gateway's own 401 (its auth_request refused the token; the request never reached the
  // service), told apart from the service's 401 passed through by its problem detail.
  static bool RefusedByTheGateway(const HttpResponse& r) {
    return r.status == 401 && r.body.find("missing, invalid, expired or revoked bearer token") != std::string::npos;
  }

  // Refused by the gateway itself (once its cached verdict ran out) and by the service directly.
  static void ExpectRefusedEverywhere(const std::string& access, const std::string& what) {
    HttpClient c(e2e::NextLoopbackIp());
    HttpResponse gw;
    e2e::WaitUntil([&] { return RefusedByTheGateway(gw = c.Get(Gw("/v1/me"), {Bearer(access)})); },
                   std::chrono::milliseconds(2500));
    EXPECT_TRUE(RefusedByTheGateway(gw)) << what << " at the gateway: " << gw.status << " " << gw.body;
    EXPECT_EQ(c.Get(Svc("/v1/me"), {Bearer(access)}).status, 401) << what << " at the service";
  }

  static inline Stack* stack_ = nullptr;
};

TEST_F(AuthE2E, RegisterVerifyLoginRefreshReuseAndLogoutEverywhere) {
  HttpClient c(e2e::NextLoopbackIp());
  const auto email = NewEmail("journey");
  auto reg = c.Post(Gw("/v1/auth/register"),
                    json::serialize(json::object{{"email", email}, {"password", kPassword}, {"name", "Jo Journey"}}));
  ASSERT_EQ(reg.status, 202) << reg.body;
  // The user service published the event (through its outbox and relay) ...
  auto event = WaitForEvent(Topic("user.email_verification_requested.v1"), "email", email);
  ASSERT_FALSE(Str(event, "token").empty()) << stack_->Logs();
  EXPECT_EQ(Str(event, "reason"), "registration");
  // ... and the notification service mailed the welcome and the verification emails.
  auto welcome = WaitForMail(stack_->maildev_url(), email, "Welcome");
  ASSERT_FALSE(welcome.empty()) << "no welcome email\n" << stack_->Logs();
  EXPECT_EQ(Str(welcome, "subject"), std::string("Welcome to ") + Stack::kShopName + ", Jo Journey");
  EXPECT_NE(Str(welcome, "text").find(stack_->GatewayUrl("/account")), std::string::npos) << Str(welcome, "text");
  auto [link, mail] = LinkFromEmail(email, "/verify-email");
  ASSERT_FALSE(link.empty()) << "no verification link in an email to " << email << "\n" << stack_->Logs();
  EXPECT_EQ(Str(mail, "subject"), std::string("Confirm your email address for ") + Stack::kShopName);
  EXPECT_NE(Str(mail, "html").find("href=\"" + link + "\""), std::string::npos) << "the HTML part has the same link";
  const std::string token = TokenOf(link);
  EXPECT_GE(token.size(), 43u) << "256 bits, base64url";
  EXPECT_EQ(token, Str(event, "token")) << "the email carries the token the event carried";

  EXPECT_EQ(Login(c, email).status, 403) << "no password login before the email is verified";
  // The link opens the storefront (through this gateway), which posts the token from its URL.
  auto page = c.Get(link);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, Stack::kStorefrontPage);
  auto verify = c.Post(Gw("/v1/auth/verify-email"), json::serialize(json::object{{"token", token}}));
  ASSERT_EQ(verify.status, 200) << verify.body;
  EXPECT_EQ(c.Post(Gw("/v1/auth/verify-email"), json::serialize(json::object{{"token", token}})).status, 400)
      << "a verification token is single use";

  auto first = Login(c, email);
  ASSERT_EQ(first.status, 200) << first.body;
  auto a = TokensOf(first);
  auto second = Login(c, email);  // another device: a second session
  ASSERT_EQ(second.status, 200);
  auto b = TokensOf(second);
  ASSERT_NE(a.session, b.session);

  auto me = c.Get(Gw("/v1/me"), {Bearer(a.access)});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Str(Body(me), "email"), email);
  // the gateway checks the token, the service the role: a customer on an admin route is 403
  EXPECT_EQ(c.Get(Gw("/v1/admin/users"), {Bearer(a.access)}).status, 403);

  // rotation: the refresh token is spent, a new one comes back
  auto refreshed = c.Post(Gw("/v1/auth/refresh"), json::serialize(json::object{{"refresh_token", a.refresh}}));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  auto a2 = TokensOf(refreshed);
  EXPECT_NE(a2.refresh, a.refresh);
  EXPECT_EQ(c.Get(Gw("/v1/me"), {Bearer(a2.access)}).status, 200);

  // reuse of the spent token: refused, and the whole family (session a) ends
  auto reuse = c.Post(Gw("/v1/auth/refresh"), json::serialize(json::object{{"refresh_token", a.refresh}}));
  EXPECT_EQ(reuse.status, 401) << reuse.body;
  EXPECT_EQ(c.Post(Gw("/v1/auth/refresh"), json::serialize(json::object{{"refresh_token", a2.refresh}})).status, 401)
      << "the rotated token of a reused family is dead too";
  ExpectRefusedEverywhere(a.access, "session a's first access token after the reuse");
  ExpectRefusedEverywhere(a2.access, "session a's rotated access token after the reuse");
  EXPECT_EQ(c.Get(Gw("/v1/me"), {Bearer(b.access)}).status, 200) << "the other session lives on";

  // log out everywhere (with session b's token)
  auto all = c.Post(Gw("/v1/auth/logout-all"), "{}", {Bearer(b.access)});
  EXPECT_EQ(all.status, 204) << all.body;
  ExpectRefusedEverywhere(b.access, "session b's access token after logout-all");
  EXPECT_EQ(c.Post(Gw("/v1/auth/refresh"), json::serialize(json::object{{"refresh_token", b.refresh}})).status, 401);
  for (const auto* t : {&a.access, &a2.access, &b.access}) ExpectRefusedEverywhere(*t, "an old token");

  // and a fresh login still works
  EXPECT_EQ(Login(c, email).status, 200);
}

// The gateway caches introspection verdicts until the end of the second the user service names
// (X-Accel-Expires: @<now>, absolute): a revoked session is refused by the gateway itself within
// 1 s (a relative "1" would keep it up to 2 s), and by the service at once.
TEST_F(AuthE2E, ARevokedSessionIsRefusedByTheGatewayWithinOneSecond) {
  HttpClient c(e2e::NextLoopbackIp());
  const auto email = RegisterVerified(c, NewEmail("bound"));
  long long worst = 0;
  std::string times;
  for (int trial = 0; trial < 3; trial++) {
    // logged in at the service: the gateway's login limit (10/min per address) is not the subject
    auto login = c.Post(Svc("/v1/auth/login"), json::serialize(json::object{{"email", email}, {"password", kPassword}}));
    ASSERT_EQ(login.status, 200) << login.body;
    const auto access = TokensOf(login).access;
    ASSERT_EQ(c.Get(Gw("/v1/me"), {Bearer(access)}).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(300 * trial));  // verdicts cached at other points of a second
    auto cached = c.Get(Gw("/v1/me"), {Bearer(access)});
    ASSERT_EQ(cached.status, 200);
    ASSERT_EQ(c.Post(Svc("/v1/auth/logout"), "{}", {Bearer(access)}).status, 204);  // revoked
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(c.Get(Svc("/v1/me"), {Bearer(access)}).status, 401) << "the service refuses it at once";
    HttpResponse gw;
    while (!RefusedByTheGateway(gw = c.Get(Gw("/v1/me"), {Bearer(access)})) &&
           std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3)) {
      EXPECT_EQ(gw.status, 401) << "passed by the gateway's cached verdict, refused by the service";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_TRUE(RefusedByTheGateway(gw)) << gw.status << " " << gw.body;
    worst = std::max<long long>(worst, ms);
    times += std::to_string(ms) + " ms ";
  }
  std::printf("\nrevoked session refused by the gateway after: %s(bound 1 s + 0.1 s polling slack)\n", times.c_str());
  EXPECT_LE(worst, 1100) << "X-Accel-Expires: @<now> keeps a verdict at most to the end of the current second";
}

TEST_F(AuthE2E, PasswordResetEndToEnd) {
  HttpClient c(e2e::NextLoopbackIp());
  const auto email = RegisterVerified(c, NewEmail("reset"));
  auto before = TokensOf(Login(c, email));
  ASSERT_FALSE(before.access.empty());

  auto req = c.Post(Gw("/v1/auth/password-reset/request"), json::serialize(json::object{{"email", email}}));
  ASSERT_EQ(req.status, 202) << req.body;
  auto event = WaitForEvent(Topic("user.password_reset_requested.v1"), "email", email);
  ASSERT_FALSE(Str(event, "token").empty()) << "the event was published\n" << stack_->Logs();
  auto [link, mail] = LinkFromEmail(email, "/reset-password");
  ASSERT_FALSE(link.empty()) << "no reset link in an email to " << email << "\n" << stack_->Logs();
  EXPECT_EQ(Str(mail, "subject"), std::string("Reset your ") + Stack::kShopName + " password");
  EXPECT_EQ(c.Get(link).body, Stack::kStorefrontPage) << "the link opens the storefront";
  const auto token = TokenOf(link);
  EXPECT_EQ(token, Str(event, "token"));

  const std::string fresh = "a brand new passphrase 2025";
  EXPECT_EQ(c.Post(Gw("/v1/auth/password-reset/confirm"), json::serialize(json::object{{"token", token}, {"password", "123"}})).status,
            422)
      << "a weak password is refused and the token stays usable";
  auto confirm = c.Post(Gw("/v1/auth/password-reset/confirm"), json::serialize(json::object{{"token", token}, {"password", fresh}}));
  ASSERT_EQ(confirm.status, 204) << confirm.body;
  EXPECT_EQ(c.Post(Gw("/v1/auth/password-reset/confirm"), json::serialize(json::object{{"token", token}, {"password", fresh}})).status,
            400)
      << "a reset token is single use";
  ExpectRefusedEverywhere(before.access, "a session from before the reset");
  EXPECT_EQ(c.Post(Gw("/v1/auth/refresh"), json::serialize(json::object{{"refresh_token", before.refresh}})).status, 401);
  HttpClient other(e2e::NextLoopbackIp());
  EXPECT_EQ(Login(other, email).status, 401) << "the old password is gone";
  EXPECT_EQ(Login(other, email, fresh).status, 200);
}

// The social login: the start URL (through the gateway) redirects to the local provider; the
// test "types" the address into its login form over HTTP; the provider redirects back to the
// gateway's callback, the user service exchanges the code (PKCE) and answers tokens.
HttpResponse SocialLogin(HttpClient& browser, const std::string& start_url, const std::string& email) {
  auto form = browser.Get(start_url);  // follows: start -> provider /auth -> /interaction/<uid>
  if (form.status != 200 || form.body.find("<form") == std::string::npos) return form;
  auto pos = form.effective_url.find("/interaction/");
  std::string base = form.effective_url.substr(0, pos);
  std::string uid = form.effective_url.substr(pos + 13);
  // follows: login -> /auth/<uid> -> the gateway's callback -> tokens
  return browser.PostForm(base + "/interaction/" + uid + "/login", "email=" + browser.Escape(email));
}

TEST_F(AuthE2E, SocialLoginThroughTheLocalOpenIdProvider) {
  const std::string email = NewEmail("social");
  HttpClient browser(e2e::NextLoopbackIp(), /*cookies_and_redirects=*/true);
  auto res = SocialLogin(browser, Gw("/v1/auth/oidc/local/start"), email);
  ASSERT_EQ(res.status, 200) << res.effective_url << "\n" << res.body << "\n" << stack_->Logs();
  EXPECT_NE(res.effective_url.find("/api/user/v1/auth/oidc/local/callback?"), std::string::npos) << res.effective_url;
  auto t = TokensOf(res);
  ASSERT_FALSE(t.access.empty()) << res.body;
  HttpClient c(e2e::NextLoopbackIp());
  auto me = c.Get(Gw("/v1/me"), {Bearer(t.access)});
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(Str(Body(me), "email"), email);
  EXPECT_TRUE(Body(me).at("email_verified").as_bool());
  // the same address again: the same account
  HttpClient browser2(e2e::NextLoopbackIp(), true);
  auto again = SocialLogin(browser2, Gw("/v1/auth/oidc/local/start"), email);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Str(Body(again).at("user").as_object(), "id"), Str(Body(me), "id"));
}

TEST_F(AuthE2E, SocialLoginRefusesAWrongNonceAWrongAudienceAndAnExpiredIdToken) {
  std::printf("\n%-22s | %-8s | %-16s | %s\n", "id_token from provider", "callback", "expected", "the service's reason");
  const std::pair<const char*, const char*> knobs[] = {{"wrong-nonce", "nonce"}, {"wrong-aud", "audience"}, {"expired", "expired"}};
  for (const auto& [knob, reason] : knobs) {
    const std::string email = std::string(knob) + "+" + NewEmail("k");
    HttpClient browser(e2e::NextLoopbackIp(), true);
    auto res = SocialLogin(browser, Gw("/v1/auth/oidc/local/start"), email);
    std::printf("%-22s | %-8ld | %-16s | %s\n", knob, res.status, "401, no tokens", Str(Body(res), "detail").c_str());
    EXPECT_EQ(res.status, 401) << knob << ": " << res.body;
    EXPECT_EQ(Body(res).count("access_token"), 0u) << knob;
    EXPECT_NE(Str(Body(res), "detail").find(reason), std::string::npos) << knob << ": refused for the wrong reason";
  }
  // an address the provider did not verify: no account
  HttpClient browser(e2e::NextLoopbackIp(), true);
  auto res = SocialLogin(browser, Gw("/v1/auth/oidc/local/start"),
                         "unverified+" + NewEmail("k"));
  std::printf("%-22s | %-8ld | %-16s | %s\n", "email_verified false", res.status, "403", Str(Body(res), "detail").c_str());
  EXPECT_EQ(res.status, 403) << res.body;
}

// quality.md, auth / token forgery: every forged or dead token is 401 at the gateway and at the
// service, never a 5xx. Printed as a table.
TEST_F(AuthE2E, TokenForgeryTable) {
  HttpClient c(e2e::NextLoopbackIp());
  const auto email = RegisterVerified(c, NewEmail("forge"));
  auto login = Login(c, email);
  ASSERT_EQ(login.status, 200);
  const auto good = TokensOf(login).access;
  auto header = *store::auth::DecodeJwsPart(good, 0);
  auto payload = *store::auth::DecodeJwsPart(good, 1);
  const std::string kid = Str(header, "kid");
  const auto key = stack_->ServiceKey(kid);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto with = [&](std::function<void(json::object&)> change) {
    json::object p = payload;
    change(p);
    return key.Sign(p);
  };
  auto raw = [&](const json::object& h, const json::object& p) {
    return Base64Url(json::serialize(h)) + "." + Base64Url(json::serialize(p));
  };

  // HS256 with the service's PUBLIC key as the HMAC secret (the classic algorithm confusion),
  // both as the JWKS "x" bytes and as the PEM text.
  auto hs256 = [&](const std::string& secret) {
    auto input = raw({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", kid}}, payload);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    return input + "." + Base64Url(std::string(reinterpret_cast<char*>(mac), len));
  };
  auto jwks = Body(HttpClient().Get(Svc("/.well-known/jwks.json")));
  std::string x_b64 = Str(jwks.at("keys").as_array().at(0).as_object(), "x");
  const std::string public_pem = stack_->ServicePublicPem();
  // tampered: the real signature on a payload with one more role
  auto tampered = [&] {
    json::object p = payload;
    p["roles"] = json::array{"customer", "admin"};
    auto dot2 = good.rfind('.');
    return Base64Url(json::serialize(header)) + "." + Base64Url(json::serialize(p)) + good.substr(dot2);
  }();
  // revoked: a session that logged out
  auto revoked_login = Login(c, email);
  const auto revoked = TokensOf(revoked_login).access;
  ASSERT_EQ(c.Post(Gw("/v1/auth/logout"), "{}", {Bearer(revoked)}).status, 204);

  struct Attempt { std::string name, token; };
  std::vector<Attempt> attempts = {
      {"alg none", raw({{"alg", "none"}, {"typ", "JWT"}, {"kid", kid}}, payload) + "."},
      {"alg none, signature kept", raw({{"alg", "none"}, {"typ", "JWT"}, {"kid", kid}}, payload) + good.substr(good.rfind('.'))},
      {"HS256, HMAC key = public key (x)", hs256(x_b64)},
      {"HS256, HMAC key = public key PEM", hs256(public_pem)},
      {"wrong key (same kid)", store::auth::SigningKey::Generate(kid).Sign(payload)},
      {"unknown kid", store::auth::SigningKey::Generate("not-a-kid").Sign(payload)},
      {"expired (exp 1 h ago)", with([&](json::object& p) { p["iat"] = now - 7200; p["exp"] = now - 3600; })},
      {"wrong audience", with([&](json::object& p) { p["aud"] = "another-shop"; })},
      {"wrong issuer", with([&](json::object& p) { p["iss"] = "https://evil.example"; })},
      {"not yet valid (iat +1 h)", with([&](json::object& p) { p["iat"] = now + 3600; p["nbf"] = now + 3600; p["exp"] = now + 7200; })},
      {"tampered payload (roles+admin)", tampered},
      {"revoked (logged out)", revoked},
      {"garbage", "not.a.jwt"},
      {"empty bearer", ""},
  };
  std::printf("\n%-36s | %-14s | %-14s | %s\n", "attempt", "gateway status", "service status", "expected");
  std::printf("%s\n", std::string(36 + 3 + 14 + 3 + 14 + 3 + 8, '-').c_str());
  for (const auto& a : attempts) {
    HttpClient probe(e2e::NextLoopbackIp());
    long gw = 0;
    // the revoked one may pass the gateway's verdict cache for up to its bound
    e2e::WaitUntil([&] { return (gw = probe.Get(Gw("/v1/me"), {Bearer(a.token)}).status) == 401; }, std::chrono::milliseconds(2500));
    long svc = probe.Get(Svc("/v1/me"), {Bearer(a.token)}).status;
    long svc_admin = probe.Get(Svc("/v1/admin/users"), {Bearer(a.token)}).status;
    std::printf("%-36s | %-14ld | %-14ld | 401\n", a.name.c_str(), gw, svc);
    EXPECT_EQ(gw, 401) << a.name;
    EXPECT_EQ(svc, 401) << a.name;
    EXPECT_EQ(svc_admin, 401) << a.name;
  }
  // the control: the real token works on both paths
  HttpClient probe(e2e::NextLoopbackIp());
  auto gw_ok = probe.Get(Gw("/v1/me"), {Bearer(good)}).status;
  auto svc_ok = probe.Get(Svc("/v1/me"), {Bearer(good)}).status;
  std::printf("%-36s | %-14ld | %-14ld | 200\n", "control: the genuine token", gw_ok, svc_ok);
  EXPECT_EQ(gw_ok, 200);
  EXPECT_EQ(svc_ok, 200);
}

// quality.md, auth / enumeration: register, login, reset and resend answer byte-identically
// for a known and an unknown address.
TEST_F(AuthE2E, EnumerationAnswersAreByteIdentical) {
  HttpClient c(e2e::NextLoopbackIp());
  const auto known = RegisterVerified(c, NewEmail("known"));
  const auto unknown = NewEmail("unknown");
  struct Probe { const char* name; std::string path; std::function<std::string(const std::string&)> body; };
  std::vector<Probe> probes = {
      {"register", "/v1/auth/register", [](const std::string& e) { return json::serialize(json::object{{"email", e}, {"password", "another fine passphrase 7"}}); }},
      {"login (wrong password)", "/v1/auth/login", [](const std::string& e) { return json::serialize(json::object{{"email", e}, {"password", "wrong password but long"}}); }},
      {"password-reset/request", "/v1/auth/password-reset/request", [](const std::string& e) { return json::serialize(json::object{{"email", e}}); }},
      {"resend-verification", "/v1/auth/resend-verification", [](const std::string& e) { return json::serialize(json::object{{"email", e}}); }},
  };
  std::printf("\n%-24s | %-13s | %-13s | %s\n", "endpoint", "known email", "unknown email", "bodies identical");
  for (const auto& p : probes) {
    HttpClient k(e2e::NextLoopbackIp()), u(e2e::NextLoopbackIp());
    auto a = k.Post(Gw(p.path), p.body(known));
    auto b = u.Post(Gw(p.path), p.body(unknown));
    std::printf("%-24s | %-13ld | %-13ld | %s\n", p.name, a.status, b.status, a.body == b.body ? "yes" : "NO");
    EXPECT_EQ(a.status, b.status) << p.name;
    EXPECT_EQ(a.body, b.body) << p.name;
    EXPECT_EQ(a.Header("content-type"), b.Header("content-type")) << p.name;
    EXPECT_LT(a.status, 500);
  }
}

// quality.md, auth / brute force: the gateway stops one address (429 + Retry-After, whatever
// X-Forwarded-For says); many addresses against one account meet the account lockout.
TEST_F(AuthE2E, BruteForceIsStoppedAtTheLimits) {
  HttpClient setup(e2e::NextLoopbackIp());
  std::printf("\n%-44s | %s\n", "attempt", "statuses");

  // one address, forged X-Forwarded-For on every try, a different (unknown) account each time so
  // no account lockout is involved: the gateway's per-IP login limit stops it (429 "G" = the
  // gateway's answer, "S" = the service's)
  HttpClient one(e2e::NextLoopbackIp());
  std::string statuses;
  int passed = 0, gateway_limited = 0;
  for (int i = 0; i < 10; i++) {
    auto r = one.Post(Gw("/v1/auth/login"),
                      json::serialize(json::object{{"email", NewEmail("nobody")}, {"password", "guess number " + std::to_string(i)}}),
                      {"X-Forwarded-For: 198.51.100." + std::to_string(i + 1)});
    bool from_gateway = r.status == 429 && r.body.find("too many requests from this address") != std::string::npos;
    statuses += std::to_string(r.status) + (r.status == 429 ? (from_gateway ? "G " : "S ") : " ");
    if (r.status == 401) passed++;
    if (from_gateway) {
      gateway_limited++;
      EXPECT_EQ(r.Header("retry-after").value_or(""), "6");
    }
    EXPECT_LT(r.status, 500);
  }
  std::printf("%-44s | %s\n", "10 guesses, 1 IP, forged X-Forwarded-For", statuses.c_str());
  EXPECT_EQ(passed, 6) << "burst 5 + 1: six reach the service whatever X-Forwarded-For says";
  EXPECT_EQ(gateway_limited, 4);

  // many addresses (a botnet) against another account: the account locks at the service
  const auto target = RegisterVerified(setup, NewEmail("botnet"));
  statuses.clear();
  bool locked = false;
  for (int i = 0; i < 12 && !locked; i++) {
    HttpClient bot(e2e::NextLoopbackIp());
    auto r = bot.Post(Gw("/v1/auth/login"), json::serialize(json::object{{"email", target}, {"password", "bot guess " + std::to_string(i)}}));
    bool from_service = r.status == 429 && r.body.find("too many requests from this address") == std::string::npos;
    statuses += std::to_string(r.status) + (r.status == 429 ? (from_service ? "S " : "G ") : " ");
    if (from_service) locked = true;
    EXPECT_LT(r.status, 500);
  }
  HttpClient owner(e2e::NextLoopbackIp());
  auto right = Login(owner, target);
  statuses += "| right password: " + std::to_string(right.status);
  std::printf("%-44s | %s\n", "guesses from a new IP each, one account", statuses.c_str());
  EXPECT_TRUE(locked) << "the account lockout answers 429";
  EXPECT_EQ(statuses.rfind("401 ", 0), 0u) << "wrong guesses are 401 until the lockout";
  EXPECT_EQ(right.body.find("too many requests from this address"), std::string::npos) << "the service's lockout, not the gateway";
  EXPECT_EQ(right.status, 429) << "while locked, even the right password waits";
  EXPECT_FALSE(right.Header("retry-after").value_or("").empty());
}

}  // namespace
