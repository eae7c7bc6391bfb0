// OpenSearchClient: the service's one connection to OpenSearch (plain HTTP, libs/http Client).
// It owns an io_context with one thread of its own, so that the Client's pooled connections live
// and die with it (never with the HTTP server's io_context), and offers two doors:
//   Call(...)      awaitable, for request handlers (the call hops to the client's thread and back);
//   CallSync(...)  blocking, for plain threads (the Kafka consumer, the reindex command).
// Errors: OpenSearch unreachable / timing out -> unavailable / timeout (a handler answers 503);
// any HTTP status is a successful answer (callers read it).
// Thread-safety: both doors may be used from any thread; destroy after the last call returned.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <memory>
#include <string>
#include <thread>

#include "store/core/result.hpp"
#include "store/http/client.hpp"

namespace store::search {

struct OpenSearchOptions {
  std::string url = "http://127.0.0.1:9200";  // opensearch.url
  std::chrono::milliseconds timeout{5000};     // opensearch.timeout (connect and read)
};

struct OsAnswer {
  int status = 0;
  boost::json::value body;  // null when the body was not JSON
  std::string text;
};

class OpenSearchClient {
 public:
  explicit OpenSearchClient(OpenSearchOptions options);
  ~OpenSearchClient();
  OpenSearchClient(const OpenSearchClient&) = delete;
  OpenSearchClient& operator=(const OpenSearchClient&) = delete;

  // method + path ("/products/_search") + body (JSON or NDJSON text; empty for none).
  boost::asio::awaitable<core::Result<OsAnswer>> Call(http::Verb method, std::string path, std::string body,
                                                      const log::Context* context = nullptr);
  core::Result<OsAnswer> CallSync(http::Verb method, std::string path, std::string body);

  const std::string& url() const { return options_.url; }

 private:
  boost::asio::awaitable<core::Result<OsAnswer>> Do(http::Verb method, std::string path, std::string body,
                                                    const log::Context* context);

  OpenSearchOptions options_;
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<http::Client> client_;
  std::thread thread_;
};

// An OpenSearch error answer as a core::Error: 429/5xx -> unavailable; others -> internal.
core::Error OsError(const OsAnswer& answer, std::string_view what);

}  // namespace store::search
