#include "store/log/trace.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "store/core/ids.hpp"

namespace store::log {
namespace {

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
bool AllZeros(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

}  // namespace

std::string TraceContext::Header() const { return fmt::format("00-{}-{}-{}", trace_id, span_id, flags); }

std::optional<TraceContext> ParseTraceparent(std::string_view h) {
  // version(2) - trace-id(32) - parent-id(16) - flags(2); later versions may append fields.
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  std::string_view version = h.substr(0, 2), trace = h.substr(3, 32), parent = h.substr(36, 16),
                   flags = h.substr(53, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" && h.size() != 55) return std::nullopt;
  if (version != "00" && h.size() > 55 && h[55] != '-') return std::nullopt;
  if (!IsLowerHex(trace) || !IsLowerHex(parent) || !IsLowerHex(flags)) return std::nullopt;
  if (AllZeros(trace) || AllZeros(parent)) return std::nullopt;
  return TraceContext{std::string(trace), std::string(parent), {}, std::string(flags)};
}

TraceContext TraceContext::Continue(std::string_view traceparent) {
  if (auto in = ParseTraceparent(traceparent)) {
    return TraceContext{std::move(in->trace_id), core::RandomHex(8), std::move(in->span_id), std::move(in->flags)};
  }
  return NewTrace();
}

TraceContext TraceContext::NewTrace() { return TraceContext{core::RandomHex(16), core::RandomHex(8), {}, "01"}; }

TraceContext TraceContext::Child() const { return TraceContext{trace_id, core::RandomHex(8), span_id, flags}; }

Context TraceContext::ToLogContext() const { return Context{"", trace_id, span_id}; }

}  // namespace store::log
