// The shop's edge as real processes for the end-to-end tests, each on free ports with its own
// temporary directory, stopped when the object dies:
//   Gateway       nginx with deploy/nginx rendered by deploy/nginx/render.sh for the given upstreams
//   OidcProvider  deploy/oidc/dev-provider.mjs (the local OpenID provider) under node
// Paths come from compile definitions (STORE_SOURCE_DIR, STORE_NGINX, STORE_NODE).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http.hpp"
#include "process.hpp"

namespace e2e {

// Every member has a default initializer, so designated initializers may leave any out
// (g++ 12's -Wmissing-field-initializers warns about a member without one).
struct GatewayOptions {
  int port = 0;                 // the gateway's own; 0: a free one
  int user_port = 0;            // 0: a free port nobody listens on (502s)
  int catalog_port = 0;
  int search_port = 0;
  int notification_port = 0;
  int cart_port = 0;
  int payment_port = 0;
  int order_port = 0;
  std::string rate = "30r/s";
  int burst = 60;
  std::string auth_rate = "10r/m";
  int auth_burst = 5;
  bool auth_cache = true;
  std::string body_limit = "1m";
  std::map<std::string, std::string> extra_env = {};  // more GATEWAY_* settings for render.sh
};

class Gateway {
 public:
  explicit Gateway(GatewayOptions options);
  ~Gateway();
  int port() const { return port_; }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::string static_dir() const { return dir_.path() + "/www"; }
  std::string admin_dir() const { return dir_.path() + "/admin"; }
  std::string media_dir() const { return dir_.path() + "/media"; }
  std::string access_log() const { return dir_.path() + "/logs/access.log"; }
  std::string ErrorLog() const { return nginx_.LogTail(); }

 private:
  TempDir dir_;
  int port_;
  ChildProcess nginx_;
};

class OidcProvider {
 public:
  // dev_domains: the email domains whose addresses log in (OIDC_DEV_DOMAINS, comma separated).
  explicit OidcProvider(std::vector<std::string> redirect_uris, std::string dev_domains = "example.test");
  int port() const { return port_; }
  std::string issuer() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const { return node_.LogTail(); }
  static constexpr const char* kClientId = "store-user-dev";
  static constexpr const char* kClientSecret = "store-user-dev-secret";

 private:
  TempDir dir_;
  int port_;
  ChildProcess node_;
};

std::string SourceDir();

// A service's engine settings as `./store up` gives them (scripts/lib/services.sh engine_env), for a
// service process on `port` with its own `database` (none: ""): PREFIX_HTTP_HOST/PORT, PREFIX_DB_*,
// PREFIX_CACHE_HOST/PORT, PREFIX_KAFKA_BOOTSTRAP, PREFIX_LOG_LEVEL=warn; `extra` added or replacing.
std::map<std::string, std::string> ServiceEnv(const std::string& prefix, int port, const std::string& database,
                                              std::map<std::string, std::string> extra = {});

}  // namespace e2e
