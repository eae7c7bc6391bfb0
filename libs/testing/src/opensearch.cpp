#include "store/testing/opensearch.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "store/http/client.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/server.hpp"

namespace store::testing {
namespace {

// One request on a private io_context (the Client dies before it, as it must).
http::ClientResponse Call(http::Verb method, const std::string& url, const std::string& body) {
  boost::asio::io_context ioc;
  http::Client client;
  http::ClientRequest request{.method = method, .url = url, .body = body,
                              .content_type = body.empty() ? "" : "application/json", .headers = {}};
  auto result = RunAwaitable(ioc, client.Send(std::move(request)));
  if (!result) throw std::runtime_error(fmt::format("OpenSearch {}: {}", url, result.error().message));
  return *result;
}

}  // namespace

TempIndex::TempIndex(const std::string& prefix, const std::string& body)
    : base_url_([] {
        auto engines = Engines::FromEnv();
        return fmt::format("http://{}:{}", engines.host, engines.opensearch_port);
      }()),
      name_(UniqueName(prefix)) {
  auto res = Call(http::Verb::put, Url(), body);
  if (res.status != 200) throw std::runtime_error(fmt::format("creating index {}: {} {}", name_, res.status, res.body));
}

TempIndex::~TempIndex() {
  try {
    Call(http::Verb::delete_, Url(), "");
  } catch (const std::exception&) {
    // Best effort: a leftover uniquely named test index harms nothing.
  }
}

}  // namespace store::testing
