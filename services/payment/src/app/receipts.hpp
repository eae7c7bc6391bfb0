// The receipt of a paid intent: the order's facts it was created with (number, lines, taxes,
// shipping, contact) and what the payment says (amount, method as brand + last 4, date, the
// provider's reference).
#pragma once

#include "app/ports.hpp"
#include "domain/receipt.hpp"

namespace store::payment {

// 409 while the intent holds no captured money (no receipt before the payment succeeded).
core::Result<Receipt> ReceiptOf(const Intent& intent, const std::string& shop_name);

}  // namespace store::payment
