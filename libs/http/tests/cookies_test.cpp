#include "store/http/cookies.hpp"

#include <gtest/gtest.h>

namespace store::http {
namespace {

Request WithCookie(const std::string& header) {
  BeastRequest raw{Verb::get, "/v1/things", 11};
  if (!header.empty()) raw.set(beast_http::field::cookie, header);
  return Request(std::move(raw), "req-1", {});
}

TEST(TokenCookie, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(TokenCookie(WithCookie("a=1; token=abc-DEF_123.x; b=2"), "token"), "abc-DEF_123.x");
  EXPECT_EQ(TokenCookie(WithCookie("token=first; token=second"), "token"), "first");
  EXPECT_EQ(TokenCookie(WithCookie("mytoken=x; token_2=y"), "token"), std::nullopt) << "only the exact name";
  EXPECT_EQ(TokenCookie(WithCookie(""), "token"), std::nullopt);
}

TEST(TokenCookie, SkipsMalformedValues) {
  EXPECT_EQ(TokenCookie(WithCookie("token="), "token"), std::nullopt);
  EXPECT_EQ(TokenCookie(WithCookie("token=a b"), "token"), std::nullopt);
  EXPECT_EQ(TokenCookie(WithCookie("token=\"quoted\""), "token"), std::nullopt);
  EXPECT_EQ(TokenCookie(WithCookie("token=" + std::string(257, 'a')), "token"), std::nullopt);
  EXPECT_EQ(TokenCookie(WithCookie("token=bad$; token=good"), "token"), "good") << "the first well-formed one";
}

TEST(SetCookie, IsHttpOnlyWithThePathLifetimeSameSiteAndSecure) {
  CookieSpec c{.name = "session", .path = "/api/user/v1/auth", .max_age = std::chrono::seconds(3600)};
  EXPECT_EQ(SetCookieValue(c, "tok"), "session=tok; Path=/api/user/v1/auth; Max-Age=3600; HttpOnly; SameSite=Lax; Secure");
  c.secure = false;
  c.same_site = "Strict";
  EXPECT_EQ(SetCookieValue(c, "tok"), "session=tok; Path=/api/user/v1/auth; Max-Age=3600; HttpOnly; SameSite=Strict");
  EXPECT_EQ(ClearCookieValue(c), "session=; Path=/api/user/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict");
  CookieSpec hint{.name = "signed_in", .max_age = std::chrono::seconds(60), .http_only = false};
  EXPECT_EQ(SetCookieValue(hint, "1"), "signed_in=1; Path=/; Max-Age=60; SameSite=Lax; Secure") << "a page may read a hint";
}

}  // namespace
}  // namespace store::http
