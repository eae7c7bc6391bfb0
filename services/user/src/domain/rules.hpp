// Pure rules of the user domain: input validation and the password policy. No I/O, no JSON.
// Thread-safety: PasswordPolicy is immutable after construction (safe to share).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "store/core/result.hpp"
#include "store/core/text.hpp"

namespace store::user {

// Lower-cased, trimmed email; nullopt when it is not a plausible address (one '@', a non-empty
// local part, a dotted domain, no spaces or control characters, at most 254 bytes).
std::optional<std::string> NormalizeEmail(std::string_view raw);
// E.164: '+' then 7..15 digits, the first not 0.
bool ValidPhone(std::string_view phone);
// A BCP 47-ish tag: letters, digits and '-', 2..35 characters.
bool ValidLocale(std::string_view locale);
// Printable UTF-8 text of at most max_chars code points, no control characters.
bool ValidText(std::string_view text, std::size_t max_chars);
// Number of UTF-8 code points; nullopt for invalid UTF-8.
using core::Utf8Length;  // the one UTF-8 reader: libs/core text.hpp

class PasswordPolicy {
 public:
  // common: lower-case passwords refused whatever their length.
  PasswordPolicy(std::size_t min_chars, std::size_t max_chars, std::unordered_set<std::string> common);
  // One password per line (blank lines and '#' comments skipped), lower-cased. The file is read
  // by adapters/password_list.hpp.
  static std::unordered_set<std::string> ParseList(std::string_view text);
  // nullopt when acceptable; otherwise why not (for a field error on `field`).
  std::optional<core::FieldError> Check(std::string_view password, std::string_view email,
                                        std::string field = "password") const;
  std::size_t common_size() const { return common_.size(); }

 private:
  std::size_t min_chars_;
  std::size_t max_chars_;
  std::unordered_set<std::string> common_;
};

// Roles are stored comma separated; the access token carries them as an array.
std::vector<std::string> SplitRoles(std::string_view roles);

}  // namespace store::user
