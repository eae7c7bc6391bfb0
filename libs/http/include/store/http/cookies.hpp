// Cookies (RFC 6265): the one reader of a request's Cookie header and the one writer of
// Set-Cookie for the services (the cart's guest token, the user service's browser session).
// Every cookie written here is HttpOnly (no script on a page can read it) unless its spec says
// otherwise, which only a hint without any secret may (the user service's "signed in" flag).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "store/http/message.hpp"

namespace store::http {

struct CookieSpec {
  std::string name;
  std::string path = "/";                   // as the browser sees it (behind the gateway: /api/<service>/...)
  std::chrono::seconds max_age{0};          // lifetime of a written cookie
  bool secure = true;                       // Secure (off only for plain-http local runs and tests)
  std::string same_site = "Lax";            // Lax or Strict
  bool http_only = true;                    // false only for a value a page may read: never a secret
};

// The value of the first cookie called `name` whose value is 1..256 characters of the base64url
// alphabet plus '.' (what the services' tokens are made of); nullopt when there is none. Other
// cookies and malformed values are skipped, never an error.
std::optional<std::string> TokenCookie(const Request& req, std::string_view name);

// "name=value; Path=...; Max-Age=...[; HttpOnly]; SameSite=...[; Secure]"
std::string SetCookieValue(const CookieSpec& cookie, std::string_view value);
// The same cookie, expired at once (Max-Age=0, empty value): the browser drops it.
std::string ClearCookieValue(const CookieSpec& cookie);

}  // namespace store::http
