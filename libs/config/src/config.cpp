#include "store/config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>

namespace store::config {
namespace {

std::string Trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::optional<std::int64_t> ParseInt(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string FormatDuration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 != 0) return fmt::format("{}ms", ms);
  if (ms % 60000 != 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}m", ms / 60000);
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  static const std::pair<std::string_view, std::int64_t> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  for (auto [unit, factor] : kUnits) {
    if (text.size() > unit.size() && text.ends_with(unit)) {
      auto num = ParseInt(text.substr(0, text.size() - unit.size()));
      // "5ms" also ends with "s": only accept when the rest is a plain number.
      if (num && *num >= 0) return std::chrono::milliseconds(*num * factor);
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> ParseBytes(const std::string& text) {
  static const std::pair<std::string_view, std::int64_t> kUnits[] = {
      {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024LL * 1024 * 1024}, {"", 1}};
  for (auto [unit, factor] : kUnits) {
    if (text.ends_with(unit)) {
      auto num = ParseInt(text.substr(0, text.size() - unit.size()));
      if (num && *num >= 0) return *num * factor;
    }
  }
  return std::nullopt;
}

Loader::Loader(std::string prefix, std::optional<std::string> file) : prefix_(std::move(prefix)) {
  if (!file) return;
  std::ifstream in(*file);
  if (!in) throw ConfigError(fmt::format("config file {} cannot be read", *file));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos)
      throw ConfigError(fmt::format("{}:{}: expected `key = value`", *file, n));
    file_values_[Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
}

std::string Loader::EnvNameOf(const std::string& key) const {
  std::string env = prefix_.empty() ? "" : prefix_ + "_";
  for (char c : key) env.push_back(c == '.' || c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  return env;
}

std::optional<std::string> Loader::Raw(const std::string& key, const std::string& type,
                                       const std::string& def, std::string description) {
  keys_.push_back({key, EnvNameOf(key), type, def, std::move(description)});
  if (const char* v = std::getenv(keys_.back().env.c_str())) return std::string(v);
  if (auto it = file_values_.find(key); it != file_values_.end()) return it->second;
  return std::nullopt;
}

void Loader::Bad(const std::string& key, const std::string& why) {
  errors_.push_back(fmt::format("{} ({}): {}", key, EnvNameOf(key), why));
}

std::string Loader::String(const std::string& key, std::string def, std::string description,
                           std::function<std::optional<std::string>(const std::string&)> check) {
  auto raw = Raw(key, "string", def, std::move(description));
  std::string v = raw ? *raw : def;
  if (check) {
    if (auto why = check(v)) Bad(key, *why);
  }
  return v;
}

std::int64_t Loader::Int(const std::string& key, std::int64_t def, std::string description,
                         std::int64_t min, std::int64_t max) {
  auto raw = Raw(key, "integer", std::to_string(def), std::move(description));
  if (!raw) return def;
  auto v = ParseInt(Trim(*raw));
  if (!v) {
    Bad(key, fmt::format("'{}' is not an integer", *raw));
    return def;
  }
  if (*v < min || *v > max) {
    Bad(key, fmt::format("{} is outside [{}, {}]", *v, min, max));
    return def;
  }
  return *v;
}

bool Loader::Bool(const std::string& key, bool def, std::string description) {
  auto raw = Raw(key, "bool", def ? "true" : "false", std::move(description));
  if (!raw) return def;
  if (*raw == "true" || *raw == "1" || *raw == "yes") return true;
  if (*raw == "false" || *raw == "0" || *raw == "no") return false;
  Bad(key, fmt::format("'{}' is not true/false", *raw));
  return def;
}

std::chrono::milliseconds Loader::Duration(const std::string& key, std::chrono::milliseconds def,
                                           std::string description) {
  auto raw = Raw(key, "duration", FormatDuration(def), std::move(description));
  if (!raw) return def;
  auto v = ParseDuration(Trim(*raw));
  if (!v) {
    Bad(key, fmt::format("'{}' is not a duration like 250ms, 30s, 5m, 2h, 7d", *raw));
    return def;
  }
  return *v;
}

std::string Loader::Choice(const std::string& key, std::string def, std::vector<std::string> allowed,
                           std::string description) {
  auto raw = Raw(key, "one of " + fmt::format("{}", fmt::join(allowed, "|")), def, std::move(description));
  if (!raw) return def;
  if (std::find(allowed.begin(), allowed.end(), *raw) == allowed.end()) {
    Bad(key, fmt::format("'{}' is not one of {}", *raw, fmt::join(allowed, ", ")));
    return def;
  }
  return *raw;
}

std::string Loader::Secret(const std::string& key, std::string dev_default, std::string description) {
  auto value = String(key, std::move(dev_default), description + " (dev default; production sets " + key + "_file)");
  auto file = String(key + "_file", "", "A file holding " + key + " (wins over " + key + ")");
  if (file.empty()) return value;
  std::ifstream in(file);
  if (!in) {
    Bad(key + "_file", "cannot read " + file);
    return value;
  }
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  return secret;
}

std::int64_t Loader::Bytes(const std::string& key, std::int64_t def, std::string description) {
  auto raw = Raw(key, "bytes", std::to_string(def), std::move(description));
  if (!raw) return def;
  auto v = ParseBytes(Trim(*raw));
  if (!v) {
    Bad(key, fmt::format("'{}' is not a size like 512, 64KiB, 8MiB", *raw));
    return def;
  }
  return *v;
}

void Loader::Finish() const {
  if (errors_.empty()) return;
  throw ConfigError(fmt::format("invalid configuration:\n  {}", fmt::join(errors_, "\n  ")));
}

std::string Loader::Describe() const {
  std::string out = "| key | environment | type | default | description |\n|---|---|---|---|---|\n";
  for (const auto& k : keys_)
    out += fmt::format("| `{}` | `{}` | {} | `{}` | {} |\n", k.key, k.env, k.type, k.default_value, k.description);
  return out;
}

}  // namespace store::config
