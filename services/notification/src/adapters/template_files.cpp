#include "adapters/template_files.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace store::notification {
namespace json = boost::json;
namespace fs = std::filesystem;
using core::Errc;
using core::Fail;

namespace {

core::Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Errc::invalid_argument, fmt::format("cannot read {}", path.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
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

core::Result<Mapping> ParseMapping(std::string_view type, const json::value& spec_value) {
  auto where = [&](const std::string& why) {
    return Fail(Errc::invalid_argument, fmt::format("mappings.json: {}: {}", type, why));
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
    if (!s || !s->contains("phone") || !s->at("phone").is_string() || !s->contains("opt_in") || !s->at("opt_in").is_string())
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
  return m;
}

}  // namespace

core::Result<Catalog> LoadCatalog(const fs::path& dir, CatalogOptions options) {
  TRY(text, ReadFile(dir / "mappings.json"));
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object())
    return Fail(Errc::invalid_argument, fmt::format("{}: not a JSON object", (dir / "mappings.json").string()));
  std::vector<Mapping> mappings;
  for (const auto& [type, spec] : doc.get_object()) {
    if (type.starts_with("$")) continue;  // "$comment"
    TRY(m, ParseMapping(type, spec));
    mappings.push_back(std::move(m));
  }

  TemplateFiles files;
  std::error_code fec;
  for (const auto& locale : fs::directory_iterator(dir, fec)) {
    if (!locale.is_directory()) continue;
    auto& texts = files[locale.path().filename().string()];
    for (const auto& file : fs::directory_iterator(locale.path(), fec)) {
      if (!file.is_regular_file()) continue;
      TRY(content, ReadFile(file.path()));
      texts.emplace(file.path().filename().string(), std::move(content));
    }
  }
  if (fec) return Fail(Errc::invalid_argument, fmt::format("{}: {}", dir.string(), fec.message()));
  auto catalog = Catalog::Create(std::move(options), std::move(mappings), files);
  if (!catalog) return Fail(Errc::invalid_argument, fmt::format("{}: {}", dir.string(), catalog.error().message));
  return catalog;
}

}  // namespace store::notification
