#include "http/snapshot.hpp"

#include <cctype>

#include "store/core/money.hpp"
#include "store/core/text.hpp"

namespace store::catalog {
namespace {

namespace json = boost::json;
using core::HtmlEscape;

std::string Str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
const json::object* Obj(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}
const json::array* Arr(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

// "1215.99" and "1215.99 EUR" from {"minor", "currency"}; "" when it is not money.
std::string Amount(const json::object* money, bool with_currency) {
  if (!money || !money->contains("minor") || !money->at("minor").is_int64()) return "";
  auto currency = core::Currency::Parse(Str(*money, "currency"));
  if (!currency) return "";
  core::Money m(money->at("minor").as_int64(), *currency);
  return with_currency ? m.ToString() : m.Amount();
}

// The words of rendered HTML (tags dropped, the entities the renderer writes decoded, spaces
// collapsed), cut to `max_bytes` on a character boundary: a meta description.
std::string PlainText(std::string_view html, std::size_t max_bytes) {
  std::string out;
  bool in_tag = false, space = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (in_tag) {
      if (c == '>') in_tag = false, space = true;
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
      for (auto [entity, ch] : kEntities)
        if (html.substr(i, entity.size()) == entity) {
          c = ch;
          i += entity.size() - 1;
          break;
        }
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() <= max_bytes) return out;
  return core::TruncateUtf8(out, max_bytes - 3) + "...";
}

// JSON inside <script>: nothing in it may close the element or open a comment.
std::string ScriptJson(const json::value& v) {
  std::string s = json::serialize(v), out;
  for (char c : s) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

std::string Head(const std::string& title, const std::string& description, const std::string& canonical) {
  return "<title>" + HtmlEscape(title) + " · Store</title>\n<meta name=\"description\" content=\"" + HtmlEscape(description) +
         "\">\n<link rel=\"canonical\" href=\"" + HtmlEscape(canonical) + "\">\n<meta property=\"og:title\" content=\"" +
         HtmlEscape(title) + "\">\n<meta property=\"og:url\" content=\"" + HtmlEscape(canonical) + "\">\n";
}

std::string Breadcrumbs(const json::array* crumbs) {
  std::string out = "<nav aria-label=\"Breadcrumb\" class=\"crumbs\"><a href=\"/\">Home</a>";
  if (crumbs)
    for (const auto& c : *crumbs)
      if (c.is_object())
        out += " › <a href=\"/c/" + HtmlEscape(Str(c.get_object(), "slug")) + "\">" + HtmlEscape(Str(c.get_object(), "name")) +
               "</a>";
  return out + "</nav>\n";
}

}  // namespace

std::string SnapshotOrigin(std::string_view proto, std::string_view host_port) {
  if (proto != "http" && proto != "https") return "";
  const auto colon = host_port.find(':');
  const std::string_view host = host_port.substr(0, colon);
  const std::string_view port = colon == std::string_view::npos ? std::string_view() : host_port.substr(colon + 1);
  const auto all = [](std::string_view s, auto ok) {
    for (char c : s)
      if (!ok(static_cast<unsigned char>(c))) return false;
    return true;
  };
  const bool host_ok = !host.empty() && host.size() <= 253 &&
                       all(host, [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; });
  const bool port_ok = colon == std::string_view::npos ||
                       (!port.empty() && port.size() <= 5 && all(port, [](unsigned char c) { return std::isdigit(c) != 0; }));
  return host_ok && port_ok ? std::string(proto) + "://" + std::string(host_port) : std::string();
}

std::string ProductSnapshot(const json::object& page, SnapshotPart part, std::string_view origin) {
  static const json::object kEmpty;
  const json::object& product = Obj(page, "product") ? *Obj(page, "product") : kEmpty;
  const std::string title = Str(product, "title"), slug = Str(product, "slug");
  const std::string url = std::string(origin) + "/p/" + slug;
  const std::string description = PlainText(Str(product, "description_html"), 300);
  const bool in_stock = product.contains("in_stock") && product.at("in_stock").is_bool() && product.at("in_stock").as_bool();
  const json::object* low = Obj(product, "price_min");
  const json::object* high = Obj(product, "price_max");
  std::vector<std::string> images;
  if (const auto* list = Arr(page, "images"))
    for (const auto& im : *list)
      if (const auto* r = im.is_object() ? Obj(im.get_object(), "renditions") : nullptr)
        if (const auto* big = r->if_contains("1024"); big && big->is_string()) images.push_back(std::string(origin) + std::string(big->get_string()));

  if (part == SnapshotPart::kHead) {
    json::object offers{{"@type", "AggregateOffer"},
                        {"priceCurrency", low ? Str(*low, "currency") : ""},
                        {"lowPrice", Amount(low, false)},
                        {"highPrice", Amount(high ? high : low, false)},
                        {"availability", in_stock ? "https://schema.org/InStock" : "https://schema.org/OutOfStock"},
                        {"url", url}};
    if (const auto* variants = Arr(page, "variants")) offers["offerCount"] = variants->size();
    json::object ld{{"@context", "https://schema.org"}, {"@type", "Product"}, {"name", title}, {"description", description},
                    {"url", url}, {"offers", std::move(offers)}};
    if (const auto* brand = Obj(product, "brand")) ld["brand"] = json::object{{"@type", "Brand"}, {"name", Str(*brand, "name")}};
    if (!images.empty()) ld["image"] = json::value_from(images);
    if (const auto* variants = Arr(page, "variants"); variants && variants->size() == 1 && variants->at(0).is_object())
      ld["sku"] = Str(variants->at(0).get_object(), "sku");
    std::string out = Head(title, description, url);
    if (!images.empty()) out += "<meta property=\"og:image\" content=\"" + HtmlEscape(images.front()) + "\">\n";
    return out + "<script type=\"application/ld+json\">" + ScriptJson(ld) + "</script>\n";
  }

  std::string out = "<article class=\"wrap snapshot\">\n" + Breadcrumbs(Arr(page, "breadcrumbs"));
  if (const auto* brand = Obj(product, "brand")) out += "<p>" + HtmlEscape(Str(*brand, "name")) + "</p>\n";
  out += "<h1>" + HtmlEscape(title) + "</h1>\n";
  std::string price = Amount(low, true);
  if (high && Amount(high, true) != price) price = "from " + price;
  out += "<p class=\"price\">" + HtmlEscape(price) + (in_stock ? " · In stock" : " · Out of stock") + "</p>\n";
  if (!images.empty())
    out += "<img src=\"" + HtmlEscape(images.front()) + "\" alt=\"" + HtmlEscape(title) + "\" width=\"480\" height=\"480\">\n";
  // The catalog's own rendering of its Markdown (cmark, safe mode: no raw HTML, safe links only).
  out += "<section class=\"description\">" + Str(product, "description_html") + "</section>\n";
  if (const auto* specs = Arr(page, "specs"); specs && !specs->empty()) {
    out += "<table class=\"specs\"><tbody>\n";
    for (const auto& s : *specs) {
      if (!s.is_object()) continue;
      const auto& o = s.get_object();
      const auto* v = o.if_contains("value");
      std::string value = !v ? "" : v->is_string() ? std::string(v->get_string()) : v->is_bool() ? (v->as_bool() ? "Yes" : "No")
                                                                                                : json::serialize(*v);
      if (!Str(o, "unit").empty()) value += " " + Str(o, "unit");
      out += "<tr><th scope=\"row\">" + HtmlEscape(Str(o, "name")) + "</th><td>" + HtmlEscape(value) + "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  return out + "</article>\n";
}

std::string CategorySnapshot(const json::object& category, const json::object& browse, SnapshotPart part,
                             std::string_view origin) {
  const std::string name = Str(category, "name"), slug = Str(category, "slug");
  const std::string url = std::string(origin) + "/c/" + slug;
  const auto* total = browse.if_contains("total");
  const std::string count = total && total->is_int64() ? std::to_string(total->as_int64()) : "0";
  if (part == SnapshotPart::kHead)
    return Head(name, "Shop " + name + " at Store: " + count + " products, with honest stock and prices, delivered fast.", url);
  std::string out = "<section class=\"wrap snapshot\">\n" + Breadcrumbs(Arr(category, "breadcrumbs")) + "<h1>" +
                    HtmlEscape(name) + "</h1>\n<p>" + count + " products</p>\n<ul>\n";
  if (const auto* items = Arr(browse, "items"))
    for (const auto& i : *items) {
      if (!i.is_object()) continue;
      const auto& o = i.get_object();
      out += "<li><a href=\"/p/" + HtmlEscape(Str(o, "slug")) + "\">" + HtmlEscape(Str(o, "title")) + "</a> " +
             HtmlEscape(Amount(Obj(o, "price_min"), true)) + "</li>\n";
    }
  out += "</ul>\n";
  if (const auto* children = Arr(category, "children"); children && !children->empty()) {
    out += "<nav aria-label=\"Subcategories\"><ul>\n";
    for (const auto& c : *children)
      if (c.is_object())
        out += "<li><a href=\"/c/" + HtmlEscape(Str(c.get_object(), "slug")) + "\">" + HtmlEscape(Str(c.get_object(), "name")) +
               "</a></li>\n";
    out += "</ul></nav>\n";
  }
  return out + "</section>\n";
}

}  // namespace store::catalog
