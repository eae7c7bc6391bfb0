#include "http/request.hpp"

#include <charconv>
#include <fmt/format.h>

namespace store::catalog {

using core::Error;

std::optional<std::int64_t> IfMatch(const http::Request& req) {
  std::string_view h = req.Header("If-Match");
  if (h.empty() || h == "*") return std::nullopt;
  if (h.starts_with("W/")) h.remove_prefix(2);
  if (h.size() >= 2 && h.front() == '"' && h.back() == '"') h = h.substr(1, h.size() - 2);
  std::int64_t v = -1;
  auto [p, ec] = std::from_chars(h.data(), h.data() + h.size(), v);
  if (ec != std::errc() || p != h.data() + h.size()) return -1;
  return v;
}

core::Result<std::int64_t> QueryInt(const http::Request& req, std::string_view name, std::int64_t def) {
  auto q = req.Query(name);
  if (!q) return def;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(q->data(), q->data() + q->size(), v);
  if (ec != std::errc() || p != q->data() + q->size())
    return std::unexpected(Error::Invalid("invalid query parameter", {{std::string(name), "must be an integer"}}));
  return v;
}

core::Result<Paging> QueryPaging(const http::Request& req, std::int64_t per_page) {
  TRY(page, QueryInt(req, "page", 1));
  TRY(size, QueryInt(req, "per_page", per_page));
  return Paging{page, size};
}

core::Result<std::int64_t> PathInt(const http::Request& req, std::string_view name) {
  auto s = req.PathParam(name);
  std::int64_t v = 0;
  if (!s) return std::unexpected(Error::NotFound("not found"));
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size() || v < 1) return std::unexpected(Error::NotFound("not found"));
  return v;
}

http::Response JsonWithETag(int status, const boost::json::object& body, std::int64_t version) {
  auto res = http::Response::Json(status, body);
  // fmt, not "\"" + std::to_string(...): g++ 12 -O3 reports a false -Wrestrict inside
  // operator+(const char*, string&&) (GCC PR 105329), which -Werror turns into a failed build.
  res.SetHeader("ETag", fmt::format("\"{}\"", version));
  return res;
}

}  // namespace store::catalog
