#include "http/request.hpp"

#include <charconv>

namespace store::catalog {

using core::Error;

std::optional<std::string> Fields::String(std::string_view key, bool required, std::size_t min, std::size_t max) {
  const auto* v = body_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) Add(key, "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    Add(key, "must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (s.size() < min || s.size() > max) {
    Add(key, "must be " + std::to_string(min) + ".." + std::to_string(max) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> Fields::Int(std::string_view key, bool required, std::int64_t min, std::int64_t max) {
  const auto* v = body_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) Add(key, "is required");
    return std::nullopt;
  }
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->as_int64();
  else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(v->as_uint64());
  if (!n) {
    Add(key, "must be an integer");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    Add(key, "must be within " + std::to_string(min) + ".." + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

core::Result<boost::json::object> BodyObject(const http::Request& req) {
  auto v = req.Json();
  if (!v) return std::unexpected(v.error());
  if (!v->is_object()) return std::unexpected(Error::Invalid("the body must be a JSON object"));
  return std::move(v->as_object());
}

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
  res.SetHeader("ETag", "\"" + std::to_string(version) + "\"");
  return res;
}

}  // namespace store::catalog
