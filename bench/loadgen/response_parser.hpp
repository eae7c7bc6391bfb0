// Incremental parser for one HTTP/1.1 response at a time on a keep-alive connection (the load
// generator never pipelines). Understands the status line, Content-Length, Connection and
// Transfer-Encoding: chunked; a body delimited only by closing the connection is rejected.
// Bodies are skipped, not stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace store::loadgen {

class ResponseParser {
 public:
  enum class Status { kNeedMore, kDone, kError };
  struct Step {
    Status status;
    std::size_t consumed;  // bytes of the input used; the caller drops them
  };

  // Feeds the bytes received so far that were not consumed by an earlier call. A header block
  // is only parsed once it is complete, so unconsumed bytes must be offered again with more.
  Step Feed(std::string_view in);

  // Ready for the next response on the same connection.
  void Reset() { *this = ResponseParser(); }

  int status_code() const { return status_code_; }
  bool keep_alive() const { return keep_alive_; }
  const char* error() const { return error_; }

 private:
  enum class State { kHead, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailer };

  bool ParseHead(std::string_view head);
  Step Fail(const char* why) {
    error_ = why;
    return {Status::kError, 0};
  }

  State state_ = State::kHead;
  int status_code_ = 0;
  bool keep_alive_ = true;
  bool chunked_ = false;
  std::uint64_t remaining_ = 0;  // body or chunk bytes still to skip
  const char* error_ = "";
};

}  // namespace store::loadgen
