#include <gtest/gtest.h>

#include <set>
#include <string>

#include "store/address/address.hpp"

namespace address = store::address;

namespace {

std::string Field(const std::vector<store::core::FieldError>& errors, const std::string& field) {
  for (const auto& e : errors)
    if (e.field == field) return e.message;
  return {};
}

TEST(Country, KnowsEveryOfficiallyAssignedCodeAndNothingElse) {
  std::set<std::string> codes;
  for (char a = 'A'; a <= 'Z'; ++a)
    for (char b = 'A'; b <= 'Z'; ++b)
      if (std::string code{a, b}; address::IsCountry(code)) codes.insert(code);
  EXPECT_EQ(codes.size(), 249u);
  for (const char* code : {"DE", "NL", "GB", "US", "CA", "AU", "JP", "IE", "HK", "AE", "AX", "SS", "XK"})
    EXPECT_EQ(address::IsCountry(code), std::string(code) != "XK") << code;  // XK (Kosovo) is user-assigned
  for (const char* code : {"ZZ", "UK", "EU", "de", "De", "D", "DEU", "", "D1", "\xC3\x84T"}) EXPECT_FALSE(address::IsCountry(code)) << code;
}

TEST(Country, HasItsEnglishShortName) {
  EXPECT_EQ(address::CountryName("DE"), "Germany");
  EXPECT_EQ(address::CountryName("NL"), "Netherlands");
  EXPECT_EQ(address::CountryName("GB"), "United Kingdom");
  EXPECT_EQ(address::CountryName("CI"), "C\xC3\xB4te d'Ivoire");
  EXPECT_EQ(address::CountryName("ZZ"), "");
  EXPECT_EQ(address::CountryName("de"), "");
}

TEST(Postcode, FitsTheFormatOfItsCountry) {
  struct Case {
    const char* country;
    const char* postcode;
    bool valid;
  };
  const Case cases[] = {
      {"DE", "10115", true},      {"DE", "1011", false},       {"DE", "101155", false},    {"DE", "1011A", false},
      {"DE", "10-115", false},    {"DE", "", false},           {"FR", "75001", true},      {"IT", "00184", true},
      {"ES", "28013", true},      {"AT", "1010", true},        {"AT", "10100", false},     {"BE", "1000", true},
      {"CH", "8001", true},       {"CH", "CH-8001", true},     {"DK", "1050", true},       {"NO", "0150", true},
      {"NL", "1234 AB", true},    {"NL", "1234AB", true},      {"NL", "1234 ab", true},    {"NL", "1234-AB", true},
      {"NL", "1234", false},      {"NL", "12345 AB", false},   {"NL", "123 4AB", false},   {"SE", "123 45", true},
      {"SE", "12345", true},      {"SE", "1234", false},       {"PL", "12-345", true},     {"PL", "12345", true},
      {"PL", "123-45", false},    {"PT", "1000-001", true},    {"PT", "1000", false},      {"CZ", "110 00", true},
      {"GR", "10557", true},      {"LV", "LV-1010", true},     {"LV", "1010", true},       {"LT", "LT-01100", true},
      {"LU", "L-1234", true},     {"LU", "1234", true},        {"MT", "VLT 1117", true},   {"MT", "VLT1117", true},
      {"MT", "1117", false},      {"IE", "D02 X285", true},    {"IE", "A65F4E2", true},    {"IE", "D6W 1234", true},
      {"IE", "", false},          {"IE", "D02", false},        {"GB", "SW1A 1AA", true},   {"GB", "sw1a1aa", true},
      {"GB", "M1 1AE", true},     {"GB", "B33 8TH", true},     {"GB", "CR2 6XH", true},    {"GB", "DN55 1PT", true},
      {"GB", "W1A 0AX", true},    {"GB", "EC1A 1BB", true},    {"GB", "GIR 0AA", true},    {"GB", "SW1A", false},
      {"GB", "12345", false},     {"GB", "SW1 A1AA", false},   {"JE", "JE2 3AB", true},    {"US", "12345", true},
      {"US", "12345-6789", true}, {"US", "123456789", true},   {"US", "1234", false},      {"US", "12345-67", false},
      {"CA", "K1A 0B1", true},    {"CA", "k1a0b1", true},      {"CA", "K1A 0B", false},    {"CA", "111 111", false},
      {"AU", "2000", true},       {"AU", "200", false},        {"JP", "100-0001", true},   {"JP", "1000001", true},
      {"JP", "100-001", false},   {"IS", "101", true},         {"LI", "9490", true},       {"AD", "AD500", true},
      {"VA", "00120", true},      {"VA", "00121", false},      {"HK", "", true},           {"HK", "999077", false},
      {"AE", "", true},           {"AE", "12345", false},      {"KE", "00100", true},      {"KE", "GPO-100 A", true},
      {"KE", "", false},          {"KE", "12345678901", false}, {"KE", "1234_5", false},   {"ZZ", "12345", false},
      {"de", "10115", false},
  };
  for (const auto& c : cases) EXPECT_EQ(address::PostcodeValid(c.country, c.postcode), c.valid) << c.country << " '" << c.postcode << "'";
}

TEST(Postcode, IsNormalisedToTheCountrysCanonicalForm) {
  EXPECT_EQ(address::NormalisePostcode("NL", " 1234ab "), "1234 AB");
  EXPECT_EQ(address::NormalisePostcode("NL", "1234-ab"), "1234 AB");
  EXPECT_EQ(address::NormalisePostcode("GB", "sw1a1aa"), "SW1A 1AA");
  EXPECT_EQ(address::NormalisePostcode("GB", "  m1   1ae"), "M1 1AE");
  EXPECT_EQ(address::NormalisePostcode("CA", "k1a0b1"), "K1A 0B1");
  EXPECT_EQ(address::NormalisePostcode("SE", "12345"), "123 45");
  EXPECT_EQ(address::NormalisePostcode("PL", "12345"), "12-345");
  EXPECT_EQ(address::NormalisePostcode("US", "123456789"), "12345-6789");
  EXPECT_EQ(address::NormalisePostcode("LV", "1010"), "LV-1010");
  EXPECT_EQ(address::NormalisePostcode("LV", "lv 1010"), "LV-1010");
  EXPECT_EQ(address::NormalisePostcode("LU", "L-1234"), "1234");
  EXPECT_EQ(address::NormalisePostcode("IE", "a65f4e2"), "A65 F4E2");
  EXPECT_EQ(address::NormalisePostcode("DE", " 10115\t"), "10115");
  EXPECT_EQ(address::NormalisePostcode("KE", " gpo  100 "), "GPO 100");
  // A postcode that fits no format is only trimmed, upper-cased and collapsed.
  EXPECT_EQ(address::NormalisePostcode("NL", " 12  ab "), "12 AB");
  EXPECT_EQ(address::NormalisePostcode("ZZ", " ab "), "AB");
  // Every canonical form is valid and a fixed point.
  for (auto [country, raw] : {std::pair{"NL", "1234ab"}, {"GB", "ec1a1bb"}, {"CA", "k1a-0b1"}, {"LT", "01100"}, {"AD", "ad 500"}}) {
    auto once = address::NormalisePostcode(country, raw);
    EXPECT_TRUE(address::PostcodeValid(country, once)) << country << " " << once;
    EXPECT_EQ(address::NormalisePostcode(country, once), once);
  }
}

TEST(Postcode, EveryEuEeaCountryAndTheMainMarketsHaveAFormat) {
  for (const char* c : {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
                        "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "GB", "CH", "US",
                        "CA", "AU", "JP"}) {
    EXPECT_TRUE(address::HasPostcodes(c)) << c;
    EXPECT_NE(address::PostcodeFormat(c), "1 to 10 letters, digits, spaces or hyphens") << c << " has no format of its own";
  }
  EXPECT_FALSE(address::HasPostcodes("HK"));
  EXPECT_EQ(address::PostcodeFormat("HK"), "no postcode");
  EXPECT_EQ(address::PostcodeFormat("ZZ"), "");
}

TEST(CheckCountryAndPostcode, NamesTheBadFieldsAndTheExpectedFormat) {
  const std::vector<std::string> shop{"DE", "NL", "GB", "HK"};
  EXPECT_TRUE(address::CheckCountryAndPostcode("DE", "10115", shop).empty());
  EXPECT_TRUE(address::CheckCountryAndPostcode("NL", "1234ab", shop).empty());
  EXPECT_TRUE(address::CheckCountryAndPostcode("HK", "", shop).empty());
  EXPECT_TRUE(address::CheckCountryAndPostcode("FR", "75001", {}).empty());  // no list: any country

  auto zz = address::CheckCountryAndPostcode("ZZ", "10115", shop);
  ASSERT_EQ(zz.size(), 1u);  // the postcode cannot be judged without a country
  EXPECT_EQ(zz[0].field, "country");
  EXPECT_NE(zz[0].message.find("ISO 3166-1"), std::string::npos);

  auto fr = address::CheckCountryAndPostcode("FR", "75001", shop);
  ASSERT_EQ(fr.size(), 1u);
  EXPECT_EQ(fr[0].field, "country");
  EXPECT_NE(fr[0].message.find("DE, NL, GB, HK"), std::string::npos) << fr[0].message;

  auto de = address::CheckCountryAndPostcode("DE", "1011", shop);
  ASSERT_EQ(de.size(), 1u);
  EXPECT_EQ(Field(de, "postcode"), "must be 5 digits");
  EXPECT_EQ(Field(address::CheckCountryAndPostcode("NL", "12345", shop), "postcode"), "must be 4 digits and 2 letters, such as 1234 AB");
  EXPECT_EQ(Field(address::CheckCountryAndPostcode("HK", "999077", shop), "postcode"), "must be empty: Hong Kong has no postcodes");
  EXPECT_EQ(Field(address::CheckCountryAndPostcode("KE", "", {}), "postcode"), "must be 1 to 10 letters, digits, spaces or hyphens");

  auto both = address::CheckCountryAndPostcode("FR", "7500", shop);  // not served, and a bad postcode
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].field, "country");
  EXPECT_EQ(both[1].field, "postcode");
}

}  // namespace
