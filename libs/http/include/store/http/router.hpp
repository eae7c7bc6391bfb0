// Router: maps (method, path) to a handler. Patterns are literal segments and `{name}`
// parameters: "/v1/products/{id}". When several patterns match, the one with the fewest
// parameters wins ("/v1/products/search" beats "/v1/products/{id}"). A path no pattern matches
// is 404; a path that matches only with other methods is 405 with an Allow header.
//
// The request policy is per route (RouteOptions): every route takes JSON unless it says otherwise
// (a POST/PUT/PATCH body sent with another declared media type is a 415 before the handler runs),
// and every route has the server's body limit (http.body_limit, 1 MiB) unless it names a larger
// one (the catalog's image upload); larger bodies are a 413 before they are read.
//
// Handlers run on an I/O thread: they must never block (use core::BlockingPool for blocking
// calls). Thread-safety: add routes before the server starts; Match is then const and safe
// from any thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/http/message.hpp"

namespace store::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// What a route accepts as its request body.
enum class BodyKind {
  json,   // the default: a non-empty POST/PUT/PATCH body must be application/json or
          // application/*+json (no Content-Type is read as JSON); anything else is a 415
  bytes,  // any media type: the handler reads the bytes itself (an image upload sniffs them)
};

struct RouteOptions {
  BodyKind body = BodyKind::json;
  std::size_t body_limit = 0;  // larger bodies get 413; 0: the server's http.body_limit
};

// True for application/json and application/<anything>+json, parameters ignored, any case.
bool IsJsonMediaType(std::string_view content_type);

class Router {
 public:
  Router& Add(Verb method, std::string pattern, Handler handler, RouteOptions options = {});
  Router& Get(std::string pattern, Handler h, RouteOptions o = {}) { return Add(Verb::get, std::move(pattern), std::move(h), o); }
  Router& Post(std::string pattern, Handler h, RouteOptions o = {}) { return Add(Verb::post, std::move(pattern), std::move(h), o); }
  Router& Put(std::string pattern, Handler h, RouteOptions o = {}) { return Add(Verb::put, std::move(pattern), std::move(h), o); }
  Router& Patch(std::string pattern, Handler h, RouteOptions o = {}) { return Add(Verb::patch, std::move(pattern), std::move(h), o); }
  Router& Delete(std::string pattern, Handler h, RouteOptions o = {}) { return Add(Verb::delete_, std::move(pattern), std::move(h), o); }

  struct Match {
    const Handler* handler = nullptr;  // null: not found or method not allowed
    const std::string* pattern = nullptr;
    const RouteOptions* options = nullptr;  // set with handler
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // set for 405: "GET, POST"
  };
  Match Find(Verb method, std::string_view path) const;
  // The largest RouteOptions::body_limit of any route (0: none names one).
  std::size_t LargestBodyLimit() const { return largest_body_limit_; }

 private:
  struct Route {
    Verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{id}" marks a parameter
    int param_count = 0;
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
  std::size_t largest_body_limit_ = 0;
};

}  // namespace store::http
