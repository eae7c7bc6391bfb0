#include "store/core/money.hpp"

#include <fmt/format.h>

#include <limits>

namespace store::core {

Result<Currency> Currency::Parse(std::string_view code) {
  if (code.size() != 3) return Fail(Error::Invalid("currency must be a 3-letter ISO 4217 code"));
  Currency c;
  for (std::size_t i = 0; i < 3; ++i) {
    if (code[i] < 'A' || code[i] > 'Z')
      return Fail(Error::Invalid("currency must be a 3-letter ISO 4217 code"));
    c.code_[i] = code[i];
  }
  return c;
}

int Currency::exponent() const {
  static constexpr std::string_view kZero[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
                                               "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
  static constexpr std::string_view kThree[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
  for (auto z : kZero) if (z == code()) return 0;
  for (auto t : kThree) if (t == code()) return 3;
  return 2;
}

Result<Money> Money::Parse(std::string_view s, Currency currency) {
  const int exp = currency.exponent();
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return Fail(Error::Invalid("amount is empty"));
  __int128 units = 0;
  int decimals = -1;
  for (char ch : s) {
    if (ch == '.') {
      if (decimals >= 0) return Fail(Error::Invalid("amount has two decimal points"));
      decimals = 0;
      continue;
    }
    if (ch < '0' || ch > '9') return Fail(Error::Invalid("amount must be digits with an optional '.'"));
    if (decimals >= 0 && ++decimals > exp)
      return Fail(Error::Invalid(fmt::format("{} allows at most {} decimals", currency.code(), exp)));
    units = units * 10 + (ch - '0');
    if (units > std::numeric_limits<std::int64_t>::max()) return Fail(Error::Invalid("amount is too large"));
  }
  for (int d = decimals < 0 ? 0 : decimals; d < exp; ++d) {
    units *= 10;
    if (units > std::numeric_limits<std::int64_t>::max()) return Fail(Error::Invalid("amount is too large"));
  }
  auto v = static_cast<std::int64_t>(units);
  return Money(negative ? -v : v, currency);
}

Result<Money> Money::Plus(const Money& other) const {
  if (other.currency_ != currency_) return Fail(Error::Invalid("cannot add amounts in different currencies"));
  std::int64_t r;
  if (__builtin_add_overflow(minor_, other.minor_, &r)) return Fail(Error::Invalid("amount overflow"));
  return Money(r, currency_);
}

Result<Money> Money::Minus(const Money& other) const {
  if (other.currency_ != currency_) return Fail(Error::Invalid("cannot subtract amounts in different currencies"));
  std::int64_t r;
  if (__builtin_sub_overflow(minor_, other.minor_, &r)) return Fail(Error::Invalid("amount overflow"));
  return Money(r, currency_);
}

Result<Money> Money::Times(std::int64_t quantity) const {
  std::int64_t r;
  if (__builtin_mul_overflow(minor_, quantity, &r)) return Fail(Error::Invalid("amount overflow"));
  return Money(r, currency_);
}

std::string Money::Amount() const {
  const int exp = currency_.exponent();
  std::uint64_t mag = minor_ < 0 ? 0 - static_cast<std::uint64_t>(minor_) : static_cast<std::uint64_t>(minor_);
  std::uint64_t scale = 1;
  for (int i = 0; i < exp; ++i) scale *= 10;
  std::string sign = minor_ < 0 ? "-" : "";
  if (exp == 0) return fmt::format("{}{}", sign, mag);
  return fmt::format("{}{}.{:0{}}", sign, mag / scale, mag % scale, exp);
}

std::string Money::ToString() const { return fmt::format("{} {}", Amount(), currency_.code()); }

}  // namespace store::core
