#include "service.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>
#include <stdexcept>

#include "adapters/password_list.hpp"
#include "domain/secrets.hpp"
#include "http/routes.hpp"
#include "store/db/migrations.hpp"
#include "store/http/ops.hpp"

namespace store::user {

Settings DefaultSettings() {
  Settings s;
  s.common_list_file = std::string(STORE_USER_SOURCE_DIR) + "/data/common-passwords.txt";
  const char* state = std::getenv("STORE_STATE");
  s.dev_key_file = std::string(state && *state ? state : ".state") + "/user/signing-key.pem";
  s.mfa_dev_key_file = std::string(state && *state ? state : ".state") + "/user/mfa-key";
  // Shared with the services that call others (libs/auth ServiceClientOptions): the same default.
  s.service_clients_dir = std::string(state && *state ? state : ".state") + "/service-clients";
  return s;
}

std::string MigrationsDir() { return std::string(STORE_USER_SOURCE_DIR) + "/migrations"; }
std::string MessagingMigrationsDir() { return STORE_MESSAGING_MIGRATIONS_DIR; }

UserService::UserService(Settings settings, db::Options db, cache::Options cache, const core::Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {
  InitSodium();
  CurlGlobalInit();
  db_ = std::make_unique<db::Database>(std::move(db));
  if (auto m = db::Migrate(*db_, MigrationsDir()); !m) throw std::runtime_error("migrations: " + m.error().message);
  if (auto m = db::Migrate(*db_, MessagingMigrationsDir()); !m)
    throw std::runtime_error("messaging migrations: " + m.error().message);
  cache_ = std::make_unique<cache::Cache>(std::move(cache));
  account_store_ = std::make_unique<MariaDbAccountStore>(*db_, clock_, settings_.topic_prefix);
  limiter_ = std::make_unique<RedisRateLimiter>(*cache_, settings_.key_prefix);
  revocations_ = std::make_unique<RedisSessionRevocations>(*cache_);
  oidc_states_ = std::make_unique<RedisOneTimeStates>(*cache_, settings_.key_prefix + "oidc:");
  mfa_challenges_ = std::make_unique<RedisOneTimeStates>(*cache_, settings_.key_prefix + "mfa:");
  provider_http_ = std::make_unique<CurlFetcher>(2);
  keys_ = std::make_unique<KeyRing>(LoadKeyRing(settings_));
  service_clients_ = std::make_unique<ServiceClients>(settings_, LoadServiceClients(settings_), *keys_, clock_);
  policy_ = std::make_unique<PasswordPolicy>(settings_.password_min, settings_.password_max,
                                             ReadCommonPasswords(settings_.common_list_file));
  mfa_box_ = std::make_unique<SecretBox>(LoadMfaKey(settings_));
  accounts_ = std::make_unique<Accounts>(settings_, *account_store_, *limiter_, *revocations_, *mfa_challenges_, clock_, *keys_,
                                         *policy_, *mfa_box_);
  social_ = std::make_unique<SocialLogin>(settings_, *oidc_states_, *provider_http_, clock_, *accounts_);
  // Its own keys only: without a jwks_url the Authenticator never fetches, so a JWKS served
  // elsewhere (auth.jwks_url is for the other services; e.g. another instance on 18100) can never
  // replace them, not on a refresh and not on a token with an unknown kid.
  auto auth_options = settings_.auth;
  auth_options.jwks_url.clear();
  authenticator_ = std::make_unique<auth::Authenticator>(auth_options, cache_.get(), clock_);
  authenticator_->SetKeys(keys_->public_keys);
}

UserService::~UserService() = default;

void UserService::Bootstrap() {
  boost::asio::io_context ioc;
  auto f = boost::asio::co_spawn(ioc, accounts_->EnsureBootstrapAdmin(), boost::asio::use_future);
  ioc.run();
  if (auto done = f.get(); !done) throw std::runtime_error("bootstrap admin: " + done.error().message);
}

void UserService::AddRoutes(http::Router& router, metrics::Registry& registry, metrics::Readiness& readiness) {
  user::AddRoutes(router, RouteDeps{settings_, *accounts_, *social_, *service_clients_, *authenticator_, *keys_, clock_, registry});
  readiness.Add("mariadb", [this]() -> boost::asio::awaitable<core::Status> { co_return co_await db_->Ping(); });
  readiness.Add("redis", [this]() -> boost::asio::awaitable<core::Status> { co_return co_await cache_->Ping(); });
}

}  // namespace store::user
