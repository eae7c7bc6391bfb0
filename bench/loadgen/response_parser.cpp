#include "response_parser.hpp"

#include <algorithm>
#include <charconv>

namespace store::loadgen {
namespace {

constexpr std::size_t kMaxLine = 8192;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);  // ASCII letters only; good enough for header names/tokens
         });
}

bool IContains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (IEquals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace


bool ResponseParser::ParseHead(std::string_view head) {
  // "HTTP/1.1 200 OK"
  if (head.size() < 12 || head.substr(0, 7) != "HTTP/1." || head[8] != ' ') {
    error_ = "bad status line";
    return false;
  }
  bool http10 = head[7] == '0';
  keep_alive_ = !http10;
  auto code = head.substr(9, 3);
  if (std::from_chars(code.data(), code.data() + 3, status_code_).ptr != code.data() + 3 || status_code_ < 100) {
    error_ = "bad status code";
    return false;
  }
  if (status_code_ < 200) {
    error_ = "interim (1xx) responses are not supported";
    return false;
  }

  bool have_length = false;
  std::size_t pos = head.find("\r\n") + 2;
  while (pos < head.size()) {
    std::size_t eol = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      error_ = "header line without ':'";
      return false;
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(name, "content-length")) {
      std::uint64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || (have_length && n != remaining_)) {
        error_ = "bad Content-Length";
        return false;
      }
      have_length = true;
      remaining_ = n;
    } else if (IEquals(name, "transfer-encoding")) {
      if (!IEquals(value, "chunked")) {
        error_ = "unsupported Transfer-Encoding (only chunked)";
        return false;
      }
      chunked_ = true;
    } else if (IEquals(name, "connection")) {
      if (IContains(value, "close")) keep_alive_ = false;
      if (IContains(value, "keep-alive")) keep_alive_ = true;
    }
  }

  if (chunked_) {
    remaining_ = 0;  // Transfer-Encoding wins over Content-Length (RFC 9112 6.3)
  } else if (status_code_ == 204 || status_code_ == 304) {
    remaining_ = 0;
  } else if (!have_length) {
    error_ = "response has neither Content-Length nor chunked encoding (read-until-close is not supported)";
    return false;
  }
  return true;
}

ResponseParser::Step ResponseParser::Feed(std::string_view in) {
  std::size_t pos = 0;
  for (;;) {
    switch (state_) {
      case State::kHead: {
        std::size_t end = in.find("\r\n\r\n", pos);
        if (end == std::string_view::npos) return {Status::kNeedMore, pos};
        if (!ParseHead(in.substr(pos, end + 4 - pos))) return {Status::kError, 0};
        pos = end + 4;
        if (chunked_) {
          state_ = State::kChunkSize;
        } else if (remaining_ == 0) {
          return {Status::kDone, pos};
        } else {
          state_ = State::kBody;
        }
        break;
      }
      case State::kBody: {
        std::size_t n = std::min<std::uint64_t>(remaining_, in.size() - pos);
        pos += n;
        remaining_ -= n;
        return {remaining_ == 0 ? Status::kDone : Status::kNeedMore, pos};
      }
      case State::kChunkSize: {
        std::size_t eol = in.find("\r\n", pos);
        if (eol == std::string_view::npos) {
          if (in.size() - pos > kMaxLine) return Fail("chunk size line too long");
          return {Status::kNeedMore, pos};
        }
        std::string_view line = in.substr(pos, eol - pos);
        line = line.substr(0, line.find(';'));  // chunk extensions are ignored
        line = Trim(line);
        auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), remaining_, 16);
        if (line.empty() || ec != std::errc() || end != line.data() + line.size()) return Fail("bad chunk size");
        pos = eol + 2;
        state_ = remaining_ == 0 ? State::kTrailer : State::kChunkData;
        break;
      }
      case State::kChunkData: {
        std::size_t n = std::min<std::uint64_t>(remaining_, in.size() - pos);
        pos += n;
        remaining_ -= n;
        if (remaining_ > 0) return {Status::kNeedMore, pos};
        state_ = State::kChunkDataEnd;
        break;
      }
      case State::kChunkDataEnd: {
        if (in.size() - pos < 2) return {Status::kNeedMore, pos};
        if (in.substr(pos, 2) != "\r\n") return Fail("chunk data not followed by CRLF");
        pos += 2;
        state_ = State::kChunkSize;
        break;
      }
      case State::kTrailer: {
        std::size_t eol = in.find("\r\n", pos);
        if (eol == std::string_view::npos) {
          if (in.size() - pos > kMaxLine) return Fail("trailer line too long");
          return {Status::kNeedMore, pos};
        }
        bool last = eol == pos;
        pos = eol + 2;
        if (last) return {Status::kDone, pos};
        break;
      }
    }
  }
}

}  // namespace store::loadgen
