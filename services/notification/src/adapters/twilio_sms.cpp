#include "adapters/twilio_sms.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include "domain/catalog.hpp"
#include "domain/template.hpp"
#include "store/config/config.hpp"
#include "store/core/text.hpp"

namespace store::notification {
using core::Errc;

TwilioOptions TwilioOptions::Declare(config::Loader& cfg) {
  TwilioOptions o;
  o.enabled = cfg.Choice("sms.provider", "none", {"none", "twilio"}, "SMS provider; none: SMS messages are not sent") ==
              "twilio";
  o.base_url = cfg.String("sms.base_url", o.base_url, "Twilio API base URL (a local stand-in in tests)");
  o.account_sid = cfg.String("sms.account_sid", "", "Twilio Account SID");
  o.auth_token = cfg.String("sms.auth_token", "", "Twilio auth token");
  o.from = cfg.String("sms.from", "", "Sender phone number (E.164)",
                      [](const std::string& v) -> std::optional<std::string> {
                        if (v.empty() || IsValidPhone(v)) return std::nullopt;
                        return "not an E.164 number";
                      });
  o.timeout = cfg.Duration("sms.timeout", o.timeout, "One request to the SMS provider");
  return o;
}

TwilioSmsSender::TwilioSmsSender(TwilioOptions options) : options_(std::move(options)), curl_(curl_easy_init()) {
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

TwilioSmsSender::~TwilioSmsSender() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

namespace {
std::size_t Collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}
}  // namespace

core::Status TwilioSmsSender::Send(std::string_view to, std::string_view body) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  const std::string url = fmt::format("{}/2010-04-01/Accounts/{}/Messages.json", options_.base_url, options_.account_sid);
  const std::string form =
      fmt::format("To={}&From={}&Body={}", core::PercentEncode(to), core::PercentEncode(options_.from), core::PercentEncode(body));
  std::string response;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(curl, CURLOPT_USERNAME, options_.account_sid.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.auth_token.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    std::string what = fmt::format("sms: {}{}{}", curl_easy_strerror(rc), errbuf[0] ? ": " : "", errbuf);
    return core::Fail(rc == CURLE_OPERATION_TIMEDOUT ? Errc::timeout : Errc::unavailable, what);
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return {};
  std::string what = fmt::format("sms: HTTP {}: {}", status, core::TruncateUtf8(response, 300));
  if (status == 429 || status >= 500) return core::Fail(Errc::unavailable, what);
  return core::Fail(Errc::unprocessable, what);
}

}  // namespace store::notification
