#include "domain/rules.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace store::user {

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

bool ValidText(std::string_view text, std::size_t max_chars) {
  auto n = Utf8Length(text);
  if (!n || *n > max_chars) return false;
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7F) return false;
  return true;
}

std::optional<std::string> NormalizeEmail(std::string_view raw) {
  auto s = Trim(raw);
  if (s.size() < 3 || s.size() > 254) return std::nullopt;
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return std::nullopt;
  auto local = s.substr(0, at);
  auto domain = s.substr(at + 1);
  if (local.size() > 64 || domain.size() < 3) return std::nullopt;
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return std::nullopt;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == ',' || c == ';' || c == '(' || c == ')' ||
        c == '[' || c == ']')
      return std::nullopt;
  for (unsigned char c : domain)
    if (!(std::isalnum(c) || c == '-' || c == '.' || c >= 0x80)) return std::nullopt;
  if (!Utf8Length(s)) return std::nullopt;
  return Lower(s);
}

bool ValidPhone(std::string_view phone) {
  if (phone.size() < 8 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  return std::all_of(phone.begin() + 1, phone.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool ValidLocale(std::string_view locale) {
  if (locale.size() < 2 || locale.size() > 35) return false;
  return std::all_of(locale.begin(), locale.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

PasswordPolicy::PasswordPolicy(std::size_t min_chars, std::size_t max_chars, std::unordered_set<std::string> common)
    : min_chars_(min_chars), max_chars_(max_chars), common_(std::move(common)) {}

std::unordered_set<std::string> PasswordPolicy::ParseList(std::string_view text) {
  std::unordered_set<std::string> out;
  while (!text.empty()) {
    std::string_view line = text.substr(0, text.find('\n'));
    text.remove_prefix(std::min(text.size(), line.size() + 1));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    out.insert(Lower(line));
  }
  return out;
}

std::optional<core::FieldError> PasswordPolicy::Check(std::string_view password, std::string_view email,
                                                      std::string field) const {
  auto n = Utf8Length(password);
  if (!n) return core::FieldError{field, "must be valid UTF-8 text"};
  if (*n < min_chars_) return core::FieldError{field, "must have at least " + std::to_string(min_chars_) + " characters"};
  if (*n > max_chars_) return core::FieldError{field, "must have at most " + std::to_string(max_chars_) + " characters"};
  auto lower = Lower(password);
  if (common_.contains(lower)) return core::FieldError{field, "is one of the most common passwords; choose another"};
  if (!email.empty()) {
    auto local = email.substr(0, email.find('@'));
    if (lower == Lower(email) || (local.size() >= 4 && lower == Lower(local)))
      return core::FieldError{field, "must not be your email address"};
  }
  return std::nullopt;
}

std::vector<std::string> SplitRoles(std::string_view roles) {
  std::vector<std::string> out;
  while (!roles.empty()) {
    auto comma = roles.find(',');
    auto part = Trim(roles.substr(0, comma));
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    roles.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace store::user
