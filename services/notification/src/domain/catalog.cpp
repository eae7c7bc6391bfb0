#include "domain/catalog.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "store/core/money.hpp"

namespace store::notification {
namespace json = boost::json;
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

core::Result<Catalog> Catalog::Create(CatalogOptions options, std::vector<Mapping> mappings, const TemplateFiles& files) {
  Catalog cat;
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  cat.options_ = std::move(options);
  for (const auto& [locale, ignored] : files) cat.templates_[locale];
  if (!cat.templates_.contains(cat.options_.default_locale))
    return Fail(Errc::invalid_argument, fmt::format("no templates for the default locale '{}'", cat.options_.default_locale));

  for (auto& m : mappings) {
    // Every locale must have every part of the template (a partial translation is a bug).
    for (auto& [locale, parts_by_name] : cat.templates_) {
      if (parts_by_name.contains(m.template_name)) continue;
      const auto& texts = files.at(locale);
      auto part = [&](std::string_view ext, bool required) -> core::Result<std::optional<Template>> {
        const std::string name = m.template_name + "." + std::string(ext);
        auto it = texts.find(name);
        if (it == texts.end()) {
          if (!required) return std::optional<Template>{};
          return Fail(Errc::invalid_argument, fmt::format("{}/{} is missing", locale, name));
        }
        auto t = Template::Parse(it->second);
        if (!t) return Fail(Errc::invalid_argument, fmt::format("{}/{}: {}", locale, name, t.error().message));
        return std::optional<Template>{std::move(*t)};
      };
      TRY(subject, part("subject", true));
      TRY(txt, part("txt", true));
      TRY(html, part("html", true));
      TRY(sms, part("sms", false));
      parts_by_name.emplace(m.template_name, Parts{std::move(*subject), std::move(*txt), std::move(*html), std::move(sms)});
    }
    if (!m.sms_phone.empty()) {
      for (auto& [locale, parts_by_name] : cat.templates_)
        if (!parts_by_name.at(m.template_name).sms)
          return Fail(Errc::invalid_argument, fmt::format("{}: has an sms rule but {}/{}.sms is missing", m.event_type,
                                                          locale, m.template_name));
    }
    if (cat.mappings_.contains(m.event_type))
      return Fail(Errc::invalid_argument, fmt::format("{}: mapped twice", m.event_type));
    std::string type = m.event_type;
    cat.mappings_.emplace(std::move(type), std::move(m));
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
