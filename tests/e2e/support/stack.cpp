#include "stack.hpp"

#include <stdexcept>

#include "store/testing/engines.hpp"

namespace e2e {

std::string SourceDir() { return STORE_SOURCE_DIR; }

std::map<std::string, std::string> ServiceEnv(const std::string& prefix, int port, const std::string& database,
                                              std::map<std::string, std::string> extra) {
  auto e = store::testing::Engines::FromEnv();
  std::map<std::string, std::string> env{{prefix + "_HTTP_PORT", std::to_string(port)},
                                         {prefix + "_HTTP_HOST", "127.0.0.1"},
                                         {prefix + "_DB_HOST", e.host},
                                         {prefix + "_DB_PORT", std::to_string(e.mariadb_port)},
                                         {prefix + "_DB_USER", e.mariadb_user},
                                         {prefix + "_DB_PASSWORD", e.mariadb_password},
                                         {prefix + "_CACHE_HOST", e.host},
                                         {prefix + "_CACHE_PORT", std::to_string(e.redis_port)},
                                         {prefix + "_KAFKA_BOOTSTRAP", e.kafka_bootstrap},
                                         {prefix + "_LOG_LEVEL", "warn"}};
  if (!database.empty()) env[prefix + "_DB_DATABASE"] = database;
  for (auto& [k, v] : extra) env[k] = std::move(v);
  return env;
}

Gateway::Gateway(GatewayOptions o) : dir_("store-e2e-gateway"), port_(o.port ? o.port : FreePort()) {
  auto port_or_free = [](int p) { return std::to_string(p ? p : FreePort()); };
  std::map<std::string, std::string> env = {
      {"GATEWAY_PORT", std::to_string(port_)},
      {"GATEWAY_USER_PORT", port_or_free(o.user_port)},
      {"GATEWAY_CATALOG_PORT", port_or_free(o.catalog_port)},
      {"GATEWAY_SEARCH_PORT", port_or_free(o.search_port)},
      {"GATEWAY_NOTIFICATION_PORT", port_or_free(o.notification_port)},
      {"GATEWAY_CART_PORT", port_or_free(o.cart_port)},
      {"GATEWAY_PAYMENT_PORT", port_or_free(o.payment_port)},
      {"GATEWAY_ORDER_PORT", port_or_free(o.order_port)},
      {"GATEWAY_RATE", o.rate},
      {"GATEWAY_BURST", std::to_string(o.burst)},
      {"GATEWAY_AUTH_RATE", o.auth_rate},
      {"GATEWAY_AUTH_BURST", std::to_string(o.auth_burst)},
      {"GATEWAY_AUTH_CACHE", o.auth_cache ? "on" : "off"},
      {"GATEWAY_BODY_LIMIT", o.body_limit},
      {"GATEWAY_WORKERS", "1"},
  };
  for (const auto& [k, v] : o.extra_env) env[k] = v;
  std::string log = dir_.path() + "/nginx.log";
  if (RunCommand({"/bin/bash", SourceDir() + "/deploy/nginx/render.sh", dir_.path()}, env, log) != 0) {
    throw std::runtime_error("render.sh failed; see " + log);
  }
  std::string conf = dir_.path() + "/conf/nginx.conf";
  nginx_ = ChildProcess("gateway", {STORE_NGINX, "-p", dir_.path(), "-c", conf}, {}, log);
  HttpClient client;
  if (!WaitUntil([&] { return client.Get(Url("/healthz")).status == 200; }, std::chrono::seconds(10))) {
    throw std::runtime_error("the gateway did not start: " + nginx_.LogTail());
  }
}

Gateway::~Gateway() { nginx_.Stop(); }

OidcProvider::OidcProvider(std::vector<std::string> redirect_uris, std::string dev_domains)
    : dir_("store-e2e-oidc"), port_(FreePort()) {
  std::string uris;
  for (const auto& u : redirect_uris) uris += (uris.empty() ? "" : ",") + u;
  node_ = ChildProcess("oidc", {STORE_NODE, SourceDir() + "/deploy/oidc/dev-provider.mjs"},
                       {{"OIDC_PORT", std::to_string(port_)}, {"OIDC_REDIRECT_URIS", uris}, {"OIDC_DEV_DOMAINS", dev_domains},
                        {"OIDC_KEY_FILE", dir_.path() + "/key.jwk"}},
                       dir_.path() + "/oidc.log");
  HttpClient client;
  if (!WaitUntil([&] { return client.Get(issuer() + "/.well-known/openid-configuration").status == 200; },
                 std::chrono::seconds(20))) {
    throw std::runtime_error("the OpenID provider did not start: " + node_.LogTail());
  }
}

}  // namespace e2e
