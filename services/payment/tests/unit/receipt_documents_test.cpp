// The receipt documents: the HTML escapes whatever a name holds and shows every field; the PDF
// is a whole document, breaks pages for long orders, and its text (as pdftotext from
// poppler-utils extracts it) says what the receipt says, accents and card dots included.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "adapters/receipt_documents.hpp"
#include "store/core/text.hpp"

namespace p = store::payment;
using store::core::Currency;
using store::core::Money;

namespace {

Money Eur(std::int64_t cents) { return Money(cents, *Currency::Parse("EUR")); }

p::Receipt Sample() {
  return p::Receipt{
      .shop_name = "StoreMicroservices",
      .order_number = "SO-2026-000123",
      .payment_id = "pay_01J2ABCDEF",
      .provider_reference = "pi_3NqXyZ42",
      .method = "Visa \u2022\u2022\u2022\u2022 4242",
      .lines = {{"Caf\u00e9 cr\u00e8me", "COF-001", 2, Eur(350), Eur(700)},
                {"Butter biscuits", "BIS-042", 1, Eur(434), Eur(434)}},
      .subtotal = Eur(1134),
      .shipping = Eur(100),
      .taxes = Eur(206),
      .total = Eur(1234),
      .refunded = Eur(100),
      .paid_at = "2026-12-07T10:11:12.123Z",
      .customer_email = "ana@example.com",
  };
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t Count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// Runs a shell command and returns its standard output; nullopt when it fails.
std::optional<std::string> Run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

bool HavePoppler() { return Run("pdftotext -v >/dev/null 2>&1").has_value(); }

// The PDF's text as pdftotext extracts it (UTF-8, layout kept).
std::string PdfText(const std::string& pdf) {
  const std::string path = ::testing::TempDir() + "receipt_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                           std::to_string(getpid()) + ".pdf";
  {
    std::ofstream file(path, std::ios::binary);
    file.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
  }
  auto text = Run("pdftotext -q -layout -enc UTF-8 '" + path + "' - 2>/dev/null");
  std::remove(path.c_str());
  EXPECT_TRUE(text.has_value()) << "pdftotext failed on " << path;
  return text.value_or("");
}

// ---------------------------------------------------------------------------------------------
// HTML

TEST(ReceiptHtml, EscapesHostileText) {
  auto r = Sample();
  r.shop_name = "Shop <b>bold</b>";
  r.lines[0].name = "<script>alert(\"x\")</script> & 'co'";
  r.lines[0].sku = "\"><img src=x onerror=alert(1)>";
  r.method = "Wallet & <i>more</i>";
  r.order_number = "SO-<1>";
  r.customer_email = "a\"b'@example.com";

  const std::string html = p::RenderReceiptHtml(r);
  EXPECT_FALSE(Contains(html, "<script"));
  EXPECT_FALSE(Contains(html, "<img"));
  EXPECT_FALSE(Contains(html, "<b>"));
  EXPECT_FALSE(Contains(html, "<i>"));
  EXPECT_TRUE(Contains(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"));
  EXPECT_TRUE(Contains(html, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(Contains(html, "Shop &lt;b&gt;bold&lt;/b&gt;"));
  EXPECT_TRUE(Contains(html, "Wallet &amp; &lt;i&gt;more&lt;/i&gt;"));
  EXPECT_TRUE(Contains(html, "SO-&lt;1&gt;"));
  EXPECT_TRUE(Contains(html, "a&quot;b&#39;@example.com"));
}

TEST(ReceiptHtml, KeepsUtf8AndRepairsBrokenBytes) {
  auto r = Sample();
  r.lines[1].name = "Gr\u00fcner Tee \u65e5\u672c \xff\xc3";  // ends with stray bytes
  const std::string html = p::RenderReceiptHtml(r);
  EXPECT_TRUE(Contains(html, "Caf\u00e9 cr\u00e8me"));
  EXPECT_TRUE(Contains(html, "Gr\u00fcner Tee \u65e5\u672c \uFFFD\uFFFD"));
  EXPECT_TRUE(Contains(html, "Visa \u2022\u2022\u2022\u2022 4242"));
  EXPECT_TRUE(store::core::IsValidUtf8(html));
}

TEST(ReceiptHtml, ShowsEveryField) {
  const std::string html = p::RenderReceiptHtml(Sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_TRUE(Contains(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
  for (std::string_view field :
       {"StoreMicroservices", ">Receipt<", "SO-2026-000123", "2026-12-07 10:11 UTC",
        "Visa \u2022\u2022\u2022\u2022 4242", "pi_3NqXyZ42", "pay_01J2ABCDEF", "ana@example.com",
        "Caf\u00e9 cr\u00e8me", "COF-001", ">2<", "3.50 EUR", "7.00 EUR", "Butter biscuits",
        "BIS-042", "4.34 EUR", "Subtotal", "11.34 EUR", "Shipping", "1.00 EUR", "Taxes",
        "2.06 EUR", "Total", "12.34 EUR", "Refunded", "Unit price", "SKU", "Qty"})
    EXPECT_TRUE(Contains(html, field)) << field;
  // Self-contained and inert.
  for (std::string_view banned : {"<script", "<link", "src=", "href=", "url(", "@import"})
    EXPECT_FALSE(Contains(html, banned)) << banned;
}

TEST(ReceiptHtml, OmitsWhatIsAbsent) {
  auto r = Sample();
  r.subtotal.reset();
  r.shipping.reset();
  r.taxes.reset();
  r.refunded = Eur(0);
  r.customer_email.clear();
  const std::string html = p::RenderReceiptHtml(r);
  for (std::string_view absent : {"Subtotal", "Shipping", "Taxes", "Refunded", "Customer"})
    EXPECT_FALSE(Contains(html, absent)) << absent;
  EXPECT_TRUE(Contains(html, "12.34 EUR"));
}

TEST(ReceiptHtml, ShowsTheDateInUtc) {
  auto r = Sample();
  r.paid_at = "2026-12-07T00:30:00+01:00";
  EXPECT_TRUE(Contains(p::RenderReceiptHtml(r), "2026-12-06 23:30 UTC"));
  r.paid_at = "yesterday <noon>";  // not RFC 3339: shown as given, escaped
  EXPECT_TRUE(Contains(p::RenderReceiptHtml(r), "yesterday &lt;noon&gt;"));
}

// ---------------------------------------------------------------------------------------------
// UTF-8 -> WinAnsi

TEST(ToWinAnsi, MapsLatin1AndCp1252AndReplacesTheRest) {
  EXPECT_EQ(p::ToWinAnsi("plain ASCII 123"), "plain ASCII 123");
  EXPECT_EQ(p::ToWinAnsi("Caf\u00e9 cr\u00e8me \u00ff"), "Caf\xe9 cr\xe8me \xff");
  EXPECT_EQ(p::ToWinAnsi("Visa \u2022\u2022\u2022\u2022 4242"), "Visa \x95\x95\x95\x95 4242");
  EXPECT_EQ(p::ToWinAnsi("\u20ac 5 \u2013 \u201cq\u201d \u2026 \u0152"), "\x80 5 \x96 \x93q\x94 \x85 \x8c");
  EXPECT_EQ(p::ToWinAnsi("\u65e5\u672c \U0001F600"), "?? ?");
  EXPECT_EQ(p::ToWinAnsi("a\tb\nc\rd"), "a b c d");
  EXPECT_EQ(p::ToWinAnsi(std::string("x\0y\x7f\u0085", 6)), "x?y??");
  EXPECT_EQ(p::ToWinAnsi("bad \xff\xc3 end"), "bad ?? end");
  EXPECT_EQ(p::ToWinAnsi(""), "");
}

// ---------------------------------------------------------------------------------------------
// PDF

TEST(ReceiptPdf, IsAWholeDocument) {
  auto pdf = p::RenderReceiptPdf(Sample());
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  std::string_view tail = *pdf;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
  EXPECT_TRUE(tail.ends_with("%%EOF"));
  EXPECT_TRUE(Contains(*pdf, "/Title (Receipt SO-2026-000123)"));
  EXPECT_TRUE(Contains(*pdf, "/Creator (StoreMicroservices)"));
  EXPECT_TRUE(Contains(*pdf, "/WinAnsiEncoding"));
  EXPECT_EQ(Count(*pdf, "/Type /Page\n") + Count(*pdf, "/Type /Page\r"), 1u);
}

TEST(ReceiptPdf, IsTheSameForTheSameReceipt) {
  auto a = p::RenderReceiptPdf(Sample());
  auto b = p::RenderReceiptPdf(Sample());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(ReceiptPdf, TextSaysWhatTheReceiptSays) {
  ASSERT_TRUE(HavePoppler()) << "pdftotext (poppler-utils, in APT_PACKAGES) is missing";
  auto pdf = p::RenderReceiptPdf(Sample());
  ASSERT_TRUE(pdf) << pdf.error().message;
  const std::string text = PdfText(*pdf);
  for (std::string_view field :
       {"StoreMicroservices", "Receipt", "SO-2026-000123", "2026-12-07 10:11 UTC", "4242",
        "\u2022\u2022\u2022\u2022 4242", "pi_3NqXyZ42", "pay_01J2ABCDEF", "ana@example.com",
        "Caf\u00e9 cr\u00e8me", "COF-001", "3.50 EUR", "7.00 EUR", "Subtotal", "11.34 EUR",
        "Shipping", "Taxes", "2.06 EUR", "Total", "12.34 EUR", "Refunded", "1.00 EUR",
        "Page 1 of 1"})
    EXPECT_TRUE(Contains(text, field)) << field << "\n--- pdftotext:\n" << text;
}

TEST(ReceiptPdf, SixtyLinesContinueOnMorePages) {
  auto r = Sample();
  r.lines.clear();
  for (int i = 1; i <= 60; ++i)
    r.lines.push_back({fmt::format("Item {:02d} \u00e9", i), fmt::format("SKU-{:03d}", i), i, Eur(100),
                       Eur(100 * i)});
  auto pdf = p::RenderReceiptPdf(r);
  ASSERT_TRUE(pdf) << pdf.error().message;
  const auto pages = Count(*pdf, "/Type /Page\n") + Count(*pdf, "/Type /Page\r");
  EXPECT_GE(pages, 2u);

  ASSERT_TRUE(HavePoppler()) << "pdftotext (poppler-utils, in APT_PACKAGES) is missing";
  const std::string text = PdfText(*pdf);
  for (int i = 1; i <= 60; ++i) {
    EXPECT_TRUE(Contains(text, fmt::format("Item {:02d} \u00e9", i))) << i;
    EXPECT_TRUE(Contains(text, fmt::format("SKU-{:03d}", i))) << i;
  }
  EXPECT_TRUE(Contains(text, fmt::format("Page {} of {}", pages, pages)));
  EXPECT_TRUE(Contains(text, "(continued)"));
  EXPECT_TRUE(Contains(text, "12.34 EUR"));
}

TEST(ReceiptPdf, SurvivesHostileAndUnprintableText) {
  auto r = Sample();
  r.order_number = "SO-\u65e5\u672c-(1)\\";
  r.lines[0].name = "<script>alert(\"x\")</script> (paren \\ backslash) \u65e5\u672c \xff";
  r.lines[1].name = std::string(600, 'W') + " and then some words that go on " + std::string(70000, 'x');
  r.lines[1].sku = std::string(200, 'S');
  r.method = std::string("\0\x01\x1b", 3) + " Online banking (Sandbox Bank)";
  r.provider_reference = std::string(500, 'r');
  auto pdf = p::RenderReceiptPdf(r);
  ASSERT_TRUE(pdf) << pdf.error().message;

  ASSERT_TRUE(HavePoppler()) << "pdftotext (poppler-utils, in APT_PACKAGES) is missing";
  const std::string text = PdfText(*pdf);
  EXPECT_TRUE(Contains(text, "SO-?" "?-(1)\\"));
  EXPECT_TRUE(Contains(text, "<script>alert(\"x\")</script>"));
  EXPECT_TRUE(Contains(text, "Online banking (Sandbox Bank)"));
  EXPECT_TRUE(Contains(text, "12.34 EUR"));
  EXPECT_FALSE(Contains(text, std::string(200, 'S')));  // cut to its column
}

TEST(ReceiptPdf, RendersAHugeOrderNumber) {
  auto r = Sample();
  r.order_number = std::string(70000, '7');  // libharu refuses info strings over 64 KiB
  auto pdf = p::RenderReceiptPdf(r);
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_TRUE(Contains(*pdf, "/Title (Receipt " + std::string(192, '7') + ")"));
}

TEST(ReceiptPdf, RendersAMinimalReceipt) {
  p::Receipt r{.shop_name = "",
               .order_number = "",
               .payment_id = "",
               .provider_reference = "",
               .method = "",
               .lines = {},
               .total = Eur(0),
               .paid_at = ""};
  auto pdf = p::RenderReceiptPdf(r);
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
}

}  // namespace
