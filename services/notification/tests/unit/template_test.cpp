#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/mail_format.hpp"
#include "domain/retry.hpp"
#include "domain/template.hpp"

namespace n = store::notification;
namespace json = boost::json;

namespace {
std::string Render(std::string_view tpl, const json::value& ctx, n::Escape e = n::Escape::html) {
  auto t = n::Template::Parse(tpl);
  EXPECT_TRUE(t.has_value()) << (t ? "" : t.error().message);
  return t ? t->Render(ctx, e) : "";
}
}  // namespace

TEST(Template, EscapesEveryValueInHtml) {
  json::value ctx = json::parse(R"({"name": "<script>alert('x')</script> & \"co\""})");
  EXPECT_EQ(Render("Hi {{name}}!", ctx),
            "Hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;!");
  EXPECT_EQ(Render("Hi {{ name }}!", ctx, n::Escape::none), "Hi <script>alert('x')</script> & \"co\"!");
}

TEST(Template, RefusesRawInsertSyntax) {
  EXPECT_FALSE(n::Template::Parse("{{{name}}}").has_value());
  EXPECT_FALSE(n::Template::Parse("{{&name}}").has_value());
}

TEST(Template, ReportsUnclosedAndMismatchedTags) {
  EXPECT_FALSE(n::Template::Parse("{{name").has_value());
  EXPECT_FALSE(n::Template::Parse("{{#a}}x").has_value());
  EXPECT_FALSE(n::Template::Parse("{{#a}}x{{/b}}").has_value());
  EXPECT_FALSE(n::Template::Parse("{{/a}}").has_value());
  EXPECT_FALSE(n::Template::Parse("{{bad name}}").has_value());
}

TEST(Template, IteratesListsAndReadsDottedNames) {
  json::value ctx = json::parse(R"({"order": "o-1", "lines": [
      {"name": "Mug <b>", "qty": 2, "price": {"formatted": "3.00 EUR"}},
      {"name": "Tea", "qty": 1, "price": {"formatted": "4.50 EUR"}}]})");
  EXPECT_EQ(Render("{{#lines}}[{{qty}}x{{name}} {{price.formatted}} of {{order}}]{{/lines}}", ctx),
            "[2xMug &lt;b&gt; 3.00 EUR of o-1][1xTea 4.50 EUR of o-1]");
}

TEST(Template, SectionsFollowTruthiness) {
  json::value ctx = json::parse(R"({"yes": true, "no": false, "empty": "", "list": [], "text": "t", "n": null})");
  EXPECT_EQ(Render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#empty}}E{{/empty}}{{#list}}L{{/list}}{{#missing}}M{{/missing}}"
                   "{{#n}}0{{/n}}{{#text}}{{.}}{{/text}}",
                   ctx),
            "Yt");
  EXPECT_EQ(Render("{{^no}}a{{/no}}{{^yes}}b{{/yes}}{{^missing}}c{{/missing}}{{! a comment }}", ctx), "ac");
}

TEST(Template, UrlEncodesForLinks) {
  json::value ctx = json::parse(R"({"token": "a+b/c=d&e f?<>"})");
  EXPECT_EQ(Render("/verify-email?token={{token}}", ctx, n::Escape::url),
            "/verify-email?token=a%2Bb%2Fc%3Dd%26e%20f%3F%3C%3E");
}

TEST(Template, RendersScalars) {
  json::value ctx = json::parse(R"({"i": -3, "u": 18446744073709551615, "b": true, "o": {"x": 1}})");
  EXPECT_EQ(Render("{{i}} {{u}} {{b}} [{{o}}] [{{nope}}]", ctx), "-3 18446744073709551615 true [] []");
}

TEST(MailFormat, EncodesNonAsciiSubjectsAsRfc2047Words) {
  EXPECT_EQ(n::EncodeHeaderText("Plain subject"), "Plain subject");
  std::string encoded = n::EncodeHeaderText("Grüße aus München");
  EXPECT_EQ(encoded, "=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=");
  // Long text: several words, each <= 75 characters, folded, no UTF-8 sequence split.
  std::string longer;
  for (int i = 0; i < 30; ++i) longer += "é";
  std::string words = n::EncodeHeaderText(longer + " " + longer);
  std::size_t start = 0, count = 0;
  while (start < words.size()) {
    std::size_t end = words.find("\r\n ", start);
    std::string word = words.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u);
    EXPECT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?="));
    ++count;
    start = end == std::string::npos ? words.size() : end + 3;
  }
  EXPECT_GE(count, 2u);
  EXPECT_EQ(n::EncodeHeaderText("line\r\nBcc: x"), "=?UTF-8?B?bGluZQ0KQmNjOiB4?=");  // control chars never raw
}

TEST(MailFormat, FormatsDatesAndMailboxes) {
  EXPECT_EQ(n::RfcDate(std::chrono::system_clock::time_point(std::chrono::seconds(1795000000))),
            "Wed, 18 Nov 2026 11:06:40 +0000");
  EXPECT_EQ(n::Mailbox("Shop \"X\"", "a@b.c"), "\"Shop \\\"X\\\"\" <a@b.c>");
  EXPECT_EQ(n::Mailbox("", "a@b.c"), "<a@b.c>");
  EXPECT_EQ(n::DomainOf("shop@store.example"), "store.example");
}

TEST(RetryPolicy, DelaysGrowWithJitterUpToTheCap) {
  n::RetryPolicy p{std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 10};
  for (int round = 0; round < 200; ++round) {
    auto d1 = p.Delay(1), d2 = p.Delay(2), d3 = p.Delay(3), d6 = p.Delay(6);
    EXPECT_GE(d1.count(), 50);
    EXPECT_LE(d1.count(), 100);
    EXPECT_GE(d2.count(), 100);
    EXPECT_LE(d2.count(), 200);
    EXPECT_GE(d3.count(), 200);
    EXPECT_LE(d3.count(), 400);
    EXPECT_GE(d6.count(), 500);
    EXPECT_LE(d6.count(), 1000);
  }
}
