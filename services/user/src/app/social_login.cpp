#include "app/social_login.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "domain/rules.hpp"
#include "domain/secrets.hpp"
#include "store/core/text.hpp"
#include "store/log/log.hpp"
#include "store/auth/secrets.hpp"

namespace store::user {

using core::Errc;
using core::Fail;
using core::Result;
using core::Status;

struct SocialLogin::Provider {
  OidcProviderSettings settings;
  std::mutex mutex;
  bool discovered = false;
  std::string authorization_endpoint, token_endpoint, jwks_uri;
  std::optional<auth::KeySet> keys;
  std::chrono::steady_clock::time_point keys_fetched{};
};

namespace {
std::optional<std::string> Str(const boost::json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().as_string());
}
std::optional<std::int64_t> Num(const boost::json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<std::int64_t>(it->value().as_double());
  return std::nullopt;
}
core::Error Refused(std::string why) { return core::Error{Errc::unauthenticated, "id_token refused: " + why}; }

}  // namespace

Result<OidcIdentity> CheckIdTokenClaims(const boost::json::object& payload, const std::string& provider,
                                        const std::string& issuer, const std::string& client_id, const std::string& nonce,
                                        std::int64_t now, std::chrono::seconds leeway) {
  if (Str(payload, "iss") != issuer) return Fail(Refused("wrong issuer"));
  auto aud_it = payload.find("aud");
  if (aud_it == payload.end()) return Fail(Refused("no audience"));
  if (aud_it->value().is_string()) {
    if (aud_it->value().as_string() != client_id) return Fail(Refused("wrong audience"));
  } else if (aud_it->value().is_array()) {
    const auto& auds = aud_it->value().as_array();
    bool found = false;
    for (const auto& a : auds) found = found || (a.is_string() && a.as_string() == client_id);
    if (!found) return Fail(Refused("wrong audience"));
    if (auds.size() > 1 && Str(payload, "azp") != client_id) return Fail(Refused("wrong authorized party"));
  } else {
    return Fail(Refused("malformed audience"));
  }
  auto exp = Num(payload, "exp");
  if (!exp || *exp + leeway.count() <= now) return Fail(Refused("expired"));
  auto iat = Num(payload, "iat");
  if (iat && *iat - leeway.count() > now) return Fail(Refused("issued in the future"));
  auto got_nonce = Str(payload, "nonce");
  if (!got_nonce || !auth::SecureEquals(*got_nonce, nonce)) return Fail(Refused("wrong nonce"));
  auto sub = Str(payload, "sub");
  if (!sub || sub->empty() || sub->size() > 255) return Fail(Refused("no subject"));
  OidcIdentity id;
  id.provider = provider;
  id.subject = *sub;
  if (auto email = Str(payload, "email")) {
    if (auto normal = NormalizeEmail(*email)) id.email = *normal;
  }
  auto ev = payload.find("email_verified");
  if (ev != payload.end())
    id.email_verified = (ev->value().is_bool() && ev->value().as_bool()) || (ev->value().is_string() && ev->value().as_string() == "true");
  if (auto name = Str(payload, "name"); name && ValidText(*name, 100)) id.name = *name;
  return id;
}

SocialLogin::SocialLogin(const Settings& settings, OneTimeStates& states, HttpFetcher& http, const core::Clock& clock,
                         Accounts& accounts)
    : settings_(settings), states_(states), http_(http), clock_(clock), accounts_(accounts) {
  for (const auto& p : settings.oidc) {
    auto provider = std::make_unique<Provider>();
    provider->settings = p;
    providers_.emplace(p.name, std::move(provider));
  }
}

SocialLogin::~SocialLogin() = default;

bool SocialLogin::Has(const std::string& provider) const { return providers_.contains(provider); }

Task<void> SocialLogin::Discover(Provider& p) {
  {
    std::lock_guard lock(p.mutex);
    if (p.discovered) co_return Status{};
  }
  FetchRequest req;
  std::string issuer = p.settings.issuer;
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  req.url = issuer + "/.well-known/openid-configuration";
  req.timeout = settings_.oidc_http_timeout;
  CO_TRY(res, co_await http_.Fetch(req));
  if (res.status != 200) co_return Fail(Errc::unavailable, "discovery answered " + std::to_string(res.status));
  boost::system::error_code ec;
  auto doc = boost::json::parse(res.body, ec);
  if (ec || !doc.is_object()) co_return Fail(Errc::unavailable, "discovery document is not JSON");
  const auto& o = doc.as_object();
  auto iss = Str(o, "issuer");
  auto authz = Str(o, "authorization_endpoint");
  auto token = Str(o, "token_endpoint");
  auto jwks = Str(o, "jwks_uri");
  if (!iss || *iss != p.settings.issuer || !authz || !token || !jwks)
    co_return Fail(Errc::unavailable, "discovery document does not match the configured issuer");
  std::lock_guard lock(p.mutex);
  p.authorization_endpoint = *authz;
  p.token_endpoint = *token;
  p.jwks_uri = *jwks;
  p.discovered = true;
  co_return Status{};
}

Task<auth::KeySet> SocialLogin::Keys(Provider& p, bool refresh) {
  std::string uri;
  {
    std::lock_guard lock(p.mutex);
    bool recent = std::chrono::steady_clock::now() - p.keys_fetched < std::chrono::seconds(10);
    if (p.keys && (!refresh || recent)) co_return *p.keys;
    uri = p.jwks_uri;
  }
  FetchRequest req;
  req.url = uri;
  req.timeout = settings_.oidc_http_timeout;
  CO_TRY(res, co_await http_.Fetch(req));
  if (res.status != 200) co_return Fail(Errc::unavailable, "JWKS answered " + std::to_string(res.status));
  boost::system::error_code ec;
  auto doc = boost::json::parse(res.body, ec);
  if (ec) co_return Fail(Errc::unavailable, "JWKS is not JSON");
  auto keys = auth::KeySet::FromJwks(doc);
  if (!keys) co_return Fail(Errc::unavailable, "JWKS unusable: " + keys.error().message);
  std::lock_guard lock(p.mutex);
  p.keys = *keys;
  p.keys_fetched = std::chrono::steady_clock::now();
  co_return *keys;
}

std::vector<std::pair<std::string, std::string>> SocialLogin::Providers() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : settings_.oidc) out.emplace_back(p.name, p.display_name.empty() ? p.name : p.display_name);
  return out;
}

Task<SocialStart> SocialLogin::Start(const std::string& name, std::optional<std::string> return_to) {
  auto it = providers_.find(name);
  if (it == providers_.end()) co_return Fail(Errc::not_found, "no such provider");
  Provider& p = *it->second;
  CO_TRY_STATUS(co_await Discover(p));
  auto state = auth::NewSecretToken();
  auto nonce = auth::NewSecretToken();
  auto verifier = auth::NewSecretToken();  // 43 characters of [A-Za-z0-9-_]: a valid PKCE verifier
  auto challenge = auth::Base64UrlEncode(auth::Sha256(verifier));
  boost::json::object saved{{"p", name}, {"n", nonce}, {"v", verifier}};
  if (return_to) saved["r"] = *return_to;
  std::string key = auth::Sha256Hex(state);
  std::string value = boost::json::serialize(saved);
  CO_TRY_STATUS(co_await states_.Put(key, value, settings_.oidc_state_ttl));
  std::string url = p.authorization_endpoint;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "response_type=code&client_id=" + core::PercentEncode(p.settings.client_id) + "&redirect_uri=" +
         core::PercentEncode(p.settings.redirect_uri) + "&scope=" + core::PercentEncode(p.settings.scopes) + "&state=" + state +
         "&nonce=" + nonce + "&code_challenge=" + challenge + "&code_challenge_method=S256";
  co_return SocialStart{.url = std::move(url), .state = std::move(state)};
}

Task<SocialSignIn> SocialLogin::Callback(const std::string& name, const std::string& code, const std::string& state,
                                         const ClientInfo& client, const std::optional<std::string>& browser_state) {
  auto it = providers_.find(name);
  if (it == providers_.end()) co_return Fail(Errc::not_found, "no such provider");
  Provider& p = *it->second;
  if (state.empty() || state.size() > 128) co_return Fail(core::Error::Invalid("invalid request", {{"state", "is missing or unknown"}}));
  if (code.empty() || code.size() > 2048) co_return Fail(core::Error::Invalid("invalid request", {{"code", "is missing"}}));
  std::string key = auth::Sha256Hex(state);
  CO_TRY(stored, co_await states_.Take(key));
  if (!stored) co_return Fail(core::Error::Invalid("invalid request", {{"state", "is unknown, used or expired"}}));
  boost::system::error_code ec;
  auto saved = boost::json::parse(*stored, ec);
  if (ec || !saved.is_object()) co_return Fail(Errc::internal, "stored OIDC state is not JSON");
  auto& so = saved.as_object();
  if (Str(so, "p") != name) co_return Fail(core::Error::Invalid("invalid request", {{"state", "belongs to another provider"}}));
  std::string nonce = Str(so, "n").value_or("");
  std::string verifier = Str(so, "v").value_or("");
  auto return_to = Str(so, "r");
  if (return_to && browser_state != state) {
    log::Warn("OIDC callback refused: a browser's sign-in finished without its state cookie", {{"provider", name}});
    co_return Fail(Errc::unauthenticated, "this sign-in was begun in another browser");
  }

  CO_TRY_STATUS(co_await Discover(p));
  FetchRequest req;
  req.method = "POST";
  {
    std::lock_guard lock(p.mutex);
    req.url = p.token_endpoint;
  }
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  req.body = "grant_type=authorization_code&code=" + core::PercentEncode(code) + "&redirect_uri=" + core::PercentEncode(p.settings.redirect_uri) +
             "&code_verifier=" + core::PercentEncode(verifier);
  req.basic_user = core::PercentEncode(p.settings.client_id);
  req.basic_password = core::PercentEncode(p.settings.client_secret);
  req.timeout = settings_.oidc_http_timeout;
  CO_TRY(res, co_await http_.Fetch(req));
  if (res.status >= 500) co_return Fail(Errc::unavailable, "token endpoint answered " + std::to_string(res.status));
  if (res.status != 200) {
    log::Warn("OIDC code exchange refused", {{"provider", name}, {"status", res.status}});
    co_return Fail(Errc::unauthenticated, "the provider refused the authorization code");
  }
  auto body = boost::json::parse(res.body, ec);
  if (ec || !body.is_object()) co_return Fail(Errc::unavailable, "token endpoint answer is not JSON");
  auto id_token = Str(body.as_object(), "id_token");
  if (!id_token) co_return Fail(Errc::unauthenticated, "the provider sent no id_token");

  static constexpr auth::Alg kAllowed[] = {auth::Alg::RS256, auth::Alg::ES256, auth::Alg::EdDSA};
  CO_TRY(keys, co_await Keys(p, false));
  auto header = auth::DecodeJwsPart(*id_token, 0);
  if (header) {
    auto kid = Str(*header, "kid");
    if (kid && !keys.Find(*kid)) {
      CO_TRY(fresh, co_await Keys(p, true));
      keys = std::move(fresh);
    }
  }
  auto payload = auth::VerifyJws(*id_token, keys, kAllowed);
  if (!payload) {
    log::Warn("OIDC id_token refused", {{"provider", name}, {"reason", payload.error().message}});
    co_return Fail(Refused("bad signature"));
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  auto identity = CheckIdTokenClaims(*payload, name, p.settings.issuer, p.settings.client_id, nonce, now, settings_.auth.leeway);
  if (!identity) {
    log::Warn("OIDC id_token refused", {{"provider", name}, {"reason", identity.error().message}});
    co_return Fail(identity.error());
  }
  const OidcIdentity& verified = *identity;
  CO_TRY(outcome, co_await accounts_.LoginWithOidc(verified, client, return_to));
  co_return SocialSignIn{.outcome = std::move(outcome), .return_to = std::move(return_to)};
}

}  // namespace store::user
