// The admin API over the delivery log (contracts/openapi/notification.yaml):
//   GET  /v1/notifications/deliveries              list, newest first; filters status, template,
//                                                  recipient, channel, since; limit + cursor paging
//   GET  /v1/notifications/deliveries/{id}         one delivery with its message and attempts
//   POST /v1/notifications/deliveries/{id}/resend  send it again (202): same row, a new attempt
// Every route first runs `guard` (the admin role check): its error becomes the response (401/403).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>

#include "store/core/result.hpp"
#include "app/ports.hpp"
#include "store/auth/authenticator.hpp"
#include "store/http/router.hpp"

namespace store::notification {

using AdminGuard = auth::Guard;  // auth::RoleGuard(authenticator, "admin")

// `log` must outlive the router.
void AddAdminRoutes(http::Router& router, DeliveryLog& log, AdminGuard guard);

}  // namespace store::notification
