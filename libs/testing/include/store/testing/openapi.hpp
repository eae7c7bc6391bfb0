// An OpenAPI 3.1 document (contracts/openapi/<service>.yaml) read with yaml-cpp, reduced to what the
// contract tests check: each path + method with its documented statuses, parameters, example
// request body and security. One reader for every service's contract test.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace store::testing {

struct OpenApiParameter {
  std::string name;
  std::string in;                      // path | query | header | cookie
  std::optional<std::string> example;  // its `example`, as text
};

struct OpenApiOperation {
  std::string path;    // as documented: /v1/products/{id}
  std::string method;  // lower case: get, post, put, patch, delete
  std::set<int> statuses;
  std::vector<OpenApiParameter> parameters;
  bool has_request_body = false;
  std::vector<std::string> request_media_types;  // requestBody.content keys: application/json, ...
  boost::json::value request_example;  // requestBody.content.application/json.example (null: none)
  bool secured = false;                // the operation's `security` (else the document's) is not empty
  bool anonymous_allowed = false;      // ... with more than one alternative (e.g. [{bearer: []}, {}])
  std::string role;                    // x-role ("" when absent)

  std::string Verb() const;  // upper case: GET, POST, ...
  // The path with each path parameter replaced by its example; "?name=example&..." of the query
  // parameters that have one.
  std::string ExamplePath() const;
  std::string ExampleQuery() const;
};

struct OpenApi {
  std::string version;  // the `openapi` field: 3.1.0
  std::vector<OpenApiOperation> operations;  // in document order

  // path -> method -> statuses, for the "every route and method, nothing else" checks.
  std::map<std::string, std::map<std::string, std::set<int>>> Routes() const;
};

// Reads the document; throws (yaml-cpp's exception) when it cannot be read or parsed, and
// std::runtime_error for a response key that is not a three-digit status ("default", "4XX"):
// such a key would document every status, and the contract tests could not catch drift.
OpenApi ReadOpenApi(const std::string& file);

// The methods the contract tests probe (lower case) and their upper-case form.
const std::vector<std::string>& HttpMethods();  // get, post, put, patch, delete
std::string UpperCase(std::string s);

// A templated path made concrete: each {name} is replaced by values[name], or by `fallback` when
// values has no entry for it.
std::string ConcretePath(const std::string& templated, const std::map<std::string, std::string>& values,
                         const std::string& fallback);

}  // namespace store::testing
