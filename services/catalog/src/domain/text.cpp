#include "domain/text.hpp"

#include <cmark.h>

#include <cctype>
#include <memory>
#include <vector>

namespace store::catalog {
namespace {

bool SafeUrl(std::string_view url) {
  auto starts = [&](std::string_view p) {
    if (url.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != p[i]) return false;
    return true;
  };
  if (starts("http://") || starts("https://") || starts("mailto:")) return true;
  // Relative URLs: no scheme (no ':' before the first '/', '?' or '#').
  for (char c : url) {
    if (c == '/' || c == '?' || c == '#') return true;
    if (c == ':') return false;
  }
  return true;
}

// Replaces a node by its children (unlinking the node).
void Unwrap(cmark_node* node) {
  while (cmark_node* child = cmark_node_first_child(node)) cmark_node_insert_before(node, child);
  cmark_node_free(node);
}

void CollectText(cmark_node* root, std::string& out) {
  cmark_iter* it = cmark_iter_new(root);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node* n = cmark_iter_get_node(it);
    auto type = cmark_node_get_type(n);
    if (ev == CMARK_EVENT_ENTER) {
      if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK) {
        if (const char* lit = cmark_node_get_literal(n)) out += lit;
      } else if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
        out += ' ';
      }
    } else if (ev == CMARK_EVENT_EXIT) {
      if (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING || type == CMARK_NODE_ITEM) {
        if (!out.empty() && out.back() != '\n') out += '\n';
      }
    }
  }
  cmark_iter_free(it);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
}

}  // namespace

RenderedMarkdown RenderMarkdown(std::string_view markdown) {
  std::unique_ptr<cmark_node, decltype(&cmark_node_free)> doc(
      cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_SAFE), &cmark_node_free);
  // Sanitise links/images and drop raw HTML before rendering (CMARK_OPT_SAFE also does the
  // latter; the walk keeps the rule in one place and covers the plain text too).
  std::vector<cmark_node*> unwrap, drop;
  cmark_iter* it = cmark_iter_new(doc.get());
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(it);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_LINK: {
        const char* url = cmark_node_get_url(n);
        if (!url || !SafeUrl(url)) unwrap.push_back(n);
        break;
      }
      case CMARK_NODE_IMAGE: unwrap.push_back(n); break;  // product images come from the media store
      case CMARK_NODE_HTML_BLOCK:
      case CMARK_NODE_HTML_INLINE: drop.push_back(n); break;
      default: break;
    }
  }
  cmark_iter_free(it);
  for (auto* n : drop) cmark_node_free(n);
  for (auto it2 = unwrap.rbegin(); it2 != unwrap.rend(); ++it2) Unwrap(*it2);

  RenderedMarkdown out;
  std::unique_ptr<char, decltype(&free)> html(cmark_render_html(doc.get(), CMARK_OPT_SAFE), &free);
  out.html = html.get();
  CollectText(doc.get(), out.text);
  return out;
}

std::string Slugify(std::string_view text) {
  std::string out;
  bool dash = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) && c < 128) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(std::tolower(c));
    } else if (c == '\'' || c >= 128) {
      continue;  // "Levi's" -> "levis"
    } else if (c == '+') {
      if (!out.empty()) out += '-';  // "Galaxy S23+" -> "galaxy-s23-plus" (not the S23's slug)
      out += "plus";
      dash = true;
    } else {
      dash = true;
    }
  }
  if (out.size() > 120) out.resize(120);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

bool IsValidSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > 120 || slug.front() == '-' || slug.back() == '-') return false;
  char prev = 0;
  for (char c : slug) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

}  // namespace store::catalog
