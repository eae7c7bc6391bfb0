// Reading a catalog request beyond libs/http's JSON body and field readers (store/http/fields.hpp):
// If-Match versions, integer path and query parameters; and answering with an ETag. Shared by the
// route files of http/.
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"
#include "store/http/fields.hpp"
#include "store/http/message.hpp"

namespace store::catalog {

// If-Match: "7" / W/"7" -> 7; a value that is not a version never matches (-1); absent or * -> nullopt.
std::optional<std::int64_t> IfMatch(const http::Request& req);
// An optional integer query parameter (400 naming it when it is not one).
core::Result<std::int64_t> QueryInt(const http::Request& req, std::string_view name, std::int64_t def);
// ?page= (default 1) and ?per_page= (default `per_page`) of a listing; their ranges are the use case's.
struct Paging {
  std::int64_t page = 1, per_page = 0;
};
core::Result<Paging> QueryPaging(const http::Request& req, std::int64_t per_page);
// A positive integer path parameter (404 otherwise: no such resource).
core::Result<std::int64_t> PathInt(const http::Request& req, std::string_view name);
http::Response JsonWithETag(int status, const boost::json::object& body, std::int64_t version);

}  // namespace store::catalog
