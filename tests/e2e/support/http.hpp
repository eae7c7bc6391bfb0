// A small synchronous HTTP client for the end-to-end tests (libcurl): byte-exact bodies, every
// response header, a chosen SOURCE address (any 127.x.y.z: each test is "another client IP" for
// the gateway's per-IP limits), optional cookie jar and redirect following (the OpenID login).
#pragma once

#include <curl/curl.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace e2e {

struct HttpResponse {
  long status = 0;                                   // 0: no answer (connection failed)
  std::string body;
  std::multimap<std::string, std::string> headers;   // names lower-cased, last response only
  std::string effective_url;                         // after redirects
  std::string error;                                 // curl's error when status == 0
  double seconds = 0;                                // total time

  std::optional<std::string> Header(const std::string& lower_name) const;
};

// Every member has a default initializer, so designated initializers may leave any out (g++ 12's
// -Wmissing-field-initializers warns about a member without one).
struct HttpRequest {
  std::string method = "GET";
  std::string url = {};
  std::vector<std::string> headers = {};             // "Name: value"
  std::optional<std::string> body = {};
  std::string content_type = "application/json";     // when a body is set
};

class HttpClient {
 public:
  // source_ip: the local address to connect from ("" = the kernel's choice, 127.0.0.1).
  explicit HttpClient(std::string source_ip = "", bool cookies_and_redirects = false);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse Send(const HttpRequest& request);
  HttpResponse Get(const std::string& url, std::vector<std::string> headers = {});
  HttpResponse Post(const std::string& url, std::string body, std::vector<std::string> headers = {});
  HttpResponse PostForm(const std::string& url, const std::string& form);  // form: already encoded
  std::string Escape(const std::string& text);                              // percent-encoding
  // Redirects followed so far are not listed; the last Location is in the response headers.
  void set_follow_redirects(bool on) { follow_ = on; }

 private:
  CURL* curl_;
  std::string source_ip_;
  bool follow_;
};

// "Authorization: Bearer <token>"
std::string Bearer(const std::string& token);
// A distinct loopback source address for each call: 127.<pid-based>.<n>.<m>.
std::string NextLoopbackIp();

}  // namespace e2e
