#include "store/http/router.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace store::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool IsParam(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

}  // namespace

bool IsJsonMediaType(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::string t = lower(type);
  if (t == "application/json") return true;
  return t.starts_with("application/") && t.ends_with("+json") && t.find('/', 12) == std::string::npos;
}

Router& Router::Add(Verb method, std::string pattern, Handler handler, RouteOptions options) {
  if (pattern.empty() || pattern[0] != '/') throw std::invalid_argument("route pattern must start with /: " + pattern);
  Route r{method, pattern, {}, 0, std::move(handler), options};
  for (auto s : Split(pattern)) {
    if (IsParam(s)) ++r.param_count;
    r.segments.emplace_back(s);
  }
  largest_body_limit_ = std::max(largest_body_limit_, options.body_limit);
  routes_.push_back(std::move(r));
  return *this;
}

Router::Match Router::Find(Verb method, std::string_view path) const {
  auto parts = Split(path);
  const Route* best = nullptr;
  std::string allow;
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      ok = IsParam(r.segments[i]) ? !parts[i].empty() : r.segments[i] == parts[i];
    }
    if (!ok) continue;
    if (r.method != method) {
      auto name = beast_http::to_string(r.method);
      if (allow.find(name) == std::string::npos) {
        if (!allow.empty()) allow += ", ";
        allow.append(name.data(), name.size());
      }
      continue;
    }
    if (!best || r.param_count < best->param_count) best = &r;
  }
  Match m;
  if (!best) {
    m.allow = std::move(allow);
    return m;
  }
  m.handler = &best->handler;
  m.pattern = &best->pattern;
  m.options = &best->options;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = best->segments[i];
    if (IsParam(seg)) m.params.emplace_back(seg.substr(1, seg.size() - 2), std::string(parts[i]));
  }
  return m;
}

}  // namespace store::http
