// Stripe's webhook signature scheme, which the sandbox uses too: the header
// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>[,v1=...]`. Valid when one v1
// matches (constant-time) and t is within `tolerance` of now (a replay of an old delivery fails).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "store/core/result.hpp"

namespace store::payment {

core::Status VerifySignature(std::string_view header, std::string_view body, std::string_view secret,
                             std::chrono::system_clock::time_point now, std::chrono::seconds tolerance);

// The header for `body` signed at `t` (tests, and the sandbox's documentation of the scheme).
std::string SignatureHeader(std::string_view body, std::string_view secret, std::int64_t t);

}  // namespace store::payment
