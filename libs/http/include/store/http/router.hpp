// Router: maps (method, path) to a handler. Patterns are literal segments and `{name}`
// parameters: "/v1/products/{id}". When several patterns match, the one with the fewest
// parameters wins ("/v1/products/search" beats "/v1/products/{id}"). A path no pattern matches
// is 404; a path that matches only with other methods is 405 with an Allow header.
//
// Handlers run on an I/O thread: they must never block (use core::BlockingPool for blocking
// calls). Thread-safety: add routes before the server starts; Match is then const and safe
// from any thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/http/message.hpp"

namespace store::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

class Router {
 public:
  Router& Add(Verb method, std::string pattern, Handler handler);
  Router& Get(std::string pattern, Handler h) { return Add(Verb::get, std::move(pattern), std::move(h)); }
  Router& Post(std::string pattern, Handler h) { return Add(Verb::post, std::move(pattern), std::move(h)); }
  Router& Put(std::string pattern, Handler h) { return Add(Verb::put, std::move(pattern), std::move(h)); }
  Router& Patch(std::string pattern, Handler h) { return Add(Verb::patch, std::move(pattern), std::move(h)); }
  Router& Delete(std::string pattern, Handler h) { return Add(Verb::delete_, std::move(pattern), std::move(h)); }

  struct Match {
    const Handler* handler = nullptr;  // null: not found or method not allowed
    const std::string* pattern = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // set for 405: "GET, POST"
  };
  Match Find(Verb method, std::string_view path) const;

 private:
  struct Route {
    Verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{id}" marks a parameter
    int param_count = 0;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace store::http
