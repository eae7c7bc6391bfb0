#include "store/testing/openapi.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace store::testing {
namespace {

namespace json = boost::json;

// YAML -> JSON: quoted scalars stay strings; true/false and integers become JSON values.
json::value ToJson(const YAML::Node& n) {
  if (n.IsMap()) {
    json::object o;
    for (const auto& kv : n) o[kv.first.as<std::string>()] = ToJson(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    json::array a;
    for (const auto& e : n) a.push_back(ToJson(e));
    return a;
  }
  if (n.IsNull()) return nullptr;
  auto text = n.as<std::string>();
  if (n.Tag() == "!") return json::value(text);  // quoted: a string
  if (text == "true") return true;
  if (text == "false") return false;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (!text.empty() && *end == '\0') return v;
  return json::value(text);
}

}  // namespace

std::string UpperCase(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

const std::vector<std::string>& HttpMethods() {
  static const std::vector<std::string> methods{"get", "post", "put", "patch", "delete"};
  return methods;
}

std::string OpenApiOperation::Verb() const { return UpperCase(method); }

std::string OpenApiOperation::ExamplePath() const {
  std::string url = path;
  for (const auto& p : parameters)
    if (p.in == "path" && p.example) {
      auto at = url.find("{" + p.name + "}");
      if (at == std::string::npos) throw std::runtime_error(method + " " + path + ": no {" + p.name + "} in the path");
      url.replace(at, p.name.size() + 2, *p.example);
    }
  return url;
}

std::string OpenApiOperation::ExampleQuery() const {
  std::string query;
  for (const auto& p : parameters)
    if (p.in == "query" && p.example) query += (query.empty() ? "?" : "&") + p.name + "=" + *p.example;
  return query;
}

std::map<std::string, std::map<std::string, std::set<int>>> OpenApi::Routes() const {
  std::map<std::string, std::map<std::string, std::set<int>>> out;
  for (const auto& op : operations) out[op.path][op.method].insert(op.statuses.begin(), op.statuses.end());
  return out;
}

OpenApi ReadOpenApi(const std::string& file) {
  auto doc = YAML::LoadFile(file);
  OpenApi spec;
  if (doc["openapi"]) spec.version = doc["openapi"].as<std::string>();
  for (const auto& path_item : doc["paths"]) {
    auto path = path_item.first.as<std::string>();
    for (const auto& entry : path_item.second) {
      auto method = entry.first.as<std::string>();
      bool known = false;
      for (const auto& m : HttpMethods()) known = known || m == method;
      if (!known) continue;
      const auto& node = entry.second;
      OpenApiOperation op;
      op.path = path;
      op.method = method;
      for (const auto& r : node["responses"]) {
        auto key = r.first.as<std::string>();
        if (key.size() != 3 || !std::all_of(key.begin(), key.end(), ::isdigit) || key[0] < '1' || key[0] > '5')
          throw std::runtime_error(file + ": " + method + " " + path + ": response '" + key +
                                   "' is not a status code (list each status the operation answers)");
        op.statuses.insert(std::stoi(key));
      }
      for (const auto& p : node["parameters"]) {
        OpenApiParameter param;
        param.name = p["name"].as<std::string>("");
        param.in = p["in"].as<std::string>("");
        if (p["example"]) param.example = p["example"].as<std::string>();
        op.parameters.push_back(std::move(param));
      }
      if (auto body = node["requestBody"]) {
        op.has_request_body = true;
        for (const auto& media : body["content"]) op.request_media_types.push_back(media.first.as<std::string>());
        if (auto example = body["content"]["application/json"]["example"]) op.request_example = ToJson(example);
      }
      // The operation's `security`, else the document's; `security: []` means public.
      auto security = node["security"] ? node["security"] : doc["security"];
      if (security && security.IsSequence() && security.size() > 0) {
        op.secured = true;
        op.anonymous_allowed = security.size() > 1;
      }
      if (auto role = node["x-role"]) op.role = role.as<std::string>();
      spec.operations.push_back(std::move(op));
    }
  }
  return spec;
}

std::string ConcretePath(const std::string& templated, const std::map<std::string, std::string>& values,
                         const std::string& fallback) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    auto open = templated.find('{', at);
    if (open == std::string::npos) break;
    auto close = templated.find('}', open);
    if (close == std::string::npos) break;
    out += templated.substr(at, open - at);
    auto it = values.find(templated.substr(open + 1, close - open - 1));
    out += it == values.end() ? fallback : it->second;
    at = close + 1;
  }
  return out + templated.substr(at);
}

}  // namespace store::testing
