// Result<T>: the one way expected failures travel. Errors are values (std::expected), one
// error-code enum for the whole project, mapped to an HTTP status in ONE place (HttpStatusOf).
// Thread-safety: plain values. Exceptions are for start-up failures only.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace store::core {

enum class Errc {
  invalid_argument,     // 400: the request is malformed or a field is invalid
  unauthenticated,      // 401
  forbidden,            // 403
  not_found,            // 404
  method_not_allowed,   // 405
  conflict,             // 409: state conflict, duplicate, stale version
  precondition_failed,  // 412: If-Match did not match
  payload_too_large,    // 413
  unsupported_media_type,  // 415
  unprocessable,        // 422: well-formed but breaks a business rule
  too_many_requests,    // 429
  header_too_large,     // 431
  internal,             // 500: a bug; the message is never shown to a client
  unavailable,          // 503: a dependency is down; retry later
  timeout,              // 504: a dependency did not answer in time
};

// A field-level validation problem, reported in problem+json "errors".
struct FieldError {
  std::string field;
  std::string message;
};

// An expected failure. Besides its code and message it carries what the one error map needs to
// answer it completely (libs/http turns it into problem+json): field errors for 400/422, the
// Retry-After of a 429/503, the Allow list of a 405. A 5xx never shows `message` to a client.
struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::vector<FieldError> fields = {};
  std::optional<std::chrono::seconds> retry_after = {};  // -> Retry-After (429, 503)
  std::string allow = {};                                // -> Allow (405), e.g. "GET, POST"

  static Error Invalid(std::string message, std::vector<FieldError> fields = {}) {
    return {Errc::invalid_argument, std::move(message), std::move(fields)};
  }
  static Error Unprocessable(std::string message, std::vector<FieldError> fields = {}) {
    return {Errc::unprocessable, std::move(message), std::move(fields)};
  }
  static Error NotFound(std::string message) { return {Errc::not_found, std::move(message)}; }
  static Error Conflict(std::string message) { return {Errc::conflict, std::move(message)}; }
  static Error Unavailable(std::string message) { return {Errc::unavailable, std::move(message)}; }
  static Error Internal(std::string message) { return {Errc::internal, std::move(message)}; }
  static Error TooManyRequests(std::string message, std::chrono::seconds retry_after) {
    return {Errc::too_many_requests, std::move(message), {}, retry_after};
  }
  static Error MethodNotAllowed(std::string message, std::string allow) {
    return {Errc::method_not_allowed, std::move(message), {}, {}, std::move(allow)};
  }
};

template <class T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> Fail(Errc code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}
inline std::unexpected<Error> Fail(Error e) { return std::unexpected(std::move(e)); }

// The one map from error code to HTTP status and problem+json title.
int HttpStatusOf(Errc code);
std::string_view TitleOf(Errc code);
std::string_view NameOf(Errc code);
// True for errors worth retrying (a dependency was down or slow).
bool IsTransient(Errc code);

}  // namespace store::core

#define STORE_CAT_(a, b) a##b
#define STORE_CAT(a, b) STORE_CAT_(a, b)

// TRY(var, expr): evaluate a Result, return its error from the enclosing function, else bind.
#define TRY(var, expr)                                                  \
  auto STORE_CAT(try_r_, __LINE__) = (expr);                            \
  if (!STORE_CAT(try_r_, __LINE__))                                     \
    return std::unexpected(std::move(STORE_CAT(try_r_, __LINE__).error())); \
  auto var = std::move(*STORE_CAT(try_r_, __LINE__))

// TRY_STATUS(expr): the same for a Result<void>.
#define TRY_STATUS(expr)                                                \
  do {                                                                  \
    auto try_s_ = (expr);                                               \
    if (!try_s_) return std::unexpected(std::move(try_s_.error()));     \
  } while (0)

// CO_TRY / CO_TRY_STATUS: the same inside a coroutine returning awaitable<Result<...>>.
#define CO_TRY(var, expr)                                               \
  auto STORE_CAT(try_r_, __LINE__) = (expr);                            \
  if (!STORE_CAT(try_r_, __LINE__))                                     \
    co_return std::unexpected(std::move(STORE_CAT(try_r_, __LINE__).error())); \
  auto var = std::move(*STORE_CAT(try_r_, __LINE__))

#define CO_TRY_STATUS(expr)                                             \
  do {                                                                  \
    auto try_s_ = (expr);                                               \
    if (!try_s_) co_return std::unexpected(std::move(try_s_.error()));  \
  } while (0)
