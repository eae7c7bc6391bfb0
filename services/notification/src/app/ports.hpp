// What the dispatcher needs from the outside world: a way to send an email and an SMS.
// A failure is a core::Error: unavailable/timeout (core::IsTransient) is worth retrying later
// (server down, 4xx temporary reply, 429), anything else is permanent (5xx reply, rejected
// recipient) and the message is never retried automatically.
// A sender object is used by one worker thread at a time (it may keep a connection open).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "store/core/result.hpp"

namespace store::notification {

struct Email {
  std::string to;
  std::string subject;
  std::string text;
  std::string html;
};

// Called by an EmailSender once the whole message went to the server except its end-of-data
// mark: the last moment at which the server has not accepted the message yet. The dispatcher
// records the hand-over there, so a crash on either side of that point is told apart after a
// restart (before: never accepted, send again; after: accepted, do not send twice). An error
// aborts the transfer (the server discards the message; Send fails transiently).
using HandOver = std::function<core::Status()>;

class EmailSender {
 public:
  virtual ~EmailSender() = default;
  // hand_over may be empty (no hand-over point wanted).
  virtual core::Status Send(const Email& email, const HandOver& hand_over) = 0;
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  // to: E.164 number.
  virtual core::Status Send(std::string_view to, std::string_view body) = 0;
};

// One sender per worker thread.
using EmailSenderFactory = std::function<std::unique_ptr<EmailSender>()>;
using SmsSenderFactory = std::function<std::unique_ptr<SmsSender>()>;  // empty: SMS disabled

}  // namespace store::notification
