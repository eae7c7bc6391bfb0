// A small mustache-like template language for notification messages.
//
//   {{name}}            the value of `name` (dotted paths: {{total.formatted}}; {{.}} is the
//                       current item), ALWAYS passed through the template's escaper (HTML-escape for
//                       .html parts, URL-encode for link paths, nothing for plain text)
//   {{#name}}...{{/name}}  a section: once per element of an array (the element becomes the
//                       current context), once with an object pushed, once for any other truthy
//                       value; skipped for false, null, missing, "" and []
//   {{^name}}...{{/name}}  inverted: rendered only when `name` is falsy
//   {{! comment }}
// There is deliberately NO raw-insert syntax ({{{x}}} and {{&x}} are parse errors): user data can
// never reach an HTML part unescaped.
//
// Plain values; a parsed Template is immutable and safe to share between threads.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"

namespace store::notification {

enum class Escape { none, html, url };

// HTML escaping is core::HtmlEscape (store/core/text.hpp): safe in element text and in quoted
// attribute values (the templates only place values there); URL encoding is core::PercentEncode.

class Template {
 public:
  // invalid_argument naming the position for an unclosed tag or section, a mismatched {{/x}},
  // or a raw-insert tag.
  static core::Result<Template> Parse(std::string_view text);
  std::string Render(const boost::json::value& context, Escape escape) const;

  struct Node {
    enum class Kind { text, variable, section, inverted } kind = Kind::text;
    std::string text;  // literal text, or the variable/section name
    std::vector<Node> children;
  };

 private:
  std::vector<Node> nodes_;
};

// The text form of a scalar for templates: strings as they are, numbers in decimal, booleans as
// true/false; null, objects and arrays render as "".
std::string ScalarText(const boost::json::value& v);

}  // namespace store::notification
