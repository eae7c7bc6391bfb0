// Text rules of the catalog: Markdown descriptions and slugs. Pure functions, no I/O.
#pragma once
#include <string>
#include <string_view>

namespace store::catalog {

struct RenderedMarkdown {
  std::string html;  // sanitized: raw HTML dropped, only http(s)/mailto/relative links, all text escaped
  std::string text;  // the plain text (markup stripped), for search and the product.upserted event
};

// CommonMark through cmark with CMARK_OPT_SAFE; links and images whose URL is not http(s),
// mailto or a relative path are dropped (their text kept), and images become their alt text.
RenderedMarkdown RenderMarkdown(std::string_view markdown);

// "Levi's 501 Original Jeans" -> "levis-501-original-jeans": lowercase ASCII letters, digits and
// single dashes. Non-ASCII bytes are dropped.
std::string Slugify(std::string_view text);

// A slug as accepted from clients: 1..120 chars of [a-z0-9-], no leading/trailing/double dash.
bool IsValidSlug(std::string_view slug);

}  // namespace store::catalog
