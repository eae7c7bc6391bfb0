#include "store/messaging/message.hpp"

namespace store::messaging {

OutgoingMessage EventMessage(std::string topic, std::string key, const Event& event,
                             const std::optional<log::TraceContext>& trace) {
  OutgoingMessage m{std::move(topic), std::move(key), EncodeEvent(event), {}};
  m.headers.emplace_back(kEventIdHeader, event.event_id);
  if (trace) m.headers.emplace_back(kTraceParentHeader, trace->Header());
  return m;
}

std::optional<std::string_view> Message::Header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it)
    if (it->first == name) return std::string_view(it->second);
  return std::nullopt;
}

std::optional<log::TraceContext> Message::Trace() const {
  auto h = Header(kTraceParentHeader);
  return h ? log::ParseTraceparent(*h) : std::nullopt;
}

log::Context Message::LogContext() const {
  auto t = Trace();
  return t ? t->ToLogContext() : log::Context{};
}

}  // namespace store::messaging
