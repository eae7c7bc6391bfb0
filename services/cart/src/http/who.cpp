#include "http/who.hpp"

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
  auto token = http::TokenCookie(req, cookie_.name);
  if (token && WellFormed(*token)) return token;
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
  response.SetHeader("Set-Cookie", http::SetCookieValue(Spec(), owner.guest_token));
}

void CartOwner::Forget(http::Response& response) const { response.SetHeader("Set-Cookie", http::ClearCookieValue(Spec())); }

http::CookieSpec CartOwner::Spec() const {
  return http::CookieSpec{.name = cookie_.name, .path = cookie_.path, .max_age = cookie_.max_age, .secure = cookie_.secure};
}

}  // namespace store::cart
