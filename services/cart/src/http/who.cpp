#include "http/who.hpp"

#include <fmt/format.h>

#include "store/auth/secrets.hpp"

namespace store::cart {
using boost::asio::awaitable;

namespace {

// What NewSecretToken makes: 43 characters of base64url (256 bits). Anything else is no token.
bool WellFormed(std::string_view token) {
  return token.size() == 43 &&
         token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string_view::npos;
}

Owner GuestOwner(std::string token) {
  return Owner{CartKey::Guest(auth::Sha256Hex(token)), std::move(token)};
}

}  // namespace

std::optional<std::string> CartOwner::GuestToken(const http::Request& req) const {
  // Cookie: a=1; cart_token=...; b=2 (RFC 6265 §5.4). The first well-formed one counts.
  std::string_view header = req.Header("Cookie");
  while (!header.empty()) {
    std::size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != cookie_.name) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (WellFormed(value)) return std::string(value);
  }
  return std::nullopt;
}

awaitable<core::Result<std::optional<Owner>>> CartOwner::ForRead(const http::Request& req) {
  if (!req.Header("Authorization").empty()) {
    CO_TRY(claims, co_await authenticator_.Authenticate(req));
    co_return std::optional<Owner>(Owner{CartKey::Customer(claims.subject), {}});
  }
  if (auto token = GuestToken(req)) co_return std::optional<Owner>(GuestOwner(std::move(*token)));
  co_return std::optional<Owner>();
}

awaitable<core::Result<Owner>> CartOwner::ForChange(const http::Request& req) {
  CO_TRY(found, co_await ForRead(req));
  if (found) co_return std::move(*found);
  co_return GuestOwner(auth::NewSecretToken());
}

awaitable<core::Result<std::pair<CartKey, std::optional<CartKey>>>> CartOwner::ForMerge(const http::Request& req) {
  CO_TRY(claims, co_await authenticator_.Authenticate(req));
  std::optional<CartKey> guest;
  if (auto token = GuestToken(req)) guest = CartKey::Guest(auth::Sha256Hex(*token));
  co_return std::pair{CartKey::Customer(claims.subject), std::move(guest)};
}

void CartOwner::Remember(const Owner& owner, http::Response& response) const {
  if (owner.key.kind != CartKey::Kind::guest) return;
  response.SetHeader("Set-Cookie", fmt::format("{}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Lax{}", cookie_.name,
                                               owner.guest_token, cookie_.path, cookie_.max_age.count(),
                                               cookie_.secure ? "; Secure" : ""));
}

void CartOwner::Forget(http::Response& response) const {
  response.SetHeader("Set-Cookie", fmt::format("{}=; Path={}; Max-Age=0; HttpOnly; SameSite=Lax{}", cookie_.name,
                                               cookie_.path, cookie_.secure ? "; Secure" : ""));
}

}  // namespace store::cart
