// SmsSender for Twilio's Programmable Messaging API (the one provider adapter):
//   POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json
//   Authorization: Basic base64(account_sid:auth_token)
//   Content-Type: application/x-www-form-urlencoded     To=+4915...&From=+1555...&Body=...
//   -> 201 {"sid": "SM...", "status": "queued", ...}
// 429 and 5xx answers and connection problems are transient; any other 4xx (21211 invalid
// 'To', 21610 unsubscribed recipient, 20003 bad credentials) is permanent.
// Not thread-safe: one object per worker thread (the handle keeps its connection).
#pragma once

#include <chrono>
#include <string>

#include "app/ports.hpp"

namespace store::config {
class Loader;
}

namespace store::notification {

struct TwilioOptions {
  bool enabled = false;
  std::string base_url = "https://api.twilio.com";
  std::string account_sid, auth_token;
  std::string from;  // E.164 sender number
  std::chrono::milliseconds timeout{10000};
  static TwilioOptions Declare(config::Loader& cfg);
};

class TwilioSmsSender final : public SmsSender {
 public:
  explicit TwilioSmsSender(TwilioOptions options);
  ~TwilioSmsSender() override;
  core::Status Send(std::string_view to, std::string_view body) override;

 private:
  TwilioOptions options_;
  void* curl_;  // CURL*
};

}  // namespace store::notification
