#include "domain/catalog.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "store/core/money.hpp"

namespace store::notification {
namespace json = boost::json;
namespace fs = std::filesystem;
using core::Errc;
using core::Fail;

bool IsValidEmail(std::string_view a) {
  if (a.size() < 3 || a.size() > 254) return false;
  auto at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || a.find('@', at + 1) != std::string_view::npos) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char c = a[i];
    if (c <= 32 || c == 127 || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
        c == ':' || c == '\\' || c == '"' || c == '[' || c == ']')
      return false;
  }
  std::string_view domain = a.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' || domain.front() == '-') return false;
  for (char c : domain)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) return false;
  return true;
}

bool IsValidPhone(std::string_view p) {
  if (p.size() < 8 || p.size() > 16 || p[0] != '+' || p[1] == '0') return false;
  for (std::size_t i = 1; i < p.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(p[i]))) return false;
  return true;
}

namespace {

core::Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Errc::invalid_argument, fmt::format("cannot read {}", path.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

core::Result<Template> ParseFile(const fs::path& path) {
  TRY(text, ReadFile(path));
  auto t = Template::Parse(text);
  if (!t) return Fail(Errc::invalid_argument, fmt::format("{}: {}", path.string(), t.error().message));
  return std::move(*t);
}

core::Result<std::vector<std::string>> StringList(const json::object& o, std::string_view key, bool required) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end()) {
    if (required) return Fail(Errc::invalid_argument, fmt::format("'{}' is required", key));
    return out;
  }
  if (it->value().is_string()) {
    out.emplace_back(it->value().get_string());
  } else if (it->value().is_array()) {
    for (auto& v : it->value().get_array()) {
      if (!v.is_string()) return Fail(Errc::invalid_argument, fmt::format("'{}' must hold strings", key));
      out.emplace_back(v.get_string());
    }
  } else {
    return Fail(Errc::invalid_argument, fmt::format("'{}' must be a string or a list", key));
  }
  return out;
}

const json::value* Path(const json::value& root, std::string_view path) {
  const json::value* v = &root;
  while (!path.empty()) {
    std::string_view seg = path.substr(0, path.find('.'));
    path = seg.size() < path.size() ? path.substr(seg.size() + 1) : std::string_view{};
    const json::object* o = v->if_object();
    if (!o) return nullptr;
    auto it = o->find(seg);
    if (it == o->end()) return nullptr;
    v = &it->value();
  }
  return v;
}

// Adds "formatted" ("12.99 EUR") to every money object ({"minor": int, "currency": "EUR"}).
void FormatMoney(json::value& v) {
  if (auto* o = v.if_object()) {
    auto m = o->find("minor");
    auto c = o->find("currency");
    if (m != o->end() && c != o->end() && m->value().is_int64() && c->value().is_string()) {
      if (auto cur = core::Currency::Parse(std::string(c->value().get_string())))
        (*o)["formatted"] = core::Money(m->value().get_int64(), *cur).ToString();
    }
    for (auto& kv : *o) FormatMoney(kv.value());
  } else if (auto* a = v.if_array()) {
    for (auto& item : *a) FormatMoney(item);
  }
}

std::string TrimSpace(std::string s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Subjects are one header line: no CR/LF can reach the header block (no header injection).
std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  return TrimSpace(std::move(s));
}

}  // namespace

core::Result<Catalog> Catalog::Load(const fs::path& dir, CatalogOptions options) {
  Catalog cat;
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  cat.options_ = std::move(options);
  TRY(text, ReadFile(dir / "mappings.json"));
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object())
    return Fail(Errc::invalid_argument, fmt::format("{}: not a JSON object", (dir / "mappings.json").string()));

  // Locales: every sub-directory.
  std::error_code fec;
  for (const auto& entry : fs::directory_iterator(dir, fec)) {
    if (entry.is_directory()) cat.templates_[entry.path().filename().string()];
  }
  if (!cat.templates_.contains(cat.options_.default_locale))
    return Fail(Errc::invalid_argument,
                fmt::format("{}: no directory for the default locale '{}'", dir.string(), cat.options_.default_locale));

  for (const auto& [type, spec_value] : doc.get_object()) {
    if (type.starts_with("$")) continue;  // "$comment"
    auto where = [&](const std::string& why) {
      return Fail(Errc::invalid_argument, fmt::format("mappings.json: {}: {}", std::string(type), why));
    };
    if (!spec_value.is_object()) return where("must be an object");
    const json::object& spec = spec_value.get_object();
    Mapping m;
    m.event_type = type;
    auto tpl = spec.find("template");
    if (tpl == spec.end() || !tpl->value().is_string()) return where("'template' is required");
    m.template_name = tpl->value().get_string();
    auto emails = StringList(spec, "email", true);
    if (!emails) return where(emails.error().message);
    m.email_fields = *emails;
    if (auto sms = spec.find("sms"); sms != spec.end()) {
      const json::object* s = sms->value().if_object();
      if (!s || !s->contains("phone") || !s->at("phone").is_string() || !s->contains("opt_in") ||
          !s->at("opt_in").is_string())
        return where("'sms' must be {\"phone\": field, \"opt_in\": field}");
      m.sms_phone = s->at("phone").get_string();
      m.sms_opt_in = s->at("opt_in").get_string();
    }
    if (auto links = spec.find("links"); links != spec.end()) {
      if (!links->value().is_object()) return where("'links' must be an object");
      for (const auto& [name, path] : links->value().get_object()) {
        if (!path.is_string() || !path.get_string().starts_with("/"))
          return where(fmt::format("link '{}' must be a path starting with /", std::string(name)));
        auto t = Template::Parse(path.get_string());
        if (!t) return where(fmt::format("link '{}': {}", std::string(name), t.error().message));
        m.links.emplace(std::string(name), std::move(*t));
      }
    }
    auto ext = StringList(spec, "external_urls", false);
    if (!ext) return where(ext.error().message);
    m.external_urls = *ext;

    // Every locale must have every part of the template (a partial translation is a bug).
    for (auto& [locale, parts_by_name] : cat.templates_) {
      if (parts_by_name.contains(m.template_name)) continue;
      fs::path base = dir / locale / m.template_name;
      auto subject = ParseFile(base.string() + ".subject");
      if (!subject) return Fail(subject.error());
      auto txt = ParseFile(base.string() + ".txt");
      if (!txt) return Fail(txt.error());
      auto html = ParseFile(base.string() + ".html");
      if (!html) return Fail(html.error());
      Parts parts{std::move(*subject), std::move(*txt), std::move(*html), std::nullopt};
      if (fs::exists(base.string() + ".sms")) {
        auto sms = ParseFile(base.string() + ".sms");
        if (!sms) return Fail(sms.error());
        parts.sms = std::move(*sms);
      }
      parts_by_name.emplace(m.template_name, std::move(parts));
    }
    if (!m.sms_phone.empty()) {
      for (auto& [locale, parts_by_name] : cat.templates_)
        if (!parts_by_name.at(m.template_name).sms)
          return where(fmt::format("has an sms rule but {}/{}.sms is missing", locale, m.template_name));
    }
    cat.mappings_.emplace(m.event_type, std::move(m));
  }
  return cat;
}

const Mapping* Catalog::Find(std::string_view event_type) const {
  auto it = mappings_.find(event_type);
  return it == mappings_.end() ? nullptr : &it->second;
}

std::vector<std::string> Catalog::EventTypes() const {
  std::vector<std::string> out;
  for (const auto& [type, m] : mappings_) out.push_back(type);
  return out;
}

const Catalog::Parts* Catalog::FindParts(const std::string& locale, const std::string& name) const {
  auto l = templates_.find(locale);
  if (l == templates_.end()) return nullptr;
  auto p = l->second.find(name);
  return p == l->second.end() ? nullptr : &p->second;
}

core::Result<std::vector<Notification>> Catalog::Build(const Mapping& mapping, const json::value& data) const {
  if (!data.is_object()) return Fail(Errc::invalid_argument, "event data is not an object");
  std::string recipient;
  for (const auto& field : mapping.email_fields) {
    const json::value* v = Path(data, field);
    if (v && v->is_string() && !v->get_string().empty()) {
      recipient = v->get_string();
      break;
    }
  }
  if (recipient.empty())
    return Fail(core::Error::Invalid("no recipient address",
                                     {{mapping.email_fields.front(), "is required for " + mapping.event_type}}));
  if (!IsValidEmail(recipient))
    return Fail(core::Error::Invalid("invalid recipient address", {{mapping.email_fields.front(), "is not an email address"}}));

  // Locale: the event's (or its language part, "en-GB" -> "en"), else the default.
  std::string locale = options_.default_locale;
  if (const json::value* l = Path(data, "locale"); l && l->is_string()) {
    std::string want(l->get_string());
    if (templates_.contains(want)) locale = want;
    else if (auto dash = want.find('-'); dash != std::string::npos && templates_.contains(want.substr(0, dash)))
      locale = want.substr(0, dash);
  }
  const Parts* parts = FindParts(locale, mapping.template_name);
  if (!parts) return Fail(Errc::internal, "template missing after load: " + mapping.template_name);

  json::value context = data;
  json::object& ctx = context.get_object();
  FormatMoney(context);
  for (const auto& field : mapping.external_urls) {
    auto it = ctx.find(field);
    if (it == ctx.end()) continue;
    bool safe = it->value().is_string() &&
                (it->value().get_string().starts_with("https://") || it->value().get_string().starts_with("http://"));
    if (!safe) ctx.erase(it);
  }
  // Computed values last, so an event cannot override them.
  for (const auto& [name, path] : mapping.links) ctx[name] = options_.base_url + path.Render(context, Escape::url);
  ctx["shop_name"] = options_.shop_name;
  ctx["base_url"] = options_.base_url;

  std::vector<Notification> out;
  out.push_back(Notification{mapping.template_name, std::string(kEmail), locale, recipient,
                             OneLine(parts->subject.Render(context, Escape::none)),
                             parts->text.Render(context, Escape::none), parts->html.Render(context, Escape::html)});
  if (!mapping.sms_phone.empty()) {
    const json::value* opt = Path(data, mapping.sms_opt_in);
    const json::value* phone = Path(data, mapping.sms_phone);
    if (opt && opt->is_bool() && opt->get_bool() && phone && phone->is_string() && !phone->get_string().empty()) {
      if (!IsValidPhone(phone->get_string()))
        return Fail(core::Error::Invalid("invalid phone number", {{mapping.sms_phone, "is not an E.164 number"}}));
      out.push_back(Notification{mapping.template_name, std::string(kSms), locale, std::string(phone->get_string()),
                                 "", TrimSpace(parts->sms->Render(context, Escape::none)), ""});
    }
  }
  return out;
}

}  // namespace store::notification
