// Pure helpers for mail headers (RFC 5322 / RFC 2047). Stateless, thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace store::notification {

// A header value as is when it is printable ASCII, else RFC 2047 encoded-words
// (=?UTF-8?B?...?=, each at most 75 characters, never splitting a UTF-8 sequence), folded with
// CRLF + space between words.
std::string EncodeHeaderText(std::string_view text);
// "Tue, 24 Nov 2026 09:07:02 +0000"
std::string RfcDate(std::chrono::system_clock::time_point at);
// "Name <address>" with the name quoted or encoded as needed; just the address without a name.
std::string Mailbox(std::string_view name, std::string_view address);
// The domain part of an address ("shop@example.com" -> "example.com"), for Message-IDs.
std::string_view DomainOf(std::string_view address);

}  // namespace store::notification
