#include "adapters/opensearch_client.hpp"
#include "store/core/text.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

namespace store::search {
namespace json = boost::json;
using boost::asio::awaitable;

OpenSearchClient::OpenSearchClient(OpenSearchOptions options)
    : options_(std::move(options)), work_(boost::asio::make_work_guard(ioc_)) {
  client_ = std::make_unique<http::Client>(http::ClientOptions{.connect_timeout = options_.timeout,
                                                               .read_timeout = options_.timeout,
                                                               .max_retries = 1,
                                                               .max_idle_per_host = 64,
                                                               .pool_idle_timeout = std::chrono::seconds(20),
                                                               .user_agent = "store-catalog-search"});
  thread_ = std::thread([this] { ioc_.run(); });
}

OpenSearchClient::~OpenSearchClient() {
  // Drop the pooled connections on the client's own thread, then stop it.
  auto drop = [this]() -> awaitable<void> {
    client_.reset();
    co_return;
  };
  auto done = boost::asio::co_spawn(ioc_, drop, boost::asio::use_future);
  done.wait();
  work_.reset();
  thread_.join();
}

awaitable<core::Result<OsAnswer>> OpenSearchClient::Do(http::Verb method, std::string path, std::string body,
                                                       const log::Context* context) {
  http::ClientRequest request;
  request.method = method;
  request.url = options_.url + path;
  request.body = std::move(body);
  if (!request.body.empty())
    request.content_type = path.find("_bulk") != std::string::npos ? "application/x-ndjson" : "application/json";
  auto send = client_->Send(std::move(request), context);  // built outside co_await (g++ 12)
  auto result = co_await std::move(send);
  if (!result) co_return std::unexpected(result.error());
  OsAnswer answer;
  answer.status = result->status;
  answer.text = std::move(result->body);
  boost::system::error_code ec;
  answer.body = json::parse(answer.text, ec);
  if (ec) answer.body = nullptr;
  co_return answer;
}

awaitable<core::Result<OsAnswer>> OpenSearchClient::Call(http::Verb method, std::string path, std::string body,
                                                         const log::Context* context) {
  auto task = [this, method, &path, &body, context]() -> awaitable<core::Result<OsAnswer>> {
    auto call = Do(method, std::move(path), std::move(body), context);
    co_return co_await std::move(call);
  };
  auto hop = boost::asio::co_spawn(ioc_, std::move(task), boost::asio::use_awaitable);
  co_return co_await std::move(hop);
}

core::Result<OsAnswer> OpenSearchClient::CallSync(http::Verb method, std::string path, std::string body) {
  auto task = [this, method, &path, &body]() -> awaitable<core::Result<OsAnswer>> {
    auto call = Do(method, std::move(path), std::move(body), nullptr);
    co_return co_await std::move(call);
  };
  return boost::asio::co_spawn(ioc_, std::move(task), boost::asio::use_future).get();
}

core::Error OsError(const OsAnswer& answer, std::string_view what) {
  std::string message = std::string(what) + ": OpenSearch answered " + std::to_string(answer.status) + " " +
                        core::TruncateUtf8(answer.text, 300);
  if (answer.status == 429 || answer.status >= 500) return core::Error::Unavailable(std::move(message));
  return core::Error::Internal(std::move(message));
}

}  // namespace store::search
