#include "store/http/cookies.hpp"

#include <fmt/format.h>

namespace store::http {
namespace {

bool TokenLike(std::string_view value) {
  return !value.empty() && value.size() <= 256 &&
         value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == std::string_view::npos;
}

}  // namespace

std::optional<std::string> TokenCookie(const Request& req, std::string_view name) {
  // Cookie: a=1; name=...; b=2 (RFC 6265 §5.4). The first well-formed one counts.
  std::string_view header = req.Header("Cookie");
  while (!header.empty()) {
    const std::size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (TokenLike(value)) return std::string(value);
  }
  return std::nullopt;
}

std::string SetCookieValue(const CookieSpec& c, std::string_view value) {
  return fmt::format("{}={}; Path={}; Max-Age={}{}; SameSite={}{}", c.name, value, c.path, c.max_age.count(),
                     c.http_only ? "; HttpOnly" : "", c.same_site, c.secure ? "; Secure" : "");
}

std::string ClearCookieValue(const CookieSpec& c) {
  return fmt::format("{}=; Path={}; Max-Age=0{}; SameSite={}{}", c.name, c.path, c.http_only ? "; HttpOnly" : "", c.same_site,
                     c.secure ? "; Secure" : "");
}

}  // namespace store::http
