#include "domain/template.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "store/core/text.hpp"

namespace store::notification {
namespace json = boost::json;

std::string ScalarText(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: return fmt::format("{}", v.get_double());
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    default: return "";
  }
}

namespace {

using Node = Template::Node;

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

bool ValidName(std::string_view name) {
  if (name == ".") return true;
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

// Looks `name` up in the context stack, innermost first; the first segment of a dotted name
// picks the frame, the rest walks into it.
const json::value* Lookup(const std::vector<const json::value*>& stack, std::string_view name) {
  if (name == ".") return stack.back();
  std::string_view first = name.substr(0, name.find('.'));
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    const json::object* obj = (*it)->if_object();
    if (!obj) continue;
    auto found = obj->find(first);
    if (found == obj->end()) continue;
    const json::value* v = &found->value();
    std::string_view rest = first.size() < name.size() ? name.substr(first.size() + 1) : std::string_view{};
    while (!rest.empty()) {
      std::string_view seg = rest.substr(0, rest.find('.'));
      rest = seg.size() < rest.size() ? rest.substr(seg.size() + 1) : std::string_view{};
      const json::object* o = v->if_object();
      if (!o) return nullptr;
      auto f = o->find(seg);
      if (f == o->end()) return nullptr;
      v = &f->value();
    }
    return v;
  }
  return nullptr;
}

bool Truthy(const json::value* v) {
  if (!v) return false;
  switch (v->kind()) {
    case json::kind::null: return false;
    case json::kind::bool_: return v->get_bool();
    case json::kind::string: return !v->get_string().empty();
    case json::kind::array: return !v->get_array().empty();
    default: return true;
  }
}

void RenderNodes(const std::vector<Node>& nodes, std::vector<const json::value*>& stack, Escape escape,
                 std::string& out) {
  for (const Node& n : nodes) {
    switch (n.kind) {
      case Node::Kind::text: out += n.text; break;
      case Node::Kind::variable: {
        const json::value* v = Lookup(stack, n.text);
        if (!v) break;
        std::string text = ScalarText(*v);
        if (escape == Escape::html) out += core::HtmlEscape(text);
        else if (escape == Escape::url) out += core::PercentEncode(text);
        else out += text;
        break;
      }
      case Node::Kind::section: {
        const json::value* v = Lookup(stack, n.text);
        if (!Truthy(v)) break;
        if (v->is_array()) {
          for (const json::value& item : v->get_array()) {
            stack.push_back(&item);
            RenderNodes(n.children, stack, escape, out);
            stack.pop_back();
          }
        } else {
          stack.push_back(v);
          RenderNodes(n.children, stack, escape, out);
          stack.pop_back();
        }
        break;
      }
      case Node::Kind::inverted:
        if (!Truthy(Lookup(stack, n.text))) RenderNodes(n.children, stack, escape, out);
        break;
    }
  }
}

}  // namespace

core::Result<Template> Template::Parse(std::string_view text) {
  Template t;
  // A stack of open sections: the node list being filled and the section's name.
  std::vector<std::pair<std::vector<Node>*, std::string>> open{{&t.nodes_, ""}};
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = text.find("{{", pos);
    if (start == std::string_view::npos) {
      open.back().first->push_back(Node{Node::Kind::text, std::string(text.substr(pos)), {}});
      break;
    }
    if (start > pos) open.back().first->push_back(Node{Node::Kind::text, std::string(text.substr(pos, start - pos)), {}});
    std::size_t end = text.find("}}", start + 2);
    if (end == std::string_view::npos)
      return core::Fail(core::Errc::invalid_argument, fmt::format("unclosed tag at offset {}", start));
    std::string_view tag = text.substr(start + 2, end - start - 2);
    pos = end + 2;
    if (!tag.empty() && (tag.front() == '{' || tag.front() == '&'))
      return core::Fail(core::Errc::invalid_argument,
                        fmt::format("raw-insert tag at offset {}: not supported (every value is escaped)", start));
    if (!tag.empty() && tag.front() == '!') continue;
    char sigil = tag.empty() ? '\0' : tag.front();
    std::string name = Trim(sigil == '#' || sigil == '^' || sigil == '/' ? tag.substr(1) : tag);
    if (!ValidName(name))
      return core::Fail(core::Errc::invalid_argument, fmt::format("bad tag name '{}' at offset {}", name, start));
    if (sigil == '#' || sigil == '^') {
      auto& list = *open.back().first;
      list.push_back(Node{sigil == '#' ? Node::Kind::section : Node::Kind::inverted, name, {}});
      open.emplace_back(&list.back().children, name);
    } else if (sigil == '/') {
      if (open.size() == 1 || open.back().second != name)
        return core::Fail(core::Errc::invalid_argument,
                          fmt::format("{{{{/{}}}}} at offset {} closes no open section", name, start));
      open.pop_back();
    } else {
      open.back().first->push_back(Node{Node::Kind::variable, name, {}});
    }
  }
  if (open.size() > 1)
    return core::Fail(core::Errc::invalid_argument, fmt::format("section '{}' is not closed", open.back().second));
  return t;
}

std::string Template::Render(const json::value& context, Escape escape) const {
  std::string out;
  std::vector<const json::value*> stack{&context};
  RenderNodes(nodes_, stack, escape, out);
  return out;
}

}  // namespace store::notification
