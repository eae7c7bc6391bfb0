#include "maildev.hpp"

#include <boost/json/parse.hpp>
#include <optional>

#include "http.hpp"
#include "process.hpp"

namespace e2e {

namespace {

std::string Text(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::vector<boost::json::object> MailsTo(const std::string& maildev, const std::function<bool(const std::string&)>& recipient) {
  std::vector<boost::json::object> out;
  auto r = HttpClient().Get(maildev + "/email");
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (r.status != 200 || ec || !v.is_array()) return out;
  for (const auto& m : v.as_array()) {
    const auto* to = m.is_object() ? m.as_object().if_contains("to") : nullptr;
    if (!to || !to->is_array()) continue;
    for (const auto& a : to->as_array())
      if (a.is_object() && recipient(Text(a.as_object(), "address"))) {
        out.push_back(m.as_object());
        break;
      }
  }
  return out;
}

boost::json::object WaitForMail(const std::string& maildev, const std::string& recipient, const std::string& needle) {
  std::optional<boost::json::object> found;
  WaitUntil(
      [&] {
        for (auto& m : MailsTo(maildev, [&](const std::string& a) { return a == recipient; }))
          if (Text(m, "subject").find(needle) != std::string::npos || Text(m, "text").find(needle) != std::string::npos)
            found = std::move(m);
        return found.has_value();
      },
      std::chrono::seconds(30));
  return found.value_or(boost::json::object{});
}

void DeleteMails(const std::string& maildev, const std::function<bool(const std::string&)>& recipient) {
  for (const auto& m : MailsTo(maildev, recipient)) HttpClient().Send({.method = "DELETE", .url = maildev + "/email/" + Text(m, "id")});
}

std::string LinkAfter(const std::string& text, const std::string& prefix) {
  auto at = text.find(prefix);
  if (at == std::string::npos) return "";
  auto end = text.find_first_of(" \r\n", at);
  return text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::string TokenOf(const std::string& link) {
  auto at = link.find("?token=");
  if (at == std::string::npos) return "";
  std::string out;
  const std::string_view s = std::string_view(link).substr(at + 7);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace e2e
