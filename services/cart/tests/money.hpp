// Money in the cart tests' currencies.
#pragma once

#include "store/core/money.hpp"

namespace store::cart::testing {

inline core::Money Eur(std::int64_t minor) { return core::Money(minor, *core::Currency::Parse("EUR")); }
inline core::Money Usd(std::int64_t minor) { return core::Money(minor, *core::Currency::Parse("USD")); }

}  // namespace store::cart::testing
