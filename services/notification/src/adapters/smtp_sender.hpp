// EmailSender over SMTP with libcurl: STARTTLS (CURLOPT_USE_SSL), AUTH with a user name and
// password, a multipart/alternative body (text/plain + text/html, quoted-printable, UTF-8) built
// with curl_mime, and the headers Date, From, To, Reply-To, Subject (RFC 2047 when not ASCII)
// and Message-ID. The easy handle is kept between messages, so its SMTP connection is reused.
//
// Reply classification: any 4xx reply (421, 450, 451, 452 ...) and connection problems
// (refused, timeout, reset) are transient (Errc::unavailable / timeout); a 5xx reply (550, 553,
// 535 ...) is permanent (Errc::unprocessable).
// Not thread-safe: one object per worker thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/ports.hpp"

namespace store::config {
class Loader;
}

namespace store::notification {

struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:11025";   // smtp://host:port (smtps:// for implicit TLS)
  std::string tls = "try";                      // none | try (STARTTLS if offered) | required
  bool verify_peer = true;                      // check the server certificate (TLS)
  std::string username, password;               // empty: no AUTH
  std::string from_address = "shop@store.local";
  std::string from_name = "StoreMicroservices";
  std::string reply_to;                         // empty: no Reply-To header
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};     // a whole message
  static SmtpOptions Declare(config::Loader& cfg);
};

class SmtpSender final : public EmailSender {
 public:
  explicit SmtpSender(SmtpOptions options);
  ~SmtpSender() override;
  core::Status Send(const Email& email) override;

 private:
  SmtpOptions options_;
  void* curl_;  // CURL*
};

}  // namespace store::notification
