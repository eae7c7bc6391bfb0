// The payment receipt rendered as an HTML page and as an A4 PDF (libharu). Both show the same
// content, in the same order: shop, "Receipt", the payment details, the lines, the amounts.
#include "adapters/receipt_documents.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <hpdf.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/core/clock.hpp"
#include "store/core/text.hpp"

namespace store::payment {
namespace {

// ---------------------------------------------------------------------------------------------
// Content shared by both documents

struct Row {
  std::string_view label;
  std::string value;
  bool strong = false;
};

// "2026-12-07T10:11:12.123Z" -> "2026-12-07 10:11 UTC"; text that is not RFC 3339 as given.
std::string DisplayDate(std::string_view paid_at) {
  auto at = core::ParseTimestamp(paid_at);
  if (!at) return std::string(paid_at);
  auto seconds = std::chrono::floor<std::chrono::seconds>(*at);
  return fmt::format("{:%Y-%m-%d %H:%M} UTC",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)));
}

std::vector<Row> Details(const Receipt& r) {
  std::vector<Row> rows = {
      {"Order number", r.order_number},
      {"Date", DisplayDate(r.paid_at)},
      {"Payment method", r.method},
      {"Provider reference", r.provider_reference},
      {"Payment ID", r.payment_id},
  };
  if (!r.customer_email.empty()) rows.push_back({"Customer", r.customer_email});
  return rows;
}

std::vector<Row> Totals(const Receipt& r) {
  std::vector<Row> rows;
  if (r.subtotal) rows.push_back({"Subtotal", r.subtotal->ToString()});
  if (r.shipping) rows.push_back({"Shipping", r.shipping->ToString()});
  if (r.taxes) rows.push_back({"Taxes", r.taxes->ToString()});
  rows.push_back({"Total", r.total.ToString(), true});
  if (r.refunded && r.refunded->minor_units() > 0)
    rows.push_back({"Refunded", r.refunded->ToString()});
  return rows;
}

// ---------------------------------------------------------------------------------------------
// HTML

// Escapes the five HTML-special characters; ill-formed UTF-8 becomes U+FFFD first.
std::string Html(std::string_view text) { return core::HtmlEscape(core::TruncateUtf8(text, std::string::npos)); }

constexpr std::string_view kHtmlStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 44em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; margin: 0; }
h2 { font-size: 1.2em; font-weight: normal; color: #555; margin: 0.2em 0 1em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25em 1.5em; margin: 0 0 1.5em; }
dt { color: #555; }
dd { margin: 0; }
dd, td { overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 0.35em 0.5em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
.num { text-align: right; white-space: nowrap; }
tfoot th { font-weight: normal; text-align: right; }
tfoot tr.total th, tfoot tr.total td { font-weight: bold; border-top: 2px solid #222; }
@media print { body { margin: 0; max-width: none; } }
)";

}  // namespace

std::string RenderReceiptHtml(const Receipt& r) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>Receipt {} - {}</title>\n", Html(r.order_number), Html(r.shop_name));
  out += "<style>";
  out += kHtmlStyle;
  out += "</style>\n</head>\n<body>\n";
  out += fmt::format("<h1>{}</h1>\n<h2>Receipt</h2>\n<dl>\n", Html(r.shop_name));
  for (const auto& row : Details(r))
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", row.label, Html(row.value));
  out += "</dl>\n<table>\n<thead><tr><th>Item</th><th>SKU</th><th class=\"num\">Qty</th>"
         "<th class=\"num\">Unit price</th><th class=\"num\">Total</th></tr></thead>\n<tbody>\n";
  for (const auto& line : r.lines)
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        Html(line.name), Html(line.sku), line.quantity, Html(line.unit_price.ToString()),
        Html(line.line_total.ToString()));
  out += "</tbody>\n<tfoot>\n";
  for (const auto& row : Totals(r))
    out += fmt::format("<tr{}><th colspan=\"4\">{}</th><td class=\"num\">{}</td></tr>\n",
                       row.strong ? " class=\"total\"" : "", row.label, Html(row.value));
  out += "</tfoot>\n</table>\n</body>\n</html>\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// UTF-8 -> Windows-1252

namespace {

// The CP1252 bytes 0x80..0x9F that stand for characters outside Latin-1.
constexpr std::pair<char32_t, unsigned char> kCp1252Extras[] = {
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85},
    {0x2020, 0x86}, {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A},
    {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92},
    {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
    {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C},
    {0x017E, 0x9E}, {0x0178, 0x9F},
};

char WinAnsiByte(char32_t cp) {
  if (cp == U'\t' || cp == U'\n' || cp == U'\r') return ' ';
  if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<char>(cp);
  for (auto [code_point, byte] : kCp1252Extras)
    if (code_point == cp) return static_cast<char>(byte);
  return '?';
}

// Decodes the code point at s[i] (s is well-formed UTF-8) and moves i past it.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 1;
  char32_t cp = lead;
  if (lead >= 0xF0) length = 4, cp = lead & 0x07;
  else if (lead >= 0xE0) length = 3, cp = lead & 0x0F;
  else if (lead >= 0xC0) length = 2, cp = lead & 0x1F;
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (byte(k) & 0x3F);
  i += length;
  return cp;
}

}  // namespace

std::string ToWinAnsi(std::string_view utf8) {
  const std::string valid = core::TruncateUtf8(utf8, std::string::npos);  // ill-formed -> U+FFFD
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size();) out += WinAnsiByte(NextCodePoint(valid, i));
  return out;
}

// ---------------------------------------------------------------------------------------------
// PDF

namespace {

// The first error libharu reported (it calls the handler, it never throws or jumps).
struct LibharuError {
  HPDF_STATUS code = HPDF_OK;
  HPDF_STATUS detail = 0;
};

void RecordLibharuError(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) {
  auto* error = static_cast<LibharuError*>(user_data);
  if (error->code == HPDF_OK) *error = {error_no, detail_no};
}

core::Error LibharuFailure(const LibharuError& error) {
  return core::Error::Internal(fmt::format(
      "libharu could not render the receipt PDF: error {:#06x} (detail {})", error.code,
      error.detail));
}

struct DocDeleter {
  void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
};
using DocPtr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocDeleter>;

// A4 portrait in points (1/72 inch), with the margins this receipt uses.
constexpr float kLeft = 50;
constexpr float kRight = 545;
constexpr float kTop = 790;
constexpr float kBottom = 60;  // body text stays above this; the footer sits below it
constexpr float kFooterY = 32;
constexpr float kLineHeight = 14;

// The lines table: text columns start at x, number columns end at right.
constexpr float kItemX = kLeft, kItemWidth = 175;
constexpr float kSkuX = 232, kSkuWidth = 88;
constexpr float kQtyRight = 355, kQtyWidth = 30;
constexpr float kUnitRight = 450, kUnitWidth = 90;
constexpr float kTotalRight = kRight, kTotalWidth = 90;
constexpr int kMaxNameLines = 3;

// The value column of the details block.
constexpr float kValueX = 160;

// libharu refuses to measure more than 64 KiB (an error), and no line of an A4 page holds even
// 1000 characters: longer text is "too wide" without asking.
constexpr std::size_t kMaxMeasured = 1000;

struct Font {
  HPDF_Font face;
  float size;
};

// Pages and text on them; all text it takes is WinAnsi (see ToWinAnsi).
class PdfCanvas {
 public:
  PdfCanvas(HPDF_Doc doc, HPDF_Font regular, HPDF_Font bold)
      : doc_(doc), regular_(regular), bold_(bold) {}

  Font Regular(float size = 10) const { return {regular_, size}; }
  Font Bold(float size = 10) const { return {bold_, size}; }

  // Starts a new A4 page with y() at its top; false when libharu could not add one.
  bool NewPage() {
    HPDF_Page page = HPDF_AddPage(doc_);
    if (!page) return false;
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    pages_.push_back(page);
    y_ = kTop;
    return true;
  }
  void Down(float points) { y_ -= points; }
  bool Fits(float height) const { return y_ - height >= kBottom; }
  const std::vector<HPDF_Page>& pages() const { return pages_; }

  float Width(std::string_view text, Font font) const {
    if (text.size() > kMaxMeasured) return std::numeric_limits<float>::max();
    const auto length = static_cast<HPDF_UINT>(text.size());
    const auto measured = HPDF_Font_TextWidth(font.face, Bytes(text), length);
    return static_cast<float>(measured.width) * font.size / 1000;  // widths are in 1/1000 em
  }

  void Text(float x, std::string_view text, Font font, bool grey = false) {
    TextAt(pages_.back(), x, y_, text, font, grey);
  }
  void TextRight(float right, std::string_view text, Font font, bool grey = false) {
    Text(right - Width(text, font), text, font, grey);
  }
  void TextAt(HPDF_Page page, float x, float y, std::string_view text, Font font, bool grey) {
    const std::string nul_terminated(text);
    const float shade = grey ? 0.4f : 0.0f;
    HPDF_Page_SetRGBFill(page, shade, shade, shade);
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font.face, font.size);
    HPDF_Page_TextOut(page, x, y, nul_terminated.c_str());
    HPDF_Page_EndText(page);
  }

  // A thin horizontal line `below` points under the current baseline.
  void Rule(float below = 4) {
    HPDF_Page page = pages_.back();
    HPDF_Page_SetLineWidth(page, 0.5f);
    HPDF_Page_MoveTo(page, kLeft, y_ - below);
    HPDF_Page_LineTo(page, kRight, y_ - below);
    HPDF_Page_Stroke(page);
  }

  // `text` cut to `width`, ending with "…" when it had to be cut.
  std::string Fit(std::string_view text, Font font, float width) const {
    if (Width(text, font) <= width) return std::string(text);
    const std::string_view ellipsis = "\x85";
    const float room = width - Width(ellipsis, font);
    const auto n = room > 0 ? Measure(text, font, room, false) : 0;
    return std::string(text.substr(0, n)).append(ellipsis);
  }

  // `text` broken at spaces (or anywhere, for a word wider than `width`) into at most
  // `max_lines` lines; the last one is cut with "…" when there is more.
  std::vector<std::string> Wrap(std::string_view text, Font font, float width,
                                int max_lines) const {
    std::vector<std::string> lines;
    while (!text.empty()) {
      if (static_cast<int>(lines.size()) + 1 == max_lines || Width(text, font) <= width) {
        lines.push_back(Fit(text, font, width));
        break;
      }
      std::size_t n = Measure(text, font, width, true);
      if (n == 0) n = std::max<std::size_t>(Measure(text, font, width, false), 1);
      lines.emplace_back(TrimSpaces(text.substr(0, n)));
      text = TrimSpaces(text.substr(n));
    }
    if (lines.empty()) lines.emplace_back();
    return lines;
  }

 private:
  static const HPDF_BYTE* Bytes(std::string_view text) {
    return reinterpret_cast<const HPDF_BYTE*>(text.data());
  }
  // How many bytes of `text` fit in `width` (with wordwrap: up to and including the last space).
  static std::size_t Measure(std::string_view text, Font font, float width, bool wordwrap) {
    text = text.substr(0, kMaxMeasured);
    return HPDF_Font_MeasureText(font.face, Bytes(text), static_cast<HPDF_UINT>(text.size()),
                                 width, font.size, 0, 0, wordwrap ? HPDF_TRUE : HPDF_FALSE,
                                 nullptr);
  }
  static std::string_view TrimSpaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  }

  HPDF_Doc doc_;
  HPDF_Font regular_;
  HPDF_Font bold_;
  std::vector<HPDF_Page> pages_;
  float y_ = kTop;
};

void DrawTableHeader(PdfCanvas& pdf) {
  const Font bold = pdf.Bold(10);
  pdf.Text(kItemX, "Item", bold);
  pdf.Text(kSkuX, "SKU", bold);
  pdf.TextRight(kQtyRight, "Qty", bold);
  pdf.TextRight(kUnitRight, "Unit price", bold);
  pdf.TextRight(kTotalRight, "Total", bold);
  pdf.Rule();
  pdf.Down(kLineHeight + 4);
}

// A page after the first: a one-line reminder of whose receipt this is.
bool ContinuationPage(PdfCanvas& pdf, const std::string& title) {
  if (!pdf.NewPage()) return false;
  pdf.Text(kLeft, title + " (continued)", pdf.Regular(10), true);
  pdf.Down(2 * kLineHeight);
  return true;
}

// Draws the whole receipt; false when libharu could not add a page (its error is recorded).
bool DrawReceipt(PdfCanvas& pdf, const Receipt& r) {
  const std::string shop = ToWinAnsi(r.shop_name);
  const std::string title = pdf.Fit(shop + " - Receipt " + ToWinAnsi(r.order_number),
                                    pdf.Regular(10), kRight - kLeft - 100);
  if (!pdf.NewPage()) return false;

  pdf.Text(kLeft, pdf.Fit(shop, pdf.Bold(18), kRight - kLeft), pdf.Bold(18));
  pdf.Down(24);
  pdf.Text(kLeft, "Receipt", pdf.Bold(14));
  pdf.Down(26);

  const Font body = pdf.Regular(10);
  for (const auto& row : Details(r)) {
    pdf.Text(kLeft, ToWinAnsi(row.label), body, true);
    pdf.Text(kValueX, pdf.Fit(ToWinAnsi(row.value), body, kRight - kValueX), body);
    pdf.Down(kLineHeight);
  }
  pdf.Down(kLineHeight);

  DrawTableHeader(pdf);
  for (const auto& line : r.lines) {
    const auto name = pdf.Wrap(ToWinAnsi(line.name), body, kItemWidth, kMaxNameLines);
    const float height = kLineHeight * static_cast<float>(name.size());
    if (!pdf.Fits(height)) {
      if (!ContinuationPage(pdf, title)) return false;
      DrawTableHeader(pdf);
    }
    const std::string unit_price = ToWinAnsi(line.unit_price.ToString());
    const std::string line_total = ToWinAnsi(line.line_total.ToString());
    pdf.Text(kSkuX, pdf.Fit(ToWinAnsi(line.sku), body, kSkuWidth), body);
    pdf.TextRight(kQtyRight, pdf.Fit(std::to_string(line.quantity), body, kQtyWidth), body);
    pdf.TextRight(kUnitRight, pdf.Fit(unit_price, body, kUnitWidth), body);
    pdf.TextRight(kTotalRight, pdf.Fit(line_total, body, kTotalWidth), body);
    for (const auto& part : name) {
      pdf.Text(kItemX, part, body);
      pdf.Down(kLineHeight);
    }
  }
  pdf.Down(4);

  for (const auto& row : Totals(r)) {
    if (!pdf.Fits(kLineHeight) && !ContinuationPage(pdf, title)) return false;
    const Font font = row.strong ? pdf.Bold(11) : pdf.Regular(10);
    const std::string value = pdf.Fit(ToWinAnsi(row.value), font, kTotalRight - kSkuX);
    // The label ends where the unit prices do, or further left for a very long amount.
    const float label_right = std::min(kUnitRight, kTotalRight - pdf.Width(value, font) - 12);
    pdf.TextRight(label_right, ToWinAnsi(row.label), font, !row.strong);
    pdf.TextRight(kTotalRight, value, font);
    pdf.Down(kLineHeight + (row.strong ? 2 : 0));
  }

  // Footers, now that the number of pages is known.
  const auto& pages = pdf.pages();
  for (std::size_t i = 0; i < pages.size(); ++i) {
    pdf.TextAt(pages[i], kLeft, kFooterY, title, pdf.Regular(8), true);
    const std::string number = fmt::format("Page {} of {}", i + 1, pages.size());
    pdf.TextAt(pages[i], kRight - pdf.Width(number, pdf.Regular(8)), kFooterY, number,
               pdf.Regular(8), true);
  }
  return true;
}

// The document's info strings are PDFDocEncoding, which matches Latin-1 but not CP1252's
// 0x80..0x9F: those become '?' there. Cut to 200 bytes (libharu refuses strings over 64 KiB).
std::string InfoText(std::string_view utf8) {
  std::string text = ToWinAnsi(utf8);
  if (text.size() > 200) text.resize(200);
  for (char& c : text)
    if (static_cast<unsigned char>(c) >= 0x80 && static_cast<unsigned char>(c) <= 0x9F) c = '?';
  return text;
}

}  // namespace

core::Result<std::string> RenderReceiptPdf(const Receipt& r) {
  // The handler is installed with the document (HPDF_New takes it with its user data, which
  // HPDF_SetErrorHandler cannot set); it only records, so every call below returns normally.
  LibharuError error;
  DocPtr doc(HPDF_New(&RecordLibharuError, &error));
  if (!doc) return core::Fail(core::Errc::internal, "libharu could not create a PDF document");

  const std::string title = InfoText("Receipt " + r.order_number);
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_TITLE, title.c_str());
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_CREATOR, "StoreMicroservices");
  HPDF_Font regular = HPDF_GetFont(doc.get(), "Helvetica", "WinAnsiEncoding");
  HPDF_Font bold = HPDF_GetFont(doc.get(), "Helvetica-Bold", "WinAnsiEncoding");
  if (error.code != HPDF_OK || !regular || !bold) return core::Fail(LibharuFailure(error));

  PdfCanvas canvas(doc.get(), regular, bold);
  if (!DrawReceipt(canvas, r) || error.code != HPDF_OK) return core::Fail(LibharuFailure(error));

  if (HPDF_SaveToStream(doc.get()) != HPDF_OK || error.code != HPDF_OK)
    return core::Fail(LibharuFailure(error));
  std::string bytes(HPDF_GetStreamSize(doc.get()), '\0');
  auto size = static_cast<HPDF_UINT32>(bytes.size());
  auto* buffer = reinterpret_cast<HPDF_BYTE*>(bytes.data());
  const auto read = HPDF_ReadFromStream(doc.get(), buffer, &size);
  if (read != HPDF_OK || size != bytes.size() || error.code != HPDF_OK)
    return core::Fail(LibharuFailure(error));
  return bytes;
}

}  // namespace store::payment
