// A payment receipt, pure data: what the customer paid for an order, with which method, and
// the order's lines and amounts as the order gave them. No I/O; adapters/receipt_documents.hpp
// renders it as HTML and as PDF. Text fields are UTF-8 (they may hold anything a customer or a
// catalog typed: the renderers escape and convert them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/core/money.hpp"

namespace store::payment {

struct ReceiptLine {
  std::string name;
  std::string sku;
  std::int64_t quantity = 0;
  core::Money unit_price;
  core::Money line_total;
};

struct Receipt {
  std::string shop_name;           // "StoreMicroservices"
  std::string order_number;        // e.g. "SO-2026-000123"
  std::string payment_id;          // our payment intent id
  std::string provider_reference;  // the provider's id, e.g. "pi_3N..."
  std::string method;              // human text: "Visa •••• 4242", "Wallet", "Cash on delivery"
  std::vector<ReceiptLine> lines;
  // As the order gave them; an absent amount is not shown.
  std::optional<core::Money> subtotal = {};
  std::optional<core::Money> shipping = {};
  std::optional<core::Money> taxes = {};
  core::Money total;                          // the amount paid
  std::optional<core::Money> refunded = {};   // shown when > 0
  std::string paid_at;                        // RFC 3339, e.g. "2026-12-07T10:11:12.123Z"
  std::string customer_email = {};            // may be empty (then not shown)
};

}  // namespace store::payment
