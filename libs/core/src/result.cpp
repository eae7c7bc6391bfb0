#include "store/core/result.hpp"

namespace store::core {

int HttpStatusOf(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return 400;
    case Errc::unauthenticated: return 401;
    case Errc::forbidden: return 403;
    case Errc::not_found: return 404;
    case Errc::method_not_allowed: return 405;
    case Errc::conflict: return 409;
    case Errc::precondition_failed: return 412;
    case Errc::payload_too_large: return 413;
    case Errc::unsupported_media_type: return 415;
    case Errc::unprocessable: return 422;
    case Errc::too_many_requests: return 429;
    case Errc::header_too_large: return 431;
    case Errc::internal: return 500;
    case Errc::unavailable: return 503;
    case Errc::timeout: return 504;
  }
  return 500;
}

std::string_view TitleOf(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "Bad Request";
    case Errc::unauthenticated: return "Unauthorized";
    case Errc::forbidden: return "Forbidden";
    case Errc::not_found: return "Not Found";
    case Errc::method_not_allowed: return "Method Not Allowed";
    case Errc::conflict: return "Conflict";
    case Errc::precondition_failed: return "Precondition Failed";
    case Errc::payload_too_large: return "Content Too Large";
    case Errc::unsupported_media_type: return "Unsupported Media Type";
    case Errc::unprocessable: return "Unprocessable Content";
    case Errc::too_many_requests: return "Too Many Requests";
    case Errc::header_too_large: return "Request Header Fields Too Large";
    case Errc::internal: return "Internal Server Error";
    case Errc::unavailable: return "Service Unavailable";
    case Errc::timeout: return "Gateway Timeout";
  }
  return "Internal Server Error";
}

std::string_view NameOf(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::unauthenticated: return "unauthenticated";
    case Errc::forbidden: return "forbidden";
    case Errc::not_found: return "not_found";
    case Errc::method_not_allowed: return "method_not_allowed";
    case Errc::conflict: return "conflict";
    case Errc::precondition_failed: return "precondition_failed";
    case Errc::payload_too_large: return "payload_too_large";
    case Errc::unsupported_media_type: return "unsupported_media_type";
    case Errc::unprocessable: return "unprocessable";
    case Errc::too_many_requests: return "too_many_requests";
    case Errc::header_too_large: return "header_too_large";
    case Errc::internal: return "internal";
    case Errc::unavailable: return "unavailable";
    case Errc::timeout: return "timeout";
  }
  return "internal";
}

bool IsTransient(Errc code) { return code == Errc::unavailable || code == Errc::timeout; }

}  // namespace store::core
