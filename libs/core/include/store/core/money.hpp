// Money: integer minor units plus an ISO 4217 currency code. No floating point anywhere:
// there is no constructor from double, and arithmetic across currencies is an error value.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/core/result.hpp"

namespace store::core {

class Currency {
 public:
  // Accepts exactly three uppercase ASCII letters.
  static Result<Currency> Parse(std::string_view code);
  std::string_view code() const { return {code_.data(), 3}; }
  // Digits after the decimal point (2 for EUR, 0 for JPY, 3 for KWD).
  int exponent() const;
  bool operator==(const Currency&) const = default;

 private:
  std::array<char, 3> code_{};
};

class Money {
 public:
  Money(std::int64_t minor_units, Currency currency) : minor_(minor_units), currency_(currency) {}
  template <std::floating_point F>
  Money(F, Currency) = delete;

  // Parses "12.34" in the currency's exponent (at most that many decimals, no float on the way).
  static Result<Money> Parse(std::string_view amount, Currency currency);

  std::int64_t minor_units() const { return minor_; }
  Currency currency() const { return currency_; }

  Result<Money> Plus(const Money& other) const;
  Result<Money> Minus(const Money& other) const;
  Result<Money> Times(std::int64_t quantity) const;
  // "12.34" (no currency), exact.
  std::string Amount() const;
  // "12.34 EUR".
  std::string ToString() const;
  bool operator==(const Money&) const = default;

 private:
  std::int64_t minor_;
  Currency currency_;
};

}  // namespace store::core
