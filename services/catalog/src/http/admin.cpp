#include "http/admin.hpp"

#include "store/http/message.hpp"

namespace store::catalog {

AdminCheck RequireAdmin(auth::Authenticator& authenticator) {
  return [&authenticator](http::Request& req) -> boost::asio::awaitable<core::Status> {
    auto claims = co_await authenticator.RequireRole(req, "admin");
    if (!claims) co_return std::unexpected(claims.error());
    co_return core::Status{};
  };
}

}  // namespace store::catalog
