#include "store/address/address.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>

namespace store::address {

namespace {

struct Country {
  std::string_view code;
  std::string_view name;
};

// ISO 3166-1: the 249 officially assigned alpha-2 codes and their English short names (as the
// iso-codes project spells them), sorted by code.
constexpr Country kCountries[] = {
    {"AD", "Andorra"},
    {"AE", "United Arab Emirates"},
    {"AF", "Afghanistan"},
    {"AG", "Antigua and Barbuda"},
    {"AI", "Anguilla"},
    {"AL", "Albania"},
    {"AM", "Armenia"},
    {"AO", "Angola"},
    {"AQ", "Antarctica"},
    {"AR", "Argentina"},
    {"AS", "American Samoa"},
    {"AT", "Austria"},
    {"AU", "Australia"},
    {"AW", "Aruba"},
    {"AX", "Åland Islands"},
    {"AZ", "Azerbaijan"},
    {"BA", "Bosnia and Herzegovina"},
    {"BB", "Barbados"},
    {"BD", "Bangladesh"},
    {"BE", "Belgium"},
    {"BF", "Burkina Faso"},
    {"BG", "Bulgaria"},
    {"BH", "Bahrain"},
    {"BI", "Burundi"},
    {"BJ", "Benin"},
    {"BL", "Saint Barthélemy"},
    {"BM", "Bermuda"},
    {"BN", "Brunei Darussalam"},
    {"BO", "Bolivia, Plurinational State of"},
    {"BQ", "Bonaire, Sint Eustatius and Saba"},
    {"BR", "Brazil"},
    {"BS", "Bahamas"},
    {"BT", "Bhutan"},
    {"BV", "Bouvet Island"},
    {"BW", "Botswana"},
    {"BY", "Belarus"},
    {"BZ", "Belize"},
    {"CA", "Canada"},
    {"CC", "Cocos (Keeling) Islands"},
    {"CD", "Congo, The Democratic Republic of the"},
    {"CF", "Central African Republic"},
    {"CG", "Congo"},
    {"CH", "Switzerland"},
    {"CI", "Côte d'Ivoire"},
    {"CK", "Cook Islands"},
    {"CL", "Chile"},
    {"CM", "Cameroon"},
    {"CN", "China"},
    {"CO", "Colombia"},
    {"CR", "Costa Rica"},
    {"CU", "Cuba"},
    {"CV", "Cabo Verde"},
    {"CW", "Curaçao"},
    {"CX", "Christmas Island"},
    {"CY", "Cyprus"},
    {"CZ", "Czechia"},
    {"DE", "Germany"},
    {"DJ", "Djibouti"},
    {"DK", "Denmark"},
    {"DM", "Dominica"},
    {"DO", "Dominican Republic"},
    {"DZ", "Algeria"},
    {"EC", "Ecuador"},
    {"EE", "Estonia"},
    {"EG", "Egypt"},
    {"EH", "Western Sahara"},
    {"ER", "Eritrea"},
    {"ES", "Spain"},
    {"ET", "Ethiopia"},
    {"FI", "Finland"},
    {"FJ", "Fiji"},
    {"FK", "Falkland Islands (Malvinas)"},
    {"FM", "Micronesia, Federated States of"},
    {"FO", "Faroe Islands"},
    {"FR", "France"},
    {"GA", "Gabon"},
    {"GB", "United Kingdom"},
    {"GD", "Grenada"},
    {"GE", "Georgia"},
    {"GF", "French Guiana"},
    {"GG", "Guernsey"},
    {"GH", "Ghana"},
    {"GI", "Gibraltar"},
    {"GL", "Greenland"},
    {"GM", "Gambia"},
    {"GN", "Guinea"},
    {"GP", "Guadeloupe"},
    {"GQ", "Equatorial Guinea"},
    {"GR", "Greece"},
    {"GS", "South Georgia and the South Sandwich Islands"},
    {"GT", "Guatemala"},
    {"GU", "Guam"},
    {"GW", "Guinea-Bissau"},
    {"GY", "Guyana"},
    {"HK", "Hong Kong"},
    {"HM", "Heard Island and McDonald Islands"},
    {"HN", "Honduras"},
    {"HR", "Croatia"},
    {"HT", "Haiti"},
    {"HU", "Hungary"},
    {"ID", "Indonesia"},
    {"IE", "Ireland"},
    {"IL", "Israel"},
    {"IM", "Isle of Man"},
    {"IN", "India"},
    {"IO", "British Indian Ocean Territory"},
    {"IQ", "Iraq"},
    {"IR", "Iran, Islamic Republic of"},
    {"IS", "Iceland"},
    {"IT", "Italy"},
    {"JE", "Jersey"},
    {"JM", "Jamaica"},
    {"JO", "Jordan"},
    {"JP", "Japan"},
    {"KE", "Kenya"},
    {"KG", "Kyrgyzstan"},
    {"KH", "Cambodia"},
    {"KI", "Kiribati"},
    {"KM", "Comoros"},
    {"KN", "Saint Kitts and Nevis"},
    {"KP", "Korea, Democratic People's Republic of"},
    {"KR", "Korea, Republic of"},
    {"KW", "Kuwait"},
    {"KY", "Cayman Islands"},
    {"KZ", "Kazakhstan"},
    {"LA", "Lao People's Democratic Republic"},
    {"LB", "Lebanon"},
    {"LC", "Saint Lucia"},
    {"LI", "Liechtenstein"},
    {"LK", "Sri Lanka"},
    {"LR", "Liberia"},
    {"LS", "Lesotho"},
    {"LT", "Lithuania"},
    {"LU", "Luxembourg"},
    {"LV", "Latvia"},
    {"LY", "Libya"},
    {"MA", "Morocco"},
    {"MC", "Monaco"},
    {"MD", "Moldova, Republic of"},
    {"ME", "Montenegro"},
    {"MF", "Saint Martin (French part)"},
    {"MG", "Madagascar"},
    {"MH", "Marshall Islands"},
    {"MK", "North Macedonia"},
    {"ML", "Mali"},
    {"MM", "Myanmar"},
    {"MN", "Mongolia"},
    {"MO", "Macao"},
    {"MP", "Northern Mariana Islands"},
    {"MQ", "Martinique"},
    {"MR", "Mauritania"},
    {"MS", "Montserrat"},
    {"MT", "Malta"},
    {"MU", "Mauritius"},
    {"MV", "Maldives"},
    {"MW", "Malawi"},
    {"MX", "Mexico"},
    {"MY", "Malaysia"},
    {"MZ", "Mozambique"},
    {"NA", "Namibia"},
    {"NC", "New Caledonia"},
    {"NE", "Niger"},
    {"NF", "Norfolk Island"},
    {"NG", "Nigeria"},
    {"NI", "Nicaragua"},
    {"NL", "Netherlands"},
    {"NO", "Norway"},
    {"NP", "Nepal"},
    {"NR", "Nauru"},
    {"NU", "Niue"},
    {"NZ", "New Zealand"},
    {"OM", "Oman"},
    {"PA", "Panama"},
    {"PE", "Peru"},
    {"PF", "French Polynesia"},
    {"PG", "Papua New Guinea"},
    {"PH", "Philippines"},
    {"PK", "Pakistan"},
    {"PL", "Poland"},
    {"PM", "Saint Pierre and Miquelon"},
    {"PN", "Pitcairn"},
    {"PR", "Puerto Rico"},
    {"PS", "Palestine, State of"},
    {"PT", "Portugal"},
    {"PW", "Palau"},
    {"PY", "Paraguay"},
    {"QA", "Qatar"},
    {"RE", "Réunion"},
    {"RO", "Romania"},
    {"RS", "Serbia"},
    {"RU", "Russian Federation"},
    {"RW", "Rwanda"},
    {"SA", "Saudi Arabia"},
    {"SB", "Solomon Islands"},
    {"SC", "Seychelles"},
    {"SD", "Sudan"},
    {"SE", "Sweden"},
    {"SG", "Singapore"},
    {"SH", "Saint Helena, Ascension and Tristan da Cunha"},
    {"SI", "Slovenia"},
    {"SJ", "Svalbard and Jan Mayen"},
    {"SK", "Slovakia"},
    {"SL", "Sierra Leone"},
    {"SM", "San Marino"},
    {"SN", "Senegal"},
    {"SO", "Somalia"},
    {"SR", "Suriname"},
    {"SS", "South Sudan"},
    {"ST", "Sao Tome and Principe"},
    {"SV", "El Salvador"},
    {"SX", "Sint Maarten (Dutch part)"},
    {"SY", "Syrian Arab Republic"},
    {"SZ", "Eswatini"},
    {"TC", "Turks and Caicos Islands"},
    {"TD", "Chad"},
    {"TF", "French Southern Territories"},
    {"TG", "Togo"},
    {"TH", "Thailand"},
    {"TJ", "Tajikistan"},
    {"TK", "Tokelau"},
    {"TL", "Timor-Leste"},
    {"TM", "Turkmenistan"},
    {"TN", "Tunisia"},
    {"TO", "Tonga"},
    {"TR", "Türkiye"},
    {"TT", "Trinidad and Tobago"},
    {"TV", "Tuvalu"},
    {"TW", "Taiwan, Province of China"},
    {"TZ", "Tanzania, United Republic of"},
    {"UA", "Ukraine"},
    {"UG", "Uganda"},
    {"UM", "United States Minor Outlying Islands"},
    {"US", "United States"},
    {"UY", "Uruguay"},
    {"UZ", "Uzbekistan"},
    {"VA", "Holy See (Vatican City State)"},
    {"VC", "Saint Vincent and the Grenadines"},
    {"VE", "Venezuela, Bolivarian Republic of"},
    {"VG", "Virgin Islands, British"},
    {"VI", "Virgin Islands, U.S."},
    {"VN", "Viet Nam"},
    {"VU", "Vanuatu"},
    {"WF", "Wallis and Futuna"},
    {"WS", "Samoa"},
    {"YE", "Yemen"},
    {"YT", "Mayotte"},
    {"ZA", "South Africa"},
    {"ZM", "Zambia"},
    {"ZW", "Zimbabwe"},
};
static_assert(std::size(kCountries) == 249);
static_assert(std::ranges::is_sorted(kCountries, {}, &Country::code));

// A country's postcode formats. A pattern is written in the canonical form: '9' a digit, '@' a
// letter, '#' a letter or a digit, ' ' and '-' a separator (in the input: optional, and either
// one), anything else itself. `prefix`: a country code some write before the postcode ("LV-",
// "L-"), optional in the input; `keep_prefix`: the canonical form has it.
struct Rule {
  std::string_view country;
  std::array<std::string_view, 7> patterns;  // the first ones; none: the country has no postcodes
  std::string_view format;                            // the expected format in words
  std::string_view prefix = {};
  bool keep_prefix = false;
};

// The United Kingdom's outward code shapes, each followed by the inward code "9AA"; and GIR 0AA.
#define STORE_UK_PATTERNS {"@9 9@@", "@99 9@@", "@@9 9@@", "@@99 9@@", "@9@ 9@@", "@@9@ 9@@", "GIR 0AA"}
#define STORE_US_PATTERNS {"99999", "99999-9999"}
constexpr std::string_view kZip = "a ZIP code: 5 digits, or ZIP+4 such as 12345-6789";

const Rule kRules[] = {
    // The European Union.
    {"AT", {"9999"}, "4 digits"},
    {"BE", {"9999"}, "4 digits"},
    {"BG", {"9999"}, "4 digits"},
    {"CY", {"9999"}, "4 digits"},
    {"CZ", {"999 99"}, "5 digits, such as 110 00"},
    {"DE", {"99999"}, "5 digits"},
    {"DK", {"9999"}, "4 digits", "DK-"},
    {"EE", {"99999"}, "5 digits"},
    {"ES", {"99999"}, "5 digits"},
    {"FI", {"99999"}, "5 digits", "FI-"},
    {"FR", {"99999"}, "5 digits"},
    {"GR", {"999 99"}, "5 digits, such as 105 57"},
    {"HR", {"99999"}, "5 digits", "HR-"},
    {"HU", {"9999"}, "4 digits"},
    {"IE", {"@9# ####"}, "an Eircode such as D02 X285"},
    {"IT", {"99999"}, "5 digits"},
    {"LT", {"99999"}, "LT- and 5 digits, such as LT-01100", "LT-", true},
    {"LU", {"9999"}, "4 digits", "L-"},
    {"LV", {"9999"}, "LV- and 4 digits, such as LV-1010", "LV-", true},
    {"MT", {"@@@ 9999"}, "3 letters and 4 digits, such as VLT 1117"},
    {"NL", {"9999 @@"}, "4 digits and 2 letters, such as 1234 AB"},
    {"PL", {"99-999"}, "5 digits written 12-345"},
    {"PT", {"9999-999"}, "7 digits written 1234-567"},
    {"RO", {"999999"}, "6 digits"},
    {"SE", {"999 99"}, "5 digits, such as 123 45", "SE-"},
    {"SI", {"9999"}, "4 digits", "SI-"},
    {"SK", {"999 99"}, "5 digits, such as 811 01"},
    // The rest of the EEA, Switzerland, the United Kingdom and the Crown Dependencies.
    {"CH", {"9999"}, "4 digits", "CH-"},
    {"IS", {"999"}, "3 digits"},
    {"LI", {"9999"}, "4 digits"},
    {"NO", {"9999"}, "4 digits", "NO-"},
    {"GB", STORE_UK_PATTERNS, "a UK postcode such as SW1A 1AA"},
    {"GG", STORE_UK_PATTERNS, "a postcode such as GY1 1AA"},
    {"IM", STORE_UK_PATTERNS, "a postcode such as IM1 1AA"},
    {"JE", STORE_UK_PATTERNS, "a postcode such as JE2 3AB"},
    {"GI", {"GX11 1AA"}, "GX11 1AA"},
    // Other European countries and territories.
    {"AD", {"999"}, "AD and 3 digits, such as AD500", "AD", true},
    {"AL", {"9999"}, "4 digits"},
    {"AM", {"9999"}, "4 digits"},
    {"AX", {"99999"}, "5 digits", "AX-"},
    {"BA", {"99999"}, "5 digits"},
    {"BY", {"999999"}, "6 digits"},
    {"FO", {"999"}, "3 digits", "FO-"},
    {"GE", {"9999"}, "4 digits"},
    {"GL", {"9999"}, "4 digits"},
    {"MC", {"99999"}, "5 digits"},
    {"MD", {"9999"}, "MD- and 4 digits, such as MD-2001", "MD-", true},
    {"ME", {"99999"}, "5 digits"},
    {"MK", {"9999"}, "4 digits"},
    {"RS", {"99999"}, "5 digits"},
    {"RU", {"999999"}, "6 digits"},
    {"SJ", {"9999"}, "4 digits"},
    {"SM", {"99999"}, "5 digits"},
    {"TR", {"99999"}, "5 digits"},
    {"UA", {"99999"}, "5 digits"},
    {"VA", {"00120"}, "00120"},
    // France's overseas departments and collectivities.
    {"BL", {"99999"}, "5 digits"},
    {"GF", {"99999"}, "5 digits"},
    {"GP", {"99999"}, "5 digits"},
    {"MF", {"99999"}, "5 digits"},
    {"MQ", {"99999"}, "5 digits"},
    {"NC", {"99999"}, "5 digits"},
    {"PF", {"99999"}, "5 digits"},
    {"PM", {"99999"}, "5 digits"},
    {"RE", {"99999"}, "5 digits"},
    {"WF", {"99999"}, "5 digits"},
    {"YT", {"99999"}, "5 digits"},
    // North America, the United States' territories and freely associated states.
    {"US", STORE_US_PATTERNS, kZip},
    {"AS", STORE_US_PATTERNS, kZip},
    {"FM", STORE_US_PATTERNS, kZip},
    {"GU", STORE_US_PATTERNS, kZip},
    {"MH", STORE_US_PATTERNS, kZip},
    {"MP", STORE_US_PATTERNS, kZip},
    {"PR", STORE_US_PATTERNS, kZip},
    {"PW", STORE_US_PATTERNS, kZip},
    {"VI", STORE_US_PATTERNS, kZip},
    {"CA", {"@9@ 9@9"}, "a postal code such as K1A 0B1"},
    {"MX", {"99999"}, "5 digits"},
    // Elsewhere.
    {"AR", {"@9999@@@", "9999"}, "a postal code such as C1425ABC, or 4 digits"},
    {"AU", {"9999"}, "4 digits"},
    {"BR", {"99999-999"}, "8 digits written 12345-678"},
    {"CL", {"9999999"}, "7 digits"},
    {"CN", {"999999"}, "6 digits"},
    {"DZ", {"99999"}, "5 digits"},
    {"EG", {"99999"}, "5 digits"},
    {"ID", {"99999"}, "5 digits"},
    {"IL", {"9999999"}, "7 digits"},
    {"IN", {"999999"}, "6 digits"},
    {"JP", {"999-9999"}, "7 digits written 123-4567"},
    {"KR", {"99999"}, "5 digits"},
    {"MA", {"99999"}, "5 digits"},
    {"MY", {"99999"}, "5 digits"},
    {"NZ", {"9999"}, "4 digits"},
    {"PH", {"9999"}, "4 digits"},
    {"SA", {"99999", "99999-9999"}, "5 digits, or 9 written 12345-6789"},
    {"SG", {"999999"}, "6 digits"},
    {"TH", {"99999"}, "5 digits"},
    {"TN", {"9999"}, "4 digits"},
    {"ZA", {"9999"}, "4 digits"},
    // Countries and territories without postcodes.
    {"AE", {}, "no postcode"}, {"AG", {}, "no postcode"}, {"AO", {}, "no postcode"}, {"AW", {}, "no postcode"},
    {"BF", {}, "no postcode"}, {"BI", {}, "no postcode"}, {"BJ", {}, "no postcode"}, {"BO", {}, "no postcode"},
    {"BQ", {}, "no postcode"}, {"BS", {}, "no postcode"}, {"BW", {}, "no postcode"}, {"BZ", {}, "no postcode"},
    {"CD", {}, "no postcode"}, {"CF", {}, "no postcode"}, {"CG", {}, "no postcode"}, {"CI", {}, "no postcode"},
    {"CK", {}, "no postcode"}, {"CM", {}, "no postcode"}, {"CW", {}, "no postcode"}, {"DJ", {}, "no postcode"},
    {"DM", {}, "no postcode"}, {"ER", {}, "no postcode"}, {"FJ", {}, "no postcode"}, {"GA", {}, "no postcode"},
    {"GD", {}, "no postcode"}, {"GH", {}, "no postcode"}, {"GM", {}, "no postcode"}, {"GQ", {}, "no postcode"},
    {"GY", {}, "no postcode"}, {"HK", {}, "no postcode"}, {"JM", {}, "no postcode"}, {"KI", {}, "no postcode"},
    {"KM", {}, "no postcode"}, {"KN", {}, "no postcode"}, {"KP", {}, "no postcode"}, {"LY", {}, "no postcode"},
    {"ML", {}, "no postcode"}, {"MO", {}, "no postcode"}, {"MR", {}, "no postcode"}, {"MW", {}, "no postcode"},
    {"NR", {}, "no postcode"}, {"NU", {}, "no postcode"}, {"QA", {}, "no postcode"}, {"RW", {}, "no postcode"},
    {"SB", {}, "no postcode"}, {"SC", {}, "no postcode"}, {"SL", {}, "no postcode"}, {"SO", {}, "no postcode"},
    {"SR", {}, "no postcode"}, {"SS", {}, "no postcode"}, {"ST", {}, "no postcode"}, {"SX", {}, "no postcode"},
    {"SY", {}, "no postcode"}, {"TD", {}, "no postcode"}, {"TF", {}, "no postcode"}, {"TG", {}, "no postcode"},
    {"TK", {}, "no postcode"}, {"TL", {}, "no postcode"}, {"TO", {}, "no postcode"}, {"TV", {}, "no postcode"},
    {"UG", {}, "no postcode"}, {"VU", {}, "no postcode"}, {"YE", {}, "no postcode"}, {"ZW", {}, "no postcode"},
};
#undef STORE_UK_PATTERNS
#undef STORE_US_PATTERNS

// Any other country: 1..10 letters, digits, spaces or hyphens.
constexpr std::string_view kOtherFormat = "1 to 10 letters, digits, spaces or hyphens";
constexpr std::size_t kOtherMax = 10;

const Country* FindCountry(std::string_view code) {
  auto it = std::ranges::lower_bound(kCountries, code, {}, &Country::code);
  return it != std::end(kCountries) && it->code == code ? &*it : nullptr;
}

const Rule* FindRule(std::string_view country) {
  static const std::unordered_map<std::string_view, const Rule*> rules = [] {
    std::unordered_map<std::string_view, const Rule*> map;
    for (const auto& r : kRules) map.emplace(r.country, &r);
    return map;
  }();
  auto it = rules.find(country);
  return it == rules.end() ? nullptr : it->second;
}

bool IsSeparator(char c) { return c == ' ' || c == '-'; }

// Trimmed, ASCII upper case, each run of white space as one space.
std::string Basic(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// `text` (already Basic) in the pattern's canonical form, or "" when it does not fit: a separator
// of the pattern takes one optional separator of the text; the text has none anywhere else.
std::string Fit(std::string_view pattern, std::string_view text) {
  std::string out;
  std::size_t i = 0;
  for (char p : pattern) {
    if (IsSeparator(p)) {
      if (i < text.size() && IsSeparator(text[i])) ++i;
      out += p;
      continue;
    }
    if (i == text.size()) return {};
    auto c = static_cast<unsigned char>(text[i]);
    bool ok = p == '9' ? std::isdigit(c) != 0 : p == '@' ? std::isupper(c) != 0 : p == '#' ? std::isalnum(c) != 0 : text[i] == p;
    if (!ok) return {};
    out += text[i++];
  }
  return i == text.size() ? out : std::string();
}

// The canonical form of `text` (Basic) under `rule`, or "" when no pattern fits.
std::string Canonical(const Rule& rule, std::string_view text) {
  std::string_view rest = text;
  if (!rule.prefix.empty()) {
    std::string_view letters = rule.prefix.substr(0, rule.prefix.find_first_of(" -"));
    if (rest.starts_with(letters)) {
      rest.remove_prefix(letters.size());
      if (!rest.empty() && IsSeparator(rest.front())) rest.remove_prefix(1);
    }
  }
  for (auto pattern : rule.patterns) {
    if (pattern.empty()) break;
    if (auto fitted = Fit(pattern, rest); !fitted.empty())
      return rule.keep_prefix ? std::string(rule.prefix) + fitted : fitted;
  }
  return {};
}

bool HasNone(const Rule& rule) { return rule.patterns[0].empty(); }

bool OtherCountryPostcode(std::string_view text) {
  if (text.empty() || text.size() > kOtherMax) return false;
  return std::ranges::all_of(text, [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x80 && (std::isalnum(u) || IsSeparator(c));
  });
}

}  // namespace

bool IsCountry(std::string_view alpha2) { return FindCountry(alpha2) != nullptr; }

std::string_view CountryName(std::string_view alpha2) {
  const auto* c = FindCountry(alpha2);
  return c ? c->name : std::string_view();
}

bool HasPostcodes(std::string_view country) {
  if (!IsCountry(country)) return false;
  const auto* rule = FindRule(country);
  return !rule || !HasNone(*rule);
}

std::string_view PostcodeFormat(std::string_view country) {
  if (!IsCountry(country)) return {};
  const auto* rule = FindRule(country);
  return rule ? rule->format : kOtherFormat;
}

bool PostcodeValid(std::string_view country, std::string_view postcode) {
  if (!IsCountry(country)) return false;
  auto text = Basic(postcode);
  const auto* rule = FindRule(country);
  if (!rule) return OtherCountryPostcode(text);
  if (HasNone(*rule)) return text.empty();
  return !Canonical(*rule, text).empty();
}

std::string NormalisePostcode(std::string_view country, std::string_view postcode) {
  auto text = Basic(postcode);
  const auto* rule = IsCountry(country) ? FindRule(country) : nullptr;
  if (!rule || HasNone(*rule)) return text;
  auto canonical = Canonical(*rule, text);
  return canonical.empty() ? text : canonical;
}

std::vector<core::FieldError> CheckCountryAndPostcode(std::string_view country, std::string_view postcode,
                                                      const std::vector<std::string>& allowed) {
  std::vector<core::FieldError> errors;
  if (!IsCountry(country)) {
    errors.push_back({"country", "must be an ISO 3166-1 alpha-2 code such as DE"});
    return errors;
  }
  if (!allowed.empty() && std::ranges::find(allowed, country) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    errors.push_back({"country", "must be one of the countries this shop serves: " + list});
  }
  if (!PostcodeValid(country, postcode)) {
    if (HasPostcodes(country))
      errors.push_back({"postcode", "must be " + std::string(PostcodeFormat(country))});
    else
      errors.push_back({"postcode", "must be empty: " + std::string(CountryName(country)) + " has no postcodes"});
  }
  return errors;
}

}  // namespace store::address
