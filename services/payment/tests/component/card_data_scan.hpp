// The card-data scanner of the no-card-data tests: card numbers (Luhn-valid runs of 13-19 digits
// with a card brand's first digit, single spaces or dashes allowed between digits, not inside a
// longer alphanumeric token) and the CVC the tests type (kCvc, as a card field's value).
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace store::payment::testing::card_data {

constexpr const char* kCvc = "7319";  // the CVC typed with every card: distinctive, found as a word

inline bool Luhn(const std::string& digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice && (d *= 2) > 9) d -= 9;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// A UUID (8-4-4-4-12 hex digits) starts at `i`: its groups may all be digits, and then look like a
// dashed card number ("57015439-1663-4116-…", a demo product's id, was one).
inline bool UuidAt(const std::string& text, std::size_t i) {
  static constexpr std::size_t kGroups[] = {8, 4, 4, 4, 12};
  for (std::size_t g = 0; g < 5; ++g) {
    for (std::size_t n = 0; n < kGroups[g]; ++n, ++i)
      if (i >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
    if (g < 4 && (i >= text.size() || text[i++] != '-')) return false;
  }
  return i >= text.size() || !std::isalnum(static_cast<unsigned char>(text[i]));
}

// Every card number in `text`: a run of digits (single spaces or dashes allowed between them) of
// 13-19 digits, not inside a longer alphanumeric token or a UUID, Luhn-valid, first digit 3-6 (the
// brands).
inline std::vector<std::string> CardNumbers(const std::string& text) {
  std::vector<std::string> found;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i < text.size();) {
    if ((i == 0 || !alnum(text[i - 1])) && UuidAt(text, i)) {
      i += 36;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(text[i])) || (i > 0 && alnum(text[i - 1]))) {
      ++i;
      continue;
    }
    std::string digits;
    std::size_t j = i;
    while (j < text.size()) {
      if (std::isdigit(static_cast<unsigned char>(text[j]))) digits += text[j++];
      else if ((text[j] == ' ' || text[j] == '-') && j + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[j + 1])) &&
               digits.size() < 19)
        ++j;
      else
        break;
    }
    bool bounded = j >= text.size() || !alnum(text[j]);
    if (bounded && digits.size() >= 13 && digits.size() <= 19 && digits[0] >= '3' && digits[0] <= '6' && Luhn(digits))
      found.push_back(digits);
    i = j + 1;
  }
  return found;
}

// The CVC as a card field's value: the number as a word of its own, with "cvc", "cvv" or "csc"
// (any case) in the 16 characters before it (cvc=7319, "cvc":"7319", CVV: 7319). A 4-digit
// number alone is everywhere (image sizes, prices); a CVC leaks with its field's name.
inline bool HasCvc(const std::string& text) {
  for (auto at = text.find(kCvc); at != std::string::npos; at = text.find(kCvc, at + 1)) {
    bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
    auto end = at + std::strlen(kCvc);
    bool right = end >= text.size() || !std::isalnum(static_cast<unsigned char>(text[end]));
    if (!left || !right) continue;
    std::string before = text.substr(at >= 16 ? at - 16 : 0, at >= 16 ? 16 : at);
    for (char& c : before) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (before.find("cvc") != std::string::npos || before.find("cvv") != std::string::npos || before.find("csc") != std::string::npos)
      return true;
  }
  return false;
}

inline void ExpectClean(const std::string& where, const std::string& text) {
  auto numbers = CardNumbers(text);
  EXPECT_TRUE(numbers.empty()) << where << " holds a card number: " << numbers.front();
  EXPECT_FALSE(HasCvc(text)) << where << " holds the CVC";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


}  // namespace store::payment::testing::card_data
