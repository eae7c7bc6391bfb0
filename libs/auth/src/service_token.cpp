#include "store/auth/service_token.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include "store/auth/jws.hpp"
#include "store/config/config.hpp"
#include "store/core/text.hpp"
#include "store/http/client.hpp"

namespace store::auth {

using core::Errc;
using core::Error;

namespace {

// Standard base64 with padding (HTTP Basic, RFC 7617).
std::string Base64(std::string_view bytes) {
  std::string out = Base64UrlEncode(bytes);
  for (char& c : out) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (out.size() % 4 != 0) out += '=';
  return out;
}

// The secret: the file's first line without surrounding white space. The file is a few bytes
// and read once per fetch (every few minutes), so it is read in place rather than on a pool.
core::Result<std::string> ReadSecret(const std::string& path) {
  if (path.empty()) return core::Fail(Errc::internal, "service_client.secret_file is not set");
  std::ifstream in(path);
  if (!in) return core::Fail(Error::Unavailable("cannot read the service client secret file " + path));
  std::string secret;
  std::getline(in, secret);
  auto first = secret.find_first_not_of(" \t\r");
  auto last = secret.find_last_not_of(" \t\r");
  if (first == std::string::npos) return core::Fail(Error::Unavailable("the service client secret file " + path + " is empty"));
  return secret.substr(first, last - first + 1);
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string ServiceClientOptions::DefaultSecretFile(const std::string& client_id) {
  const char* state = std::getenv("STORE_STATE");
  return std::string(state && *state ? state : ".state") + "/service-clients/" + client_id + ".secret";
}

ServiceClientOptions ServiceClientOptions::Declare(config::Loader& cfg, const std::string& default_id) {
  ServiceClientOptions o;
  o.token_url = cfg.String("service_client.token_url", o.token_url,
                           "The user service's token endpoint (OAuth 2.0 client credentials) for this service's calls to others");
  o.client_id = cfg.String("service_client.id", default_id,
                           "This service's client id at the token endpoint (one of the user service's oauth.clients)");
  o.client_secret_file = cfg.String("service_client.secret_file", o.client_id.empty() ? "" : DefaultSecretFile(o.client_id),
                                    "File holding this service's client secret (the user service's oauth.client.<id>.secret_file)");
  return o;
}

ServiceTokenSource::ServiceTokenSource(ServiceClientOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

ServiceTokenSource::~ServiceTokenSource() = default;

void ServiceTokenSource::Invalidate() {
  std::lock_guard lock(mu_);
  token_.clear();
}

std::uint64_t ServiceTokenSource::fetches() const {
  std::lock_guard lock(mu_);
  return generation_;
}

boost::asio::awaitable<core::Result<std::string>> ServiceTokenSource::Token(const log::Context* context) {
  // One fetch at a time: the others poll for its end (a fetch is rare and short; a mutex held across
  // a co_await would block an I/O thread), then take its token, or its error when the fetch they
  // waited for failed (so N waiters do not make N more doomed calls).
  std::optional<std::uint64_t> waited_since;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (!token_.empty() && clock_.Now() < refresh_at_) co_return token_;
      if (waited_since && generation_ != *waited_since && last_error_) co_return std::unexpected(*last_error_);
      if (!fetching_) {
        fetching_ = true;
        break;
      }
      if (!waited_since) waited_since = generation_;
    }
    boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(5));
    co_await pause.async_wait(boost::asio::use_awaitable);
  }

  // The fetcher. Should the fetch throw (out of memory), the next caller must still be able to fetch.
  struct Release {
    ServiceTokenSource* self;
    bool done = false;
    ~Release() {
      if (done) return;
      std::lock_guard lock(self->mu_);
      self->fetching_ = false;
    }
  } release{this};
  auto started = clock_.Now();
  auto fetched = co_await Fetch(context);
  std::lock_guard lock(mu_);
  release.done = true;
  fetching_ = false;
  ++generation_;
  if (!fetched) {
    last_error_ = fetched.error();
    log::Warn("service token fetch failed",
              {{"client_id", options_.client_id}, {"url", options_.token_url}, {"error", fetched.error().message}}, context);
    co_return std::unexpected(std::move(fetched.error()));
  }
  last_error_.reset();
  token_ = std::move(fetched->token);
  auto margin = std::min<std::chrono::seconds>(options_.refresh_before, fetched->expires_in / 2);
  refresh_at_ = started + fetched->expires_in - margin;
  co_return token_;
}

boost::asio::awaitable<core::Result<ServiceTokenSource::Fetched>> ServiceTokenSource::Fetch(const log::Context* context) {
  if (options_.client_id.empty()) co_return core::Fail(Errc::internal, "service_client.id is not set");
  CO_TRY(secret, ReadSecret(options_.client_secret_file));
  // RFC 6749 §2.3.1: the id and the secret are form-encoded, then joined and base64-encoded.
  std::string basic = Base64(core::PercentEncode(options_.client_id) + ":" + core::PercentEncode(secret));
  http::ClientRequest request{http::Verb::post,
                              options_.token_url,
                              "grant_type=client_credentials",
                              "application/x-www-form-urlencoded",
                              {{"Authorization", "Basic " + basic}, {"Accept", "application/json"}}};
  // A client of this fetch's own: fetches are rare (once per token lifetime), and the caller's
  // io_context may be a different one each time (a periodic round's), which pooled connections
  // could not outlive.
  http::Client client(http::ClientOptions{.connect_timeout = options_.timeout, .read_timeout = options_.timeout, .max_retries = 0});
  auto response = co_await client.Send(std::move(request), context);
  if (!response) {
    auto e = std::move(response.error());
    e.message = "token endpoint " + options_.token_url + ": " + e.message;
    co_return std::unexpected(std::move(e));
  }
  if (response->status >= 500)
    co_return core::Fail(Error::Unavailable("token endpoint " + options_.token_url + " answered " + std::to_string(response->status)));
  boost::system::error_code ec;
  auto body = boost::json::parse(response->body, ec);
  const boost::json::object* object = !ec && body.is_object() ? &body.as_object() : nullptr;
  auto text = [&](const char* key) -> std::string {
    const auto* v = object ? object->if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (response->status != 200)
    co_return core::Fail(Errc::internal, "token endpoint refused service client '" + options_.client_id + "' (" +
                                             std::to_string(response->status) + " " + core::TruncateUtf8(text("error"), 64) + ")");
  const auto* expires = object ? object->if_contains("expires_in") : nullptr;
  std::int64_t expires_in = expires && expires->is_int64() ? std::min<std::int64_t>(expires->as_int64(), 86'400) : 0;
  std::string token = text("access_token");
  if (token.empty() || !EqualsNoCase(text("token_type"), "bearer") || expires_in <= 0)
    co_return core::Fail(Errc::internal, "token endpoint answered no usable bearer token");
  co_return Fetched{std::move(token), std::chrono::seconds(expires_in)};
}

}  // namespace store::auth
