// MailDev's REST API for the end-to-end tests (GET /email, DELETE /email/:id): the emails the
// notification service sent to the shared MailDev.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <vector>

namespace e2e {

// Every email with a recipient for which `recipient(address)` is true.
std::vector<boost::json::object> MailsTo(const std::string& maildev, const std::function<bool(const std::string&)>& recipient);
// The newest email to `recipient` whose subject or text part contains `needle` (polls MailDev up
// to 30 s; the notification service's first consumer-group join takes a few seconds); {} if none.
boost::json::object WaitForMail(const std::string& maildev, const std::string& recipient, const std::string& needle);
// The link in an email's text part that starts with `prefix` (up to the end of its line); "" if none.
std::string LinkAfter(const std::string& text, const std::string& prefix);
// The token a link's "?token=" carries, URL-decoded (what the storefront's page reads from its URL).
std::string TokenOf(const std::string& link);
// Deletes the emails of `recipient(address)` (a test leaves the shared MailDev as it found it).
void DeleteMails(const std::string& maildev, const std::function<bool(const std::string&)>& recipient);

}  // namespace e2e
