// Snapshots of the storefront's product and category pages for readers without JavaScript
// (crawlers, link previews; issue #15): HTML fragments the gateway splices into the storefront's
// index.html with SSI for /p/<slug> and /c/<slug> (deploy/nginx: location /_snapshot/). The `head`
// part carries the title, the meta description, the canonical link and, for a product, its
// schema.org Product JSON-LD; the `body` part the page's words and links (h1, breadcrumbs, price,
// description, specifications; a category's products). The storefront's script replaces the body
// part when it runs. Built from the same JSON the API answers (the product page from its cache).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

namespace store::catalog {

enum class SnapshotPart { kHead, kBody };

// `origin`: "https://shop.example" for absolute canonical and image URLs ("" gives relative ones).
std::string ProductSnapshot(const boost::json::object& page, SnapshotPart part, std::string_view origin);
// `category`: GET /v1/categories/{slug}; `browse`: GET /v1/categories/{slug}/products.
std::string CategorySnapshot(const boost::json::object& category, const boost::json::object& browse, SnapshotPart part,
                             std::string_view origin);

// "scheme://host[:port]" of the page, from what the gateway forwards (X-Forwarded-Proto,
// X-Forwarded-Host) when both are well formed (http or https; letters, digits, dots, dashes and a
// port); else "" (relative links).
std::string SnapshotOrigin(std::string_view proto, std::string_view host);

}  // namespace store::catalog
