#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/messaging/envelope.hpp"
#include "store/messaging/message.hpp"

using namespace store::messaging;
namespace json = boost::json;
using namespace std::chrono;

namespace {
const std::string kId = "0b4f0f7e-6a0b-4c57-9a57-2f3b1d5f6c01";
}

TEST(Envelope, EncodesTheFourFieldsAndDecodesThemBack) {
  Event e{kId, "order.placed.v1", "2024-05-01T12:00:00.123Z", json::parse(R"({"order_id":"o-1","total":1299})")};
  auto text = EncodeEvent(e);
  auto obj = json::parse(text).as_object();
  EXPECT_EQ(obj.at("event_id").as_string(), kId);
  EXPECT_EQ(obj.at("type").as_string(), "order.placed.v1");
  EXPECT_EQ(obj.at("occurred_at").as_string(), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(obj.at("data").at("total").as_int64(), 1299);

  auto back = DecodeEvent(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->event_id, e.event_id);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->occurred_at, e.occurred_at);
  EXPECT_EQ(back->data, e.data);
}

TEST(Envelope, NewEventHasAFreshUuidAndAUtcMillisecondTimestamp) {
  auto at = sys_days{2024y / 2 / 29} + 23h + 59min + 58s + 7ms;
  auto a = NewEvent("cart.item_added.v1", json::object{{"sku", "X"}}, at);
  auto b = NewEvent("cart.item_added.v1", json::object{{"sku", "X"}}, at);
  EXPECT_TRUE(IsUuid(a.event_id));
  EXPECT_NE(a.event_id, b.event_id);
  EXPECT_EQ(a.occurred_at, "2024-02-29T23:59:58.007Z");
}

TEST(Envelope, DecodingIgnoresUnknownFields) {
  auto back = DecodeEvent(R"({"event_id":")" + kId +
                          R"(","type":"t.v1","occurred_at":"2024-05-01T12:00:00Z","data":{},"added_later":[1,2]})");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->type, "t.v1");
}

TEST(Envelope, DecodingRejectsTextThatIsNotJson) {
  auto r = DecodeEvent("{not json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store::core::Errc::invalid_argument);
  EXPECT_FALSE(store::core::IsTransient(r.error().code));
}

TEST(Envelope, DecodingRejectsJsonThatIsNotAnObject) {
  EXPECT_FALSE(DecodeEvent("[1,2,3]"));
  EXPECT_FALSE(DecodeEvent("\"x\""));
}

TEST(Envelope, DecodingNamesEveryMissingOrMalformedField) {
  auto r = DecodeEvent(R"({"event_id":"not-a-uuid","occurred_at":"yesterday"})");
  ASSERT_FALSE(r);
  std::vector<std::string> fields;
  for (auto& f : r.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"event_id", "type", "occurred_at", "data"}));
}

TEST(Envelope, DecodingRejectsAWrongTypeForAField) {
  EXPECT_FALSE(DecodeEvent(R"({"event_id":")" + kId + R"(","type":7,"occurred_at":"2024-05-01T12:00:00Z","data":{}})"));
}

TEST(Uuid, AcceptsOnlyTheCanonicalForm) {
  EXPECT_TRUE(IsUuid(kId));
  EXPECT_FALSE(IsUuid("0b4f0f7e6a0b4c579a572f3b1d5f6c01"));
  EXPECT_FALSE(IsUuid("0b4f0f7e-6a0b-4c57-9a57-2f3b1d5f6c0g"));
}

TEST(EventMessage, KeysByAggregateAndCarriesEventIdAndTraceHeaders) {
  Event e{kId, "order.placed.v1", "2024-05-01T12:00:00.000Z", json::object{}};
  auto trace = store::log::ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  auto m = EventMessage("order.placed.v1", "order-42", e, trace);
  EXPECT_EQ(m.key, "order-42");
  EXPECT_EQ(m.value, EncodeEvent(e));
  Message received{m.topic, 0, 0, m.key, m.value, m.headers};
  EXPECT_EQ(received.Header(kEventIdHeader), kId);
  EXPECT_EQ(received.LogContext().trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(received.LogContext().span_id, "00f067aa0ba902b7");
}

TEST(Message, HeaderReturnsTheLastValueOfARepeatedName) {
  Message m;
  m.headers = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  EXPECT_EQ(m.Header("a"), "3");
  EXPECT_FALSE(m.Header("c"));
}
