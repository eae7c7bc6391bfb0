#include "store/messaging/envelope.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <cctype>

#include "store/core/clock.hpp"
#include "store/core/ids.hpp"

namespace store::messaging {
namespace json = boost::json;
using core::Errc;
using core::Fail;

namespace {

const json::string* StringField(const json::object& o, std::string_view name) {
  auto* v = o.if_contains(name);
  return v ? v->if_string() : nullptr;
}

}  // namespace

Event NewEvent(std::string type, json::value data, std::chrono::system_clock::time_point at) {
  return Event{core::NewUuid(), std::move(type), core::FormatTimestamp(at), std::move(data)};
}

std::string EncodeEvent(const Event& e) {
  json::object o;
  o["event_id"] = e.event_id;
  o["type"] = e.type;
  o["occurred_at"] = e.occurred_at;
  o["data"] = e.data;
  return json::serialize(o);
}

core::Result<Event> DecodeEvent(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Fail(Errc::invalid_argument, fmt::format("event is not JSON: {}", ec.message()));
  auto* o = v.if_object();
  if (!o) return Fail(Errc::invalid_argument, "event is not a JSON object");

  std::vector<core::FieldError> bad;
  auto* id = StringField(*o, "event_id");
  if (!id || !IsUuid(*id)) bad.push_back({"event_id", "must be a UUID string"});
  auto* type = StringField(*o, "type");
  if (!type || type->empty()) bad.push_back({"type", "must be a non-empty string"});
  auto* at = StringField(*o, "occurred_at");
  if (!at || !core::ParseTimestamp(*at)) bad.push_back({"occurred_at", "must be an RFC 3339 date-time"});
  auto* data = o->if_contains("data");
  if (!data) bad.push_back({"data", "is required"});
  if (!bad.empty()) {
    std::string fields;
    for (auto& f : bad) fields += (fields.empty() ? "" : ", ") + f.field + " " + f.message;
    return Fail(core::Error::Invalid("malformed event envelope: " + fields, std::move(bad)));
  }
  return Event{std::string(*id), std::string(*type), std::string(*at), std::move(*data)};
}


}  // namespace store::messaging
