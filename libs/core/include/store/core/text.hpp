// UTF-8 text: the one place that decides whether bytes are well-formed UTF-8 and where user text
// may be cut. Anything that shortens text a client, a provider or an engine sent (an echo in a
// problem+json detail, a log field, a column of bounded width) goes through TruncateUtf8, so
// that no JSON body, log line or row ever holds half a character.
// Plain functions; thread-safe; no errors (invalid input is reported, never thrown).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace store::core {

// Number of code points of well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF, no cut sequence); nullopt when `text` is not well-formed.
std::optional<std::size_t> Utf8Length(std::string_view text);
inline bool IsValidUtf8(std::string_view text) { return Utf8Length(text).has_value(); }

// The longest prefix of `text` that fits in `max_bytes` and ends on a character boundary. Bytes
// that are not well-formed UTF-8 are replaced by U+FFFD first, so the result is always valid
// UTF-8 whatever `text` holds (a client may send any bytes). Text that is already short enough
// and valid is returned unchanged.
std::string TruncateUtf8(std::string_view text, std::size_t max_bytes);

// `text` for HTML (element content or a quoted attribute): & < > " ' as entities; the bytes are
// kept as they are (validate or repair UTF-8 first where it matters: TruncateUtf8).
std::string HtmlEscape(std::string_view text);

// `text` as one URI component (RFC 3986): every byte but the unreserved A-Z a-z 0-9 - . _ ~
// percent-encoded (upper-case hex): a query value, a form field, a path segment.
std::string PercentEncode(std::string_view text);

// `text` without its leading and trailing spaces and tabs.
std::string_view Trim(std::string_view text);
// A comma-separated list, as configuration values hold them ("card, online_banking"): the items
// trimmed, empty ones dropped.
std::vector<std::string> SplitList(std::string_view text);

}  // namespace store::core
