// Service-to-service credentials: POST /v1/oauth/token (the OAuth 2.0 client-credentials grant,
// RFC 6749 §4.4) on the running service, and libs/auth's ServiceTokenSource getting its token there.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.hpp"
#include "store/auth/service_token.hpp"
#include "store/testing/async.hpp"

namespace usertest {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOrderSecret = "order-secret-for-tests-0123456789abcdefghijkl";

// HTTP Basic of an id and a secret that need no form-encoding (RFC 6749 §2.3.1), standard base64.
std::string BasicOf(const std::string& id, const std::string& secret) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = id + ":" + secret, out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
  }
  return "Basic " + out;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ServiceCredentials : public UserFixture {
 protected:
  ServiceCredentials() {
    dir_ = fs::path(key_file_).parent_path() / "service-clients";  // removed with the key file's directory
    fs::create_directories(dir_);
    std::ofstream(dir_ / "order.secret") << kOrderSecret << "\n";
    StartWithClients();
  }
  void StartWithClients(bool generate = true) {
    Start([&](store::user::Settings& s) {
      s.service_clients = {{"order", (dir_ / "order.secret").string()}, {"ops", (dir_ / "ops.secret").string()}};
      s.generate_dev_key = generate;
      if (!generate) {  // the development keys made by the first start, named as production names its keys
        s.signing_key_file = s.dev_key_file;
        s.mfa_key_file = s.mfa_dev_key_file;
      }
    });
  }
  Reply Form(const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return Call("POST", "/v1/oauth/token", body, "", "10.0.0.1", std::move(headers));
  }
  store::core::Result<store::auth::AccessClaims> Verify(const std::string& token) {
    return store::testing::RunAwaitable(service_->authenticator().VerifyToken(token));
  }

  fs::path dir_;
};

std::string Str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

TEST_F(ServiceCredentials, AClientWithItsSecretGetsAShortLivedServiceToken) {
  auto r = Form("grant_type=client_credentials", {{"Authorization", BasicOf("order", kOrderSecret)}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.Json();
  EXPECT_EQ(Str(body, "token_type"), "Bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 300);
  EXPECT_EQ(body.size(), 3u) << r.body;  // no refresh token, no scope
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  auto token = Str(body, "access_token");
  auto claims = Verify(token);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject, "service:order");
  EXPECT_EQ(claims->session_id, "service:order");
  EXPECT_EQ(claims->roles, std::vector<std::string>{"service"});
  EXPECT_EQ(claims->expires_at - claims->issued_at, 300);
  auto introspected = Call("GET", "/v1/auth/introspect", "", token);
  EXPECT_EQ(introspected.status, 204);
  EXPECT_EQ(introspected.Header("x-user-roles"), "service");

  // The credentials in the body (client_secret_post) work too.
  auto posted = Form(std::string("grant_type=client_credentials&client_id=order&client_secret=") + kOrderSecret);
  EXPECT_EQ(posted.status, 200) << posted.body;

  // Not a customer session: logging out with it ends nothing, the token keeps working until it expires.
  EXPECT_EQ(Call("POST", "/v1/auth/logout", "", token).status, 204);
  EXPECT_EQ(Call("POST", "/v1/auth/logout-all", "", token).status, 204);
  EXPECT_EQ(Introspect(token), 204);
  EXPECT_NE(Call("GET", "/v1/me", "", token).status, 200);  // and it is no account
  clock_.Advance(std::chrono::seconds(300 + 31));           // past exp + leeway
  EXPECT_EQ(Introspect(token), 401);
}

TEST_F(ServiceCredentials, AWrongOrUnknownClientIsA401InvalidClient) {
  auto expect_invalid_client = [](const Reply& r, const std::string& what) {
    EXPECT_EQ(r.status, 401) << what << ": " << r.body;
    EXPECT_EQ(Str(r.Json(), "error"), "invalid_client") << what;
    EXPECT_NE(r.Header("www-authenticate").find("Basic"), std::string::npos) << what;
  };
  expect_invalid_client(Form("grant_type=client_credentials", {{"Authorization", BasicOf("order", "wrong-secret")}}), "wrong secret");
  expect_invalid_client(Form("grant_type=client_credentials", {{"Authorization", BasicOf("nobody", kOrderSecret)}}), "unknown client");
  auto ops_secret = ReadAll(dir_ / "ops.secret");
  ops_secret.pop_back();
  expect_invalid_client(Form("grant_type=client_credentials", {{"Authorization", BasicOf("order", ops_secret)}}), "another client's secret");
  EXPECT_EQ(Form("grant_type=client_credentials", {{"Authorization", BasicOf("ops", ops_secret)}}).status, 200);
  expect_invalid_client(Form("grant_type=client_credentials"), "no credentials");
  expect_invalid_client(Form("grant_type=client_credentials&client_id=order"), "an id without a secret");
  expect_invalid_client(Form("grant_type=client_credentials", {{"Authorization", "Basic !!!"}}), "malformed Basic");
  expect_invalid_client(Form("grant_type=client_credentials", {{"Authorization", "Bearer x"}}), "another scheme");
  expect_invalid_client(Form(std::string("grant_type=client_credentials&client_id=order&client_secret=") + kOrderSecret + "x"),
                        "wrong secret in the body");
}

TEST_F(ServiceCredentials, OtherGrantsAndMalformedRequestsAre400s) {
  auto basic = std::vector<std::pair<std::string, std::string>>{{"Authorization", BasicOf("order", kOrderSecret)}};
  auto error_of = [](const Reply& r) { return Str(r.Json(), "error"); };
  auto password = Form("grant_type=password&username=a&password=b", basic);
  EXPECT_EQ(password.status, 400);
  EXPECT_EQ(error_of(password), "unsupported_grant_type");
  EXPECT_EQ(error_of(Form("grant_type=authorization_code&code=x", basic)), "unsupported_grant_type");
  auto none = Form("", basic);
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(error_of(none), "invalid_request");
  EXPECT_EQ(error_of(Form("grant_type=client_credentials&grant_type=client_credentials", basic)), "invalid_request");
  EXPECT_EQ(error_of(Form("grant_type=client_credentials&x=%zz", basic)), "invalid_request");
  auto both = Form(std::string("grant_type=client_credentials&client_id=order&client_secret=") + kOrderSecret, basic);
  EXPECT_EQ(both.status, 400);
  EXPECT_EQ(error_of(both), "invalid_request");
  // Form-encoded values are decoded ('+' and %XX); unknown parameters are ignored (RFC 6749 §3.2).
  EXPECT_EQ(Form("grant_type=client%5Fcredentials&scope=a+b", basic).status, 200);
  // A JSON body is the shared policy's 415.
  auto json_body = Call("POST", "/v1/oauth/token", R"({"grant_type":"client_credentials"})", "", "10.0.0.1",
                        {{"Authorization", BasicOf("order", kOrderSecret)}, {"Content-Type", "application/json"}});
  EXPECT_EQ(json_body.status, 415);
  EXPECT_EQ(Call("GET", "/v1/oauth/token").status, 405);
}

TEST_F(ServiceCredentials, ADevelopmentSecretIsGeneratedOnceAndKeptAcrossRestarts) {
  auto ops = dir_ / "ops.secret";
  ASSERT_TRUE(fs::exists(ops));
  auto secret = ReadAll(ops);
  EXPECT_GE(secret.size(), 44u);  // 256 bits in base64url and a newline
  EXPECT_EQ(fs::status(ops).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  StartWithClients();
  EXPECT_EQ(ReadAll(ops), secret);
  EXPECT_EQ(ReadAll(dir_ / "order.secret"), std::string(kOrderSecret) + "\n");  // a given secret is never replaced

  // Without development keys a missing secret stops the start, naming the key.
  fs::remove(ops);
  try {
    StartWithClients(/*generate=*/false);
    ADD_FAILURE() << "started without the secret of a configured client";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("oauth.client.ops.secret_file"), std::string::npos) << e.what();
  }
  // A secret shorter than 32 characters is refused too.
  std::ofstream(ops) << "short\n";
  EXPECT_THROW(StartWithClients(), std::runtime_error);
  fs::remove(ops);
  StartWithClients();  // the fixture's teardown needs a running service
}

TEST_F(ServiceCredentials, ServiceTokenSourceGetsItsTokenFromTheUserService) {
  boost::asio::io_context ioc;
  store::auth::ServiceTokenSource source(
      {.token_url = server_->Url("/v1/oauth/token"), .client_id = "order", .client_secret_file = (dir_ / "order.secret").string()},
      clock_);
  auto token = store::testing::RunAwaitable(ioc, source.Token());
  ASSERT_TRUE(token) << token.error().message;
  auto claims = Verify(*token);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject, "service:order");
  EXPECT_TRUE(claims->HasRole("service"));
  EXPECT_EQ(store::testing::RunAwaitable(ioc, source.Token()).value_or(""), *token);  // cached
  clock_.Advance(std::chrono::seconds(241));  // within a minute of its expiry: a new one
  auto next = store::testing::RunAwaitable(ioc, source.Token());
  ASSERT_TRUE(next);
  EXPECT_NE(*next, *token);
  EXPECT_EQ(source.fetches(), 2u);

  store::auth::ServiceTokenSource wrong(
      {.token_url = server_->Url("/v1/oauth/token"), .client_id = "order", .client_secret_file = (dir_ / "ops.secret").string()},
      clock_);
  auto refused = store::testing::RunAwaitable(ioc, wrong.Token());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, store::core::Errc::internal);
}

}  // namespace
}  // namespace usertest
