#include "fixture.hpp"

#include "domain/totp.hpp"
#include "store/http/ops.hpp"

#include <filesystem>

namespace usertest {

using store::user::Settings;

json::object Reply::Json() const {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

std::vector<std::string> Reply::SetCookies() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : raw.headers)
    if (name == "set-cookie") out.push_back(value);
  return out;
}

std::string Reply::SetCookie(const std::string& name) const {
  for (const auto& cookie : SetCookies())
    if (cookie.starts_with(name + "=")) return cookie;
  return "";
}

UserFixture::UserFixture() {
  topic_prefix_ = store::testing::UniqueName("ut") + ".";
  key_file_ = "/tmp/" + store::testing::UniqueName("user_key") + "/signing-key.pem";
  Start();
}

// The service (and with it the driver BlockingPools) goes first: a pool thread may still be in the
// tail of BlockingPool::Run, holding a copy of the server's executor, after the request it served
// was answered; destroying the server's io_context before joining the pools is a use-after-free.
// No request is in flight here (every Call waits for its answer).
UserFixture::~UserFixture() {
  service_.reset();
  server_.reset();
  std::filesystem::remove_all(std::filesystem::path(key_file_).parent_path());
}

void UserFixture::Start(const std::function<void(Settings&)>& tweak) {
  service_.reset();  // first: see ~UserFixture
  server_.reset();
  settings_ = store::user::DefaultSettings();
  settings_.argon2_ops = 2;                       // the minimums: fast tests, still the policy's floor
  settings_.argon2_memory = 19ll * 1024 * 1024;
  settings_.dev_key_file = key_file_;
  settings_.mfa_dev_key_file = std::filesystem::path(key_file_).parent_path() / "mfa-key";
  settings_.key_prefix = keys_.prefix();
  settings_.topic_prefix = topic_prefix_;
  settings_.admin_email = "admin@shop.example";
  settings_.admin_password = "admin password for tests";
  if (tweak) tweak(settings_);
  auto db_options = db_.options();
  auto cache_options = keys_.options();
  service_ = std::make_unique<store::user::UserService>(settings_, db_options, cache_options, clock_);
  service_->Bootstrap();
  registry_ = std::make_unique<store::metrics::Registry>();
  readiness_ = std::make_unique<store::metrics::Readiness>();
  store::http::Router router;
  service_->AddRoutes(router, *registry_, *readiness_);
  store::http::AddOpsRoutes(router, *registry_, *readiness_);
  server_ = std::make_unique<store::testing::TestServer>(std::move(router));
}

Reply UserFixture::Call(const std::string& method, const std::string& path, const std::string& body, const std::string& token,
                        const std::string& ip, std::vector<std::pair<std::string, std::string>> headers) {
  store::user::FetchRequest req;
  req.method = method;
  req.url = server_->Url(path);
  req.body = body;
  req.headers = std::move(headers);
  bool typed = false;
  for (const auto& [name, value] : req.headers) typed = typed || name == "Content-Type";
  if (!body.empty() && !typed) req.headers.emplace_back("Content-Type", "application/json");
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  if (!ip.empty()) req.headers.emplace_back("X-Real-IP", ip);
  req.timeout = std::chrono::seconds(30);
  auto res = store::user::Fetch(req);
  EXPECT_TRUE(res) << method << " " << path << ": " << res.error().message;
  if (!res) return {};
  return Reply{res->status, res->body, *res};
}

Reply UserFixture::Post(const std::string& path, const json::object& body, const std::string& token, const std::string& ip) {
  return Call("POST", path, json::serialize(body), token, ip);
}

std::vector<OutboxRow> UserFixture::Outbox(const std::string& topic) {
  auto rows = service_->db().RunSync([&](store::db::Connection& c) {
    return c.Query("SELECT topic, msg_key, payload FROM outbox ORDER BY id");
  });
  EXPECT_TRUE(rows);
  std::vector<OutboxRow> out;
  if (!rows) return out;
  for (const auto& r : *rows) {
    auto t = r.Text("topic");
    EXPECT_EQ(t.rfind(topic_prefix_, 0), 0u) << t;
    t = t.substr(topic_prefix_.size());
    if (!topic.empty() && t != topic) continue;
    out.push_back(OutboxRow{t, r.Text("msg_key"), json::parse(r.Text("payload")).as_object()});
  }
  return out;
}

std::string UserFixture::LatestToken(const std::string& topic, const std::string& email) {
  std::string token;
  for (const auto& row : Outbox(topic))
    if (row.data().at("email").as_string() == email) token = std::string(row.data().at("token").as_string());
  return token;
}

std::string UserFixture::RegisterVerified(const std::string& email, const std::string& password) {
  auto r = Post("/v1/auth/register", {{"email", email}, {"password", password}, {"name", "Test " + email}});
  EXPECT_EQ(r.status, 202) << r.body;
  auto token = LatestToken("user.email_verification_requested.v1", email);
  EXPECT_FALSE(token.empty());
  auto v = Post("/v1/auth/verify-email", {{"token", token}});
  EXPECT_EQ(v.status, 200) << v.body;
  return Scalar("SELECT id FROM users WHERE email = '" + email + "'");
}

json::object UserFixture::Login(const std::string& email, const std::string& password, bool remember_me) {
  auto r = Post("/v1/auth/login", {{"email", email}, {"password", password}, {"remember_me", remember_me}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.Json();
}

long UserFixture::Introspect(const std::string& access_token) {
  return Call("GET", "/v1/auth/introspect", "", access_token).status;
}

std::string UserFixture::TotpCode(const std::string& secret) const {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  return store::user::Hotp(secret, static_cast<std::uint64_t>(store::user::TotpStep(now)));
}

std::string UserFixture::EnrolTotp(const std::string& access_token, const std::string& password,
                                   std::vector<std::string>* recovery_codes) {
  auto begun = Post("/v1/me/mfa/totp", {{"password", password}}, access_token);
  EXPECT_EQ(begun.status, 200) << begun.body;
  auto secret = store::user::Base32Decode(std::string(begun.Json().at("secret").as_string()));
  EXPECT_TRUE(secret);
  auto confirmed = Post("/v1/me/mfa/totp/confirm", {{"code", TotpCode(secret.value_or(""))}}, access_token);
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  if (recovery_codes)
    for (const auto& c : confirmed.Json().at("recovery_codes").as_array()) recovery_codes->emplace_back(c.as_string());
  clock_.Advance(std::chrono::seconds(store::user::kTotpStepSeconds));
  return secret.value_or("");
}

std::string UserFixture::Scalar(const std::string& sql) {
  auto row = service_->db().RunSync([&](store::db::Connection& c) { return c.QueryOne(sql); });
  EXPECT_TRUE(row) << sql;
  if (!row || !*row || !(**row)[0]) return "";
  return *(**row)[0];
}

}  // namespace usertest
