// Whose cart a request is about. The one place that decides it, so no route can reach another
// shopper's cart:
//   - a request with "Authorization: Bearer <access token>" is about the caller's customer cart
//     (the token verified by libs/auth: signature, expiry, revocation); a bad token is a 401,
//     never a fall-back to a guest cart;
//   - otherwise the guest cart named by the cart token in the `cart_token` cookie (HttpOnly,
//     SameSite=Lax; the storefront never reads it). Only the SHA-256 of the token names the cart
//     in the store, so whoever reads the database cannot use a cart token.
//   - a guest without a (well-formed) token has no cart yet: reads answer an empty cart, the
//     first change gets a fresh token (256 random bits) and the cookie that carries it.
// A well-formed token the store does not know (an expired cart) names a new, empty cart: a
// client that picks its own token only ever reaches the cart it named itself.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "app/ports.hpp"
#include "store/auth/authenticator.hpp"
#include "store/http/cookies.hpp"
#include "store/http/message.hpp"

namespace store::cart {

struct CookieOptions {
  std::string name = "cart_token";
  std::string path = "/api";  // the APIs' path through the gateway: the cart's and the order service's (a guest's checkout)
  bool secure = true;              // browsers accept Secure cookies on http://localhost too
  std::chrono::seconds max_age{std::chrono::hours(24 * 30)};  // the guest cart's lifetime
};

struct Owner {
  CartKey key;
  std::string guest_token;  // guests only: what their cookie carries
};

class CartOwner {
 public:
  CartOwner(auth::Authenticator& authenticator, CookieOptions cookie)
      : authenticator_(authenticator), cookie_(std::move(cookie)) {}

  // The owner for a read: nullopt when a guest has no token (no cart yet).
  boost::asio::awaitable<core::Result<std::optional<Owner>>> ForRead(const http::Request& req);
  // The owner for a change: a guest without a token gets a new one.
  boost::asio::awaitable<core::Result<Owner>> ForChange(const http::Request& req);
  // The customer (401 without a valid token) and the guest cart of the request's cookie, if any.
  boost::asio::awaitable<core::Result<std::pair<CartKey, std::optional<CartKey>>>> ForMerge(const http::Request& req);

  // Sets (or refreshes: a guest cart lives max_age after its last change) the cookie of a guest.
  void Remember(const Owner& owner, http::Response& response) const;
  // Clears the guest cookie (after a merge).
  void Forget(http::Response& response) const;

 private:
  std::optional<std::string> GuestToken(const http::Request& req) const;
  http::CookieSpec Spec() const;

  auth::Authenticator& authenticator_;
  CookieOptions cookie_;
};

}  // namespace store::cart
