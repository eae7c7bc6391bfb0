// The composition root of the user service, shared by main.cpp and the component tests: the one
// place that knows which adapter implements which port (app/ports.hpp). Builds every part from
// its settings and gives the route table. Owns the Database, Cache, adapters, keys, policy, use
// cases and authenticator; borrows the Clock. Construct at start-up (it applies the
// migrations and may throw std::runtime_error); the router it builds must not outlive it.
#pragma once

#include <memory>

#include "adapters/account_store.hpp"
#include "adapters/http_fetch.hpp"
#include "adapters/key_files.hpp"
#include "adapters/limiter.hpp"
#include "adapters/redis_state.hpp"
#include "app/accounts.hpp"
#include "app/keys.hpp"
#include "app/service_clients.hpp"
#include "app/settings.hpp"
#include "app/social_login.hpp"
#include "store/auth/auth.hpp"
#include "store/cache/cache.hpp"
#include "store/db/db.hpp"
#include "store/http/router.hpp"
#include "store/metrics/metrics.hpp"

namespace store::user {

// Default paths inside the source tree (the binary runs from the repository).
Settings DefaultSettings();
std::string MigrationsDir();
std::string MessagingMigrationsDir();

class UserService {
 public:
  UserService(Settings settings, db::Options db, cache::Options cache, const core::Clock& clock);
  ~UserService();
  // Creates or promotes the bootstrap admin (blocking; call before serving).
  void Bootstrap();
  // Adds every route of the service and its readiness checks (MariaDB, Redis); the ops routes
  // (/metrics /healthz /readyz) are the start-up helper's.
  void AddRoutes(http::Router& router, metrics::Registry& registry, metrics::Readiness& readiness);

  const Settings& settings() const { return settings_; }
  db::Database& db() { return *db_; }
  cache::Cache& cache() { return *cache_; }
  Accounts& accounts() { return *accounts_; }
  auth::Authenticator& authenticator() { return *authenticator_; }
  const KeyRing& keys() const { return *keys_; }

 private:
  Settings settings_;
  const core::Clock& clock_;
  // Declaration order is construction order: engines, adapters, then the use cases borrowing
  // them (destroyed in reverse).
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<cache::Cache> cache_;
  std::unique_ptr<MariaDbAccountStore> account_store_;
  std::unique_ptr<RedisRateLimiter> limiter_;
  std::unique_ptr<RedisSessionRevocations> revocations_;
  std::unique_ptr<RedisOneTimeStates> oidc_states_;
  std::unique_ptr<RedisOneTimeStates> mfa_challenges_;
  std::unique_ptr<SecretBox> mfa_box_;
  std::unique_ptr<CurlFetcher> provider_http_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<ServiceClients> service_clients_;
  std::unique_ptr<PasswordPolicy> policy_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<SocialLogin> social_;
  std::unique_ptr<auth::Authenticator> authenticator_;
};

}  // namespace store::user
