// JSON <-> the user service's typed values, shared by the route files (request bodies are read with
// libs/http's ObjectBody and Fields: store/http/fields.hpp): the client's IP and user agent, and
// the JSON shapes of a profile, a tokens answer and an address.
// Thread-safety: free functions on values.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/settings.hpp"
#include "domain/model.hpp"
#include "store/core/result.hpp"
#include "store/http/fields.hpp"
#include "store/http/message.hpp"

namespace store::user {

// ISO 8601 UTC of unix milliseconds.
std::string Iso(std::int64_t ms);
// The profile; `admin_view` adds `disabled`.
boost::json::object ProfileJson(const User& u, bool admin_view = false);
boost::json::object TokensJson(const Tokens& t);
boost::json::object AddressJson(const Address& a);
// A session as its owner (current: the one asking) or staff see it.
boost::json::object SessionJson(const Session& s, const std::string& current_session_id = "");

// The client as the limits see it: the gateway's IP header (never X-Forwarded-For), else "direct".
ClientInfo Client(const http::Request& req, const Settings& s);

// The answer of register, resend, reset and email-change requests: the same bytes whether or not
// the address has an account (no enumeration).
http::Response Accepted();

}  // namespace store::user
