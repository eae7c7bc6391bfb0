// Event contracts in tests: checks an event's `data` against contracts/events/<topic>.schema.json,
// the one source of truth between services. The subset of JSON Schema the contracts use:
// required, and per property type (or a list of types), enum, minimum, format date-time.
//
//   store::testing::ExpectEventMatchesSchema("stock.changed.v1", data);  // a failure per violation
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace store::testing {

// contracts/ of the source tree this library was built from.
std::string ContractsDir();
// Every way `data` breaks the topic's schema ("stock.changed.v1.available: -1 is below 0"); empty
// when it matches. A missing or unreadable schema is one violation.
std::vector<std::string> EventSchemaViolations(const std::string& topic, const boost::json::object& data);
// A GoogleTest failure for each violation.
void ExpectEventMatchesSchema(const std::string& topic, const boost::json::object& data);

}  // namespace store::testing
