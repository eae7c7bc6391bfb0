// The payment receipt as documents a customer keeps: a small printable HTML page (for the
// e-mail body and the "view receipt" link) and an A4 PDF made with libharu (link: hpdf).
// Plain functions, thread-safe (each call uses its own libharu document).
#pragma once

#include <string>
#include <string_view>

#include "app/ports.hpp"
#include "domain/receipt.hpp"
#include "store/core/result.hpp"

namespace store::payment {

// A complete HTML5 document: inline CSS, no scripts, no external resources. Every text value
// is HTML-escaped; bytes that are not well-formed UTF-8 become U+FFFD, so the page is always
// valid UTF-8. The date is shown as "YYYY-MM-DD HH:MM UTC" (paid_at as given if it is not
// RFC 3339); money as "12.34 EUR". Subtotal, shipping and taxes are shown when present,
// refunded when above zero, the customer's e-mail when not empty.
std::string RenderReceiptHtml(const Receipt& receipt);

// The same content as a PDF (A4, one page or more: the lines table continues on new pages,
// every page says "Page i of n"). The built-in Helvetica font with WinAnsiEncoding can only
// show CP1252 (Latin-1 plus € „ “ ” • – — … and a few more): text is converted with
// ToWinAnsi, so characters outside that set print as '?'. Long names wrap to at most three
// lines and other long values are cut with "…". Same receipt, same bytes (no creation date).
// Errors: internal when libharu reports an error (its code is in the message).
core::Result<std::string> RenderReceiptPdf(const Receipt& receipt);

// UTF-8 -> Windows-1252 (the PDF's WinAnsiEncoding): U+0020..U+007E and U+00A0..U+00FF map to
// themselves, the CP1252 extras (U+2022 • -> 0x95, U+20AC € -> 0x80, ...) to their byte;
// tab, CR and LF become a space; every other character, control character or ill-formed
// byte becomes '?'.
std::string ToWinAnsi(std::string_view utf8);

// The ReceiptDocuments port on the two functions above.
class LibharuReceipts final : public ReceiptDocuments {
 public:
  std::string Html(const Receipt& receipt) const override { return RenderReceiptHtml(receipt); }
  core::Result<std::string> Pdf(const Receipt& receipt) const override { return RenderReceiptPdf(receipt); }
};

}  // namespace store::payment
