// Postal addresses: ISO 3166-1 country codes and each country's postcode format, the one set of
// rules for every service that takes an address (the user service's address book, checkout).
//
//   auto errors = store::address::CheckCountryAndPostcode(country, postcode, settings.countries);
//   for (const auto& e : errors) fields.Add(e.field == "postcode" ? "postal_code" : e.field, e.message);
//   address.postal_code = store::address::NormalisePostcode(country, postcode);   // "1234ab" -> "1234 AB"
//
// Countries are upper-case alpha-2 codes (lower case is not a code). Postcodes are read leniently
// (surrounding space, lower case, a missing or different separator where the country writes one)
// and stored canonically: trimmed, upper case, the country's spacing ("1234 AB", "SW1A 1AA",
// "K1A 0B1", "12-345"). Formats are written out for every EU/EEA country, GB and its Crown
// Dependencies, CH, US, CA, AU, JP and several more; a country without postcodes (HK, AE, ...)
// takes only an empty one; any other country 1..10 letters, digits, spaces or hyphens.
// Thread-safety: pure functions over constant tables; safe from any thread. No errors are thrown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"

namespace store::address {

// An officially assigned ISO 3166-1 alpha-2 code (all 249), upper case.
bool IsCountry(std::string_view alpha2);
// The ISO 3166-1 English short name ("Germany", "Korea, Republic of"); "" when unknown.
std::string_view CountryName(std::string_view alpha2);
// Whether the country has a postcode system (false for HK, AE, ... and for unknown codes).
bool HasPostcodes(std::string_view country);
// The expected format in words ("5 digits", "4 digits and 2 letters, such as 1234 AB"); for a
// country without postcodes "no postcode"; "" for an unknown country.
std::string_view PostcodeFormat(std::string_view country);

// Whether `postcode` is a postcode of `country` (see above); false for an unknown country.
bool PostcodeValid(std::string_view country, std::string_view postcode);
// The canonical form: trimmed, upper case, white space runs as one space, and the country's
// spacing when the postcode matches one of its formats ("sw1a1aa" -> "SW1A 1AA"). A postcode
// that matches no format comes back only trimmed, upper-cased and with its spaces collapsed.
std::string NormalisePostcode(std::string_view country, std::string_view postcode);

// The field errors of an address's country and postcode, in field order, empty when both are
// fine: {"country", ...} when `country` is not an ISO 3166-1 code or not one of `allowed` (empty:
// any code); {"postcode", "must be <the format>"} when the postcode does not fit the country
// (checked only for a usable country). Pass them on with http::Fields::Add / AddAll.
std::vector<core::FieldError> CheckCountryAndPostcode(std::string_view country, std::string_view postcode,
                                                      const std::vector<std::string>& allowed);

}  // namespace store::address
