#include "adapters/smtp_sender.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "domain/catalog.hpp"
#include "domain/mail_format.hpp"
#include "store/config/config.hpp"
#include "store/core/ids.hpp"

namespace store::notification {
using core::Errc;

SmtpOptions SmtpOptions::Declare(config::Loader& cfg) {
  SmtpOptions o;
  o.url = cfg.String("smtp.url", o.url, "SMTP server: smtp://host:port (STARTTLS per smtp.tls) or smtps://host:port",
                     [](const std::string& v) -> std::optional<std::string> {
                       if (v.starts_with("smtp://") || v.starts_with("smtps://")) return std::nullopt;
                       return "must start with smtp:// or smtps://";
                     });
  o.tls = cfg.Choice("smtp.tls", o.tls, {"none", "try", "required"},
                     "STARTTLS: none, try (when the server offers it), required (SES: required)");
  o.verify_peer = cfg.Bool("smtp.verify_peer", o.verify_peer, "Verify the SMTP server's TLS certificate");
  o.username = cfg.String("smtp.username", "", "SMTP AUTH user name (SES: the SMTP credentials' user name); empty: no AUTH");
  o.password = cfg.String("smtp.password", "", "SMTP AUTH password (SES: the SMTP password derived from the IAM key)");
  o.from_address = cfg.String("mail.from", o.from_address, "Sender address (envelope and From header)",
                              [](const std::string& v) -> std::optional<std::string> {
                                if (IsValidEmail(v)) return std::nullopt;
                                return "not an email address";
                              });
  o.from_name = cfg.String("mail.from_name", o.from_name, "Display name in the From header");
  o.reply_to = cfg.String("mail.reply_to", "", "Reply-To address; empty: none",
                          [](const std::string& v) -> std::optional<std::string> {
                            if (v.empty() || IsValidEmail(v)) return std::nullopt;
                            return "not an email address";
                          });
  o.connect_timeout = cfg.Duration("smtp.connect_timeout", o.connect_timeout, "Connecting to the SMTP server");
  o.timeout = cfg.Duration("smtp.timeout", o.timeout, "Sending one message, connection included");
  return o;
}

SmtpSender::SmtpSender(SmtpOptions options) : options_(std::move(options)), curl_(curl_easy_init()) {
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

SmtpSender::~SmtpSender() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

namespace {

// Owns what one transfer allocates.
struct Transfer {
  curl_slist* recipients = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* part_headers = nullptr;
  curl_mime* mime = nullptr;
  ~Transfer() {
    curl_slist_free_all(recipients);
    curl_slist_free_all(headers);
    curl_mime_free(mime);  // frees subparts and the part headers it owns
  }
};

}  // namespace

core::Status SmtpSender::Send(const Email& email) {
  if (!IsValidEmail(email.to)) return core::Fail(Errc::unprocessable, "invalid recipient address");
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);  // keeps the connection cache
  Transfer t;
  char errbuf[CURL_ERROR_SIZE] = {0};

  const std::string from = "<" + options_.from_address + ">";
  const std::string rcpt = "<" + email.to + ">";
  t.recipients = curl_slist_append(nullptr, rcpt.c_str());
  const auto now = std::chrono::system_clock::now();
  std::vector<std::string> lines = {
      "Date: " + RfcDate(now),
      "From: " + Mailbox(options_.from_name, options_.from_address),
      "To: " + Mailbox("", email.to),
      "Subject: " + EncodeHeaderText(email.subject),
      "Message-ID: <" + core::NewUuid() + "@" + std::string(DomainOf(options_.from_address)) + ">",
  };
  if (!options_.reply_to.empty()) lines.push_back("Reply-To: " + Mailbox("", options_.reply_to));
  for (const auto& l : lines) t.headers = curl_slist_append(t.headers, l.c_str());

  // multipart/mixed (curl's top level) > multipart/alternative > text/plain, text/html
  t.mime = curl_mime_init(curl);
  curl_mime* alt = curl_mime_init(curl);
  curl_mimepart* part = curl_mime_addpart(alt);
  curl_mime_data(part, email.text.data(), email.text.size());
  curl_mime_type(part, "text/plain; charset=utf-8");
  curl_mime_encoder(part, "quoted-printable");
  part = curl_mime_addpart(alt);
  curl_mime_data(part, email.html.data(), email.html.size());
  curl_mime_type(part, "text/html; charset=utf-8");
  curl_mime_encoder(part, "quoted-printable");
  part = curl_mime_addpart(t.mime);
  curl_mime_subparts(part, alt);
  curl_mime_type(part, "multipart/alternative");
  t.part_headers = curl_slist_append(nullptr, "Content-Disposition: inline");
  curl_mime_headers(part, t.part_headers, 1);

  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, t.recipients);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, t.headers);
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, t.mime);
  curl_easy_setopt(curl, CURLOPT_USE_SSL, options_.tls == "required" ? CURLUSESSL_ALL
                                          : options_.tls == "try"    ? CURLUSESSL_TRY
                                                                     : CURLUSESSL_NONE);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_peer ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_peer ? 2L : 0L);
  if (!options_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) return {};
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  std::string what = fmt::format("smtp: {}{}{}", curl_easy_strerror(rc), errbuf[0] ? ": " : "", errbuf);
  if (reply >= 500 && reply < 600) return core::Fail(Errc::unprocessable, what);
  if (rc == CURLE_OPERATION_TIMEDOUT) return core::Fail(Errc::timeout, what);
  // 4xx replies, refused/reset connections, TLS handshakes that failed on the way: try later.
  return core::Fail(Errc::unavailable, what);
}

}  // namespace store::notification
