// The catalog: which event becomes which message. Built once at start-up from the mappings
// (event type -> template, recipient fields, channels, links) and the template texts of every
// locale, which adapters/template_files.hpp reads from a templates directory:
//
//   <template>.subject   the subject line (plain text)
//   <template>.txt       the text/plain part
//   <template>.html      the text/html part (every value HTML-escaped)
//   <template>.sms       the SMS body (only for mappings with an sms rule)
//
// Adding an event is adding a template and a mapping entry; nothing else changes.
// Immutable after Create: safe to share between threads.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/template.hpp"
#include "store/core/result.hpp"

namespace store::notification {

inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kSms = "sms";

struct Mapping {
  std::string event_type;
  std::string template_name;
  // Fields of the event data holding the address (dotted paths); the first non-empty one is used.
  std::vector<std::string> email_fields;
  // SMS: sent when the field `sms_phone` holds a phone number and `sms_opt_in` is true.
  std::string sms_phone;   // empty: no SMS for this event
  std::string sms_opt_in;
  // Link variables: name -> path under the public base URL, itself a template whose values are
  // URL-encoded ("/verify-email?token={{token}}").
  std::map<std::string, Template> links;
  // Event fields holding absolute URLs from another system (a carrier's tracking page): kept only
  // when they are http(s) URLs, otherwise removed before rendering.
  std::vector<std::string> external_urls;
};

struct CatalogOptions {
  std::string shop_name = "StoreMicroservices";
  std::string base_url = "http://127.0.0.1:18080";  // public base URL, no trailing slash
  std::string default_locale = "en";
};

// One rendered message for one recipient on one channel.
struct Notification {
  std::string template_name;
  std::string channel;  // "email" or "sms"
  std::string locale;
  std::string recipient;
  std::string subject;  // email only; one line
  std::string text;     // text/plain part, or the SMS body
  std::string html;     // text/html part (email only)
};

// The template texts of every locale: locale -> file name ("welcome.subject") -> text.
using TemplateFiles = std::map<std::string, std::map<std::string, std::string>>;

class Catalog {
 public:
  // Parses the templates each mapping names, in every locale; any error (a missing part, bad
  // syntax, no default locale, an sms rule without .sms texts) is invalid_argument naming the
  // file ("en/welcome.txt: ...").
  static core::Result<Catalog> Create(CatalogOptions options, std::vector<Mapping> mappings, const TemplateFiles& files);

  const Mapping* Find(std::string_view event_type) const;
  std::vector<std::string> EventTypes() const;
  const CatalogOptions& options() const { return options_; }

  // The messages one event produces (an email, and an SMS when the customer opted in).
  // invalid_argument when the data is not an object, the recipient address is missing or
  // invalid, or a phone number is not E.164: the event can never be delivered.
  core::Result<std::vector<Notification>> Build(const Mapping& mapping, const boost::json::value& data) const;

 private:
  struct Parts {
    Template subject, text, html;
    std::optional<Template> sms;
  };
  const Parts* FindParts(const std::string& locale, const std::string& name) const;

  CatalogOptions options_;
  std::map<std::string, Mapping, std::less<>> mappings_;
  std::map<std::string, std::map<std::string, Parts>> templates_;  // locale -> name -> parts
};

// Validation shared with the senders: a single bare address (no display name, no CR/LF, no
// spaces or header-special characters), at most 254 bytes.
bool IsValidEmail(std::string_view address);
// E.164: "+" then 7 to 15 digits, the first not 0.
bool IsValidPhone(std::string_view phone);

}  // namespace store::notification
