// store_smtp_send_loop: the benchmark's reference — sends COUNT emails straight to an SMTP server
// with the service's own SmtpSender (libcurl, one connection per thread), no Kafka, no database.
//   store_smtp_send_loop smtp://127.0.0.1:11025 COUNT [THREADS]
// Prints one JSON line: {"sent": N, "failed": F, "seconds": S, "per_second": R}.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <curl/curl.h>

#include "adapters/smtp_sender.hpp"

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
  const std::string text(600, 'x');
  const std::string html = "<p>" + std::string(1200, 'y') + "</p>";
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      store::notification::SmtpSender sender(o);
      for (long i = next++; i < count; i = next++) {
        store::notification::Email e{"bench-" + std::to_string(i) + "@example.com", "Reference message", text, html};
        if (sender.Send(e, {})) ++sent;
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
