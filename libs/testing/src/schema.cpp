#include "store/testing/schema.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <sstream>

#include "store/core/clock.hpp"

namespace store::testing {

namespace json = boost::json;

std::string ContractsDir() { return STORE_TESTING_CONTRACTS_DIR; }

namespace {

bool HasType(const json::value& v, std::string_view type) {
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "null") return v.is_null();
  if (type == "integer") return v.is_int64() || v.is_uint64();
  if (type == "number") return v.is_number();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  return false;
}

}  // namespace

std::vector<std::string> EventSchemaViolations(const std::string& topic, const json::object& data) {
  std::ifstream in(ContractsDir() + "/events/" + topic + ".schema.json");
  if (!in) return {"no schema contracts/events/" + topic + ".schema.json"};
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto parsed = json::parse(text.str(), ec);
  if (ec || !parsed.is_object()) return {"contracts/events/" + topic + ".schema.json is not a JSON object"};
  const auto& schema = parsed.as_object();
  std::vector<std::string> bad;
  if (auto* required = schema.if_contains("required"))
    for (const auto& r : required->as_array())
      if (!data.contains(r.as_string())) bad.push_back(topic + " lacks " + std::string(r.as_string()));
  const auto* properties = schema.if_contains("properties");
  if (!properties) return bad;
  for (const auto& [name, prop_value] : properties->as_object()) {
    auto it = data.find(name);
    if (it == data.end()) continue;
    const auto& prop = prop_value.as_object();
    const auto& v = it->value();
    const std::string where = topic + "." + std::string(name) + " = " + json::serialize(v);
    if (auto* t = prop.if_contains("type")) {
      bool ok = false;
      if (t->is_string()) ok = HasType(v, t->as_string());
      else
        for (const auto& one : t->as_array()) ok = ok || HasType(v, one.as_string());
      if (!ok) bad.push_back(where + ": wrong type");
    }
    if (auto* e = prop.if_contains("enum")) {
      bool ok = false;
      for (const auto& one : e->as_array()) ok = ok || one == v;
      if (!ok) bad.push_back(where + ": not one of " + json::serialize(*e));
    }
    if (auto* m = prop.if_contains("minimum"); m && v.is_number() && m->is_number() && v.to_number<double>() < m->to_number<double>())
      bad.push_back(where + ": below " + json::serialize(*m));
    if (auto* f = prop.if_contains("format"); f && f->is_string() && f->as_string() == "date-time" &&
                                              !(v.is_string() && core::ParseTimestamp(v.as_string())))
      bad.push_back(where + ": not an RFC 3339 date-time");
  }
  return bad;
}

void ExpectEventMatchesSchema(const std::string& topic, const json::object& data) {
  for (const auto& violation : EventSchemaViolations(topic, data))
    ADD_FAILURE() << violation << "\n  in " << json::serialize(data);
}

}  // namespace store::testing
