#include "http.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <stdexcept>

namespace e2e {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
CurlGlobal& Global() {
  static CurlGlobal g;
  return g;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::multimap<std::string, std::string>*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after a redirect or a 100 Continue)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  auto begin = value.find_first_not_of(" \t");
  auto end = value.find_last_not_of(" \t\r\n");
  value = begin == std::string::npos ? "" : value.substr(begin, end - begin + 1);
  headers->emplace(std::move(name), std::move(value));
  return size * n;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

HttpClient::HttpClient(std::string source_ip, bool cookies_and_redirects)
    : source_ip_(std::move(source_ip)), follow_(cookies_and_redirects) {
  Global();
  curl_ = curl_easy_init();
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
  if (cookies_and_redirects) curl_easy_setopt(curl_, CURLOPT_COOKIEFILE, "");  // in-memory jar
}

HttpClient::~HttpClient() { curl_easy_cleanup(curl_); }

HttpResponse HttpClient::Send(const HttpRequest& request) {
  HttpResponse out;
  curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
  // GET and POST through curl's own modes: a custom method would stick to redirects too (a POST
  // answered by 303 must continue as a GET, as browsers do).
  const bool is_get = request.method == "GET", is_post = request.method == "POST";
  curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, is_get || is_post ? nullptr : request.method.c_str());
  curl_easy_setopt(curl_, CURLOPT_NOBODY, request.method == "HEAD" ? 1L : 0L);
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, follow_ ? 1L : 0L);
  curl_easy_setopt(curl_, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl_, CURLOPT_POSTREDIR, 0L);  // a 303 after a POST becomes a GET (browsers do)
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 20000L);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &out.headers);
  if (!source_ip_.empty()) curl_easy_setopt(curl_, CURLOPT_INTERFACE, ("host!" + source_ip_).c_str());
  curl_slist* list = nullptr;
  for (const auto& h : request.headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  static const std::string kEmpty;
  if (request.body || is_post) {
    const std::string& body = request.body ? *request.body : kEmpty;
    if (request.body) list = curl_slist_append(list, ("Content-Type: " + request.content_type).c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
  } else {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    if (!is_get) curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(curl_);
  curl_slist_free_all(list);
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
  if (rc != CURLE_OK) {
    out.error = curl_easy_strerror(rc);
    return out;
  }
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &out.status);
  char* url = nullptr;
  curl_easy_getinfo(curl_, CURLINFO_EFFECTIVE_URL, &url);
  if (url) out.effective_url = url;
  curl_easy_getinfo(curl_, CURLINFO_TOTAL_TIME, &out.seconds);
  return out;
}

HttpResponse HttpClient::Get(const std::string& url, std::vector<std::string> headers) {
  return Send({.method = "GET", .url = url, .headers = std::move(headers)});
}

HttpResponse HttpClient::Post(const std::string& url, std::string body, std::vector<std::string> headers) {
  return Send({.method = "POST", .url = url, .headers = std::move(headers), .body = std::move(body)});
}

std::string HttpClient::Escape(const std::string& text) {
  char* e = curl_easy_escape(curl_, text.data(), static_cast<int>(text.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

HttpResponse HttpClient::PostForm(const std::string& url, const std::string& form) {
  return Send({.method = "POST", .url = url, .body = form, .content_type = "application/x-www-form-urlencoded"});
}

std::string Bearer(const std::string& token) { return "Authorization: Bearer " + token; }

std::string NextLoopbackIp() {
  static std::atomic<int> n{0};
  int i = n.fetch_add(1) + 1;
  // 127.A.B.C with A from the pid (parallel test binaries use different addresses), B.C from i.
  int a = 10 + static_cast<int>(getpid() % 240);
  return "127." + std::to_string(a) + "." + std::to_string((i / 250) % 250) + "." + std::to_string(i % 250 + 2);
}

}  // namespace e2e
