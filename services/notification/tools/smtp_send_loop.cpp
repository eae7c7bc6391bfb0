// store_smtp_send_loop: the benchmark's reference — sends COUNT emails straight to an SMTP server
// with the service's own SmtpSender (libcurl, one connection per thread), no Kafka, no database.
// The messages are the ones the service sends for the benchmark's events: the welcome email of
// user.registered.v1, rendered from the service's templates before the clock starts (an SMTP
// server's cost per message depends on what it parses: MailDev takes a 1.8 KB message of
// repeated letters faster than the real, linked HTML email).
//   store_smtp_send_loop smtp://127.0.0.1:11025 COUNT [THREADS]
// Prints one JSON line: {"sent": N, "failed": F, "seconds": S, "per_second": R}.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <curl/curl.h>

#include <boost/json.hpp>

#include "adapters/smtp_sender.hpp"
#include "adapters/template_files.hpp"
#include "store/core/ids.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: store_smtp_send_loop SMTP_URL COUNT [THREADS]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  store::notification::SmtpOptions o;
  o.url = argv[1];
  o.tls = "none";
  const long count = std::atol(argv[2]);
  const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  std::atomic<long> next{0}, sent{0}, failed{0};
  // What the service renders for the benchmark's events (tools/event_publisher.cpp), with the
  // shop name and base URL of its defaults.
  auto catalog = store::notification::LoadCatalog(STORE_NOTIFICATION_DIR "/templates",
                                                  {"StoreMicroservices", "http://127.0.0.1:18080", "en"});
  if (!catalog) {
    std::fprintf(stderr, "templates: %s\n", catalog.error().message.c_str());
    return 1;
  }
  const auto* mapping = catalog->Find("user.registered.v1");
  std::vector<store::notification::Email> emails;
  emails.reserve(static_cast<std::size_t>(count));
  for (long i = 0; i < count; ++i) {
    boost::json::object data{{"user_id", store::core::NewUuid()},
                             {"email", "bench-ref-" + std::to_string(i) + "@example.com"},
                             {"name", "Bench User " + std::to_string(i)},
                             {"locale", "en"},
                             {"method", "password"},
                             {"email_verified", false}};
    auto built = catalog->Build(*mapping, data);
    if (!built) {
      std::fprintf(stderr, "render: %s\n", built.error().message.c_str());
      return 1;
    }
    const auto& n = built->front();
    emails.push_back({n.recipient, n.subject, n.text, n.html});
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      store::notification::SmtpSender sender(o);
      for (long i = next++; i < count; i = next++) {
        if (sender.Send(emails[static_cast<std::size_t>(i)])) ++sent;
        else ++failed;
      }
    });
  }
  for (auto& t : pool) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"sent\": %ld, \"failed\": %ld, \"seconds\": %.3f, \"per_second\": %.1f}\n", sent.load(), failed.load(),
              secs, sent.load() / secs);
  return failed.load() == 0 ? 0 : 1;
}
