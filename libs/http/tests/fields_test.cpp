#include "store/http/fields.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace store::http {
namespace {

namespace json = boost::json;

Request Post(std::string body) {
  BeastRequest raw{Verb::post, "/v1/things", 11};
  raw.set(beast_http::field::content_type, "application/json");
  raw.body() = std::move(body);
  raw.prepare_payload();
  return Request(std::move(raw), "req-1", {});
}

std::vector<std::string> Named(const core::Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields) out.push_back(f.field + ": " + f.message);
  return out;
}

TEST(ObjectBody, RefusesWhatIsNotAnObjectAndFieldsOutsideTheList) {
  EXPECT_TRUE(ObjectBody(Post(R"({"a":1})")).has_value());
  auto not_object = ObjectBody(Post("[1]"));
  ASSERT_FALSE(not_object);
  EXPECT_EQ(not_object.error().code, core::Errc::invalid_argument);
  EXPECT_FALSE(ObjectBody(Post("{")));  // malformed JSON: a 400 too
  auto smuggled = ObjectBody(Post(R"({"email":"a@b.c","roles":["admin"]})"), {"email", "password"});
  ASSERT_FALSE(smuggled);
  EXPECT_EQ(Named(smuggled.error()), std::vector<std::string>{"roles: is not a field of this request"});
  EXPECT_FALSE(ObjectBody(Post(""), {"refresh_token"}));
  auto empty = ObjectBody(Post(""), {"refresh_token"}, /*may_be_empty=*/true);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(Fields, CollectsEveryBadFieldAtOnce) {
  auto body = json::parse(R"({"name":"","title":7,"count":"3","flag":null,"big":100,"ok":"fine"})").as_object();
  Fields f(body);
  EXPECT_FALSE(f.String("name", true, 1, 10));
  EXPECT_FALSE(f.String("title", true, 1, 10));
  EXPECT_FALSE(f.Int("count", true, 0, 10));
  EXPECT_FALSE(f.Bool("flag"));
  EXPECT_FALSE(f.Int("big", false, 0, 99));
  EXPECT_FALSE(f.String("missing", true, 1, 10));
  EXPECT_EQ(f.String("ok", true, 1, 10), "fine");
  EXPECT_FALSE(f.String("absent", false, 1, 10));  // optional: no error
  auto s = f.Check("invalid thing");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::Errc::invalid_argument);
  EXPECT_EQ(s.error().message, "invalid thing");
  EXPECT_EQ(Named(s.error()), (std::vector<std::string>{"name: must not be empty", "title: must be a string",
                                                        "count: must be an integer", "flag: must be true or false",
                                                        "big: must be within 0..99", "missing: is required"}));
}

TEST(Fields, CountsCharactersNotBytesAndRefusesControlCharactersInText) {
  auto body = json::parse(R"({"city":"Zürich","long":"ééééé","line":"a\u0007b","nul":null})").as_object();
  Fields f(body);
  EXPECT_EQ(f.String("city", true, 1, 6), "Zürich");  // 6 characters, 7 bytes
  EXPECT_FALSE(f.String("long", true, 1, 4));
  EXPECT_FALSE(f.Text("line", true, 0, 10));
  EXPECT_TRUE(f.IsNull("nul"));
  EXPECT_FALSE(f.IsNull("city"));
  auto s = f.Check();
  ASSERT_FALSE(s);
  EXPECT_EQ(Named(s.error()),
            (std::vector<std::string>{"long: must have 1..4 characters", "line: must not contain control characters"}));
  Fields nested(body);
  nested.AddAll("price", {{"currency", "must be EUR"}});
  EXPECT_EQ(Named(nested.Check().error()), std::vector<std::string>{"price.currency: must be EUR"});
  EXPECT_TRUE(Fields(body).Check());
}

}  // namespace
}  // namespace store::http
