// Unit tests of the catalog's pure parts: Markdown sanitising, slugs, image sniffing, decoding
// and resizing, materialised paths, timestamps, the placeholder pictures.
#include <gtest/gtest.h>

#include "adapters/sql.hpp"
#include "domain/image.hpp"
#include "domain/product.hpp"
#include "domain/text.hpp"
#include "json_values.hpp"
#include "store/core/ids.hpp"
#include "store/db/db.hpp"

namespace store::catalog {
namespace {

TEST(Markdown, RendersTheSubsetAndDropsAnythingUnsafe) {
  auto r = RenderMarkdown("## Title\n\n*a* **b** `c`\n\n1. x\n2. y\n\n[web](http://shop.test/x) [mail](mailto:a@b.c) [rel](/p/1)");
  EXPECT_NE(r.html.find("<h2>Title</h2>"), std::string::npos);
  EXPECT_NE(r.html.find("<ol>"), std::string::npos);
  EXPECT_NE(r.html.find("href=\"http://shop.test/x\""), std::string::npos);
  EXPECT_NE(r.html.find("href=\"mailto:a@b.c\""), std::string::npos);
  EXPECT_NE(r.html.find("href=\"/p/1\""), std::string::npos);
  for (const char* evil : {"<script>x</script>", "[a](javascript:alert(1))", "[a](JAVASCRIPT:alert(1))", "[a](data:text/html,x)",
                           "[a](vbscript:x)", "<iframe src=x>", "![i](http://x/i.png)", "<a href=\"javascript:x\">a</a>",
                           "<div onclick=\"x\">y</div>", "[a](java\tscript:x)"}) {
    auto out = RenderMarkdown(evil);
    EXPECT_EQ(out.html.find("<script"), std::string::npos) << evil << " -> " << out.html;
    EXPECT_EQ(out.html.find("<iframe"), std::string::npos) << evil << " -> " << out.html;
    EXPECT_EQ(out.html.find("<img"), std::string::npos) << evil << " -> " << out.html;
    EXPECT_EQ(out.html.find("onclick"), std::string::npos) << evil << " -> " << out.html;
    EXPECT_EQ(out.html.find("href=\"javascript"), std::string::npos) << evil << " -> " << out.html;
    EXPECT_EQ(out.html.find("href=\"data:"), std::string::npos) << evil << " -> " << out.html;
    EXPECT_EQ(out.html.find("href=\"vbscript"), std::string::npos) << evil << " -> " << out.html;
  }
  EXPECT_EQ(RenderMarkdown("a < b & c").html, "<p>a &lt; b &amp; c</p>\n");
  EXPECT_EQ(RenderMarkdown("**Bold** and *em*\n\n- one\n- two").text, "Bold and em\none\ntwo");
}

TEST(Slug, SlugifyAndValidate) {
  EXPECT_EQ(Slugify("Levi's 501 Original Jeans"), "levis-501-original-jeans");
  EXPECT_EQ(Slugify("  Samsung Galaxy S23 128GB -- Phantom Black!! "), "samsung-galaxy-s23-128gb-phantom-black");
  EXPECT_EQ(Slugify("Järvfjället"), "jrvfjllet");
  EXPECT_EQ(Slugify("Samsung Galaxy S23+ 128GB"), "samsung-galaxy-s23-plus-128gb");
  EXPECT_EQ(Slugify("Galaxy Tab A9+"), "galaxy-tab-a9-plus");
  EXPECT_TRUE(IsValidSlug("a-b-1"));
  for (const char* bad : {"", "-a", "a-", "a--b", "A", "a b", "a_b", "ä"}) EXPECT_FALSE(IsValidSlug(bad)) << bad;
  EXPECT_TRUE(core::IsUuid("0b4f0f7e-6a0b-4c57-9a57-2f3b1d5f6c01"));
  EXPECT_FALSE(core::IsUuid("samsung-galaxy-s23-128gb-phantom-blac"));
}

TEST(Images, SniffDecodeResizeEncode) {
  RgbImage img{300, 100, std::vector<std::uint8_t>(300 * 100 * 3, 0)};
  for (int x = 0; x < 150; ++x)
    for (int y = 0; y < 100; ++y) img.pixels[(y * 300 + x) * 3] = 255;  // left half red
  auto png = EncodePng(img);
  auto jpg = EncodeJpeg(img);
  EXPECT_EQ(SniffImageType(png), ImageType::png);
  EXPECT_EQ(SniffImageType(jpg), ImageType::jpeg);
  EXPECT_EQ(SniffImageType(std::string("RIFF\0\0\0\0WEBPVP8 ", 16)), ImageType::webp);
  EXPECT_EQ(SniffImageType("GIF89a..."), std::nullopt);
  EXPECT_EQ(SniffImageType("<svg/>"), std::nullopt);
  auto back = DecodeImage(png);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->pixels, img.pixels);
  auto small = ResizeToFit(img, 60);
  EXPECT_EQ(small.width, 60);
  EXPECT_EQ(small.height, 20);
  EXPECT_EQ(small.pixels[0], 255);                       // red on the left
  EXPECT_EQ(small.pixels[(20 * 60 - 1) * 3], 0);         // black on the right
  EXPECT_EQ(ResizeToFit(img, 1000).width, 300);          // never upscaled
  EXPECT_EQ(DecodeImage("GIF89a").error().code, core::Errc::unsupported_media_type);
  EXPECT_EQ(DecodeImage(png.substr(0, png.size() / 2)).error().code, core::Errc::invalid_argument);
  EXPECT_EQ(DecodeImage(jpg.substr(0, 40)).error().code, core::Errc::invalid_argument);
  EXPECT_EQ(DecodeImage(png, 1000).error().code, core::Errc::invalid_argument);  // 30000 pixels > 1000
}

TEST(Images, PlaceholderHasShapeAndInitials) {
  auto img = DrawPlaceholder(100, 0x2F6FD6, 0, "SG");
  ASSERT_EQ(img.pixels.size(), 100u * 100 * 3);
  auto at = [&](int x, int y) { return img.pixels[(y * 100 + x) * 3 + 2]; };
  EXPECT_NE(at(1, 1), at(50, 20));  // background tint vs the circle
  int white = 0;
  for (std::size_t i = 0; i + 2 < img.pixels.size(); i += 3) white += img.pixels[i] == 255 && img.pixels[i + 1] == 255 && img.pixels[i + 2] == 255;
  EXPECT_GT(white, 20);  // the initials
}

TEST(Util, PathsTimesAndDecimals) {
  EXPECT_EQ(PathIds("/1/40/177/"), (std::vector<std::int64_t>{1, 40, 177}));
  EXPECT_EQ(db::DbTimeToRfc3339("2025-06-01 10:20:30.5"), "2025-06-01T10:20:30.500Z");
  EXPECT_EQ(db::DbTimeToRfc3339("2025-06-01 10:20:30"), "2025-06-01T10:20:30.000Z");
  EXPECT_EQ(db::ToDbTime(std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123))), "2023-11-14 22:13:20.123");
  EXPECT_EQ(SpecValueJson(sql::Decimal("6.100000")), boost::json::value(6.1));
  EXPECT_EQ(SpecValueJson(sql::Decimal("128.000000")), boost::json::value(128));
  EXPECT_EQ(sql::Placeholders(3), "?,?,?");
}

}  // namespace
}  // namespace store::catalog
