// store_loadgen: an open-model HTTP/1.1 load generator (see README.md).
//   store_loadgen --url http://127.0.0.1:8080/v1/hello --rate 20000 --duration 10 [--connections 64]
//                 [--warmup 1] [--drain 2] [--json]
#include <netdb.h>

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "loadgen.hpp"

namespace lg = store::loadgen;

namespace {

constexpr const char* kUsage =
    "usage: store_loadgen --url http://HOST[:PORT]/PATH --rate REQ_PER_S --duration SECONDS\n"
    "                     [--connections N (64)] [--warmup SECONDS (1)] [--drain SECONDS (2)] [--json]\n"
    "                     [--method GET] [--header 'Name: value']... [--body TEXT]\n"
    "                     [--header-cycle FILE]   (request i adds line i mod n of FILE as a header)\n"
    "Sends REQ_PER_S evenly spaced requests (GET unless --method) over N keep-alive connections for SECONDS after a\n"
    "warm-up, and reports throughput, errors and latency measured from each request's intended\n"
    "send time (open model, no coordinated omission). Durations take an optional s/ms/m suffix,\n"
    "counts an optional k (--rate 50k).\n";

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr, "store_loadgen: %s\n%s", problem.c_str(), kUsage);
  std::exit(2);
}

// A number followed by one of the allowed suffixes (the empty suffix means unit 1).
double ParseWithUnit(std::string_view flag, std::string_view text,
                     std::initializer_list<std::pair<std::string_view, double>> units) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && !text.empty()) {
    std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (suffix.empty()) return value;
    for (const auto& [name, scale] : units) {
      if (suffix == name) return value * scale;
    }
  }
  Usage(fmt::format("{}: bad value '{}'", flag, text));
}

double ParseNumber(std::string_view flag, std::string_view text) { return ParseWithUnit(flag, text, {{"k", 1e3}}); }

double ParseSeconds(std::string_view flag, std::string_view text) {
  return ParseWithUnit(flag, text, {{"s", 1}, {"ms", 1e-3}, {"m", 60}});
}

// http://host[:port][/path[?query]]; the host is resolved once, here.
lg::Target ParseUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) Usage("--url must start with http:// (https is not supported)");
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  lg::Target target;
  target.url = url;
  target.host = std::string(authority);
  target.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));

  std::string host(authority), port = "80";
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) Usage("bad IPv6 address in --url");
    host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = std::string(authority.substr(close + 2));
  } else if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = std::string(authority.substr(0, colon));
    port = std::string(authority.substr(colon + 1));
  }
  if (host.empty() || port.empty()) Usage("--url needs a host (and a port after ':')");

  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw std::runtime_error(fmt::format("cannot resolve {}:{}: {}", host, port, gai_strerror(rc)));
  }
  std::memcpy(&target.addr, found->ai_addr, found->ai_addrlen);
  target.addr_len = found->ai_addrlen;
  freeaddrinfo(found);
  return target;
}

struct Cli {
  lg::Options options;
  bool json = false;
};

Cli ParseArgs(int argc, char** argv) {
  Cli cli;
  std::optional<std::string> url;
  bool have_rate = false, have_duration = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--json") {
      cli.json = true;
      continue;
    }
    std::string_view value;
    if (std::size_t eq = arg.find('='); eq != std::string_view::npos) {  // --rate=1000
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else {
      if (i + 1 >= argc) Usage(fmt::format("{} needs a value", arg));
      value = argv[++i];
    }
    if (arg == "--url") {
      url = std::string(value);
    } else if (arg == "--rate") {
      cli.options.rate = ParseNumber(arg, value);
      have_rate = true;
    } else if (arg == "--duration") {
      cli.options.duration_s = ParseSeconds(arg, value);
      have_duration = true;
    } else if (arg == "--warmup") {
      cli.options.warmup_s = ParseSeconds(arg, value);
    } else if (arg == "--drain") {
      cli.options.drain_s = ParseSeconds(arg, value);
    } else if (arg == "--connections") {
      cli.options.connections = static_cast<int>(ParseNumber(arg, value));
    } else if (arg == "--method") {
      cli.options.method = std::string(value);
    } else if (arg == "--header") {
      if (value.find(':') == std::string_view::npos) Usage("--header needs 'Name: value'");
      cli.options.headers.emplace_back(value);
    } else if (arg == "--body") {
      cli.options.body = std::string(value);
    } else if (arg == "--header-cycle") {
      std::ifstream in{std::string(value)};
      if (!in) Usage(fmt::format("cannot read {}", value));
      for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line.find(':') == std::string::npos) Usage("--header-cycle lines must be 'Name: value'");
        cli.options.header_cycle.push_back(line);
      }
      if (cli.options.header_cycle.empty()) Usage(fmt::format("{} has no header lines", value));
    } else {
      Usage(fmt::format("unknown option {}", arg));
    }
  }
  if (!url || !have_rate || !have_duration) Usage("--url, --rate and --duration are required");
  if (!(cli.options.rate > 0)) Usage("--rate must be > 0");
  if (!(cli.options.duration_s > 0)) Usage("--duration must be > 0");
  if (cli.options.warmup_s < 0 || cli.options.drain_s < 0) Usage("--warmup and --drain must be >= 0");
  if (cli.options.connections < 1 || cli.options.connections > 60000) Usage("--connections must be 1..60000");
  cli.options.target = ParseUrl(*url);
  return cli;
}

double Ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

void PrintHuman(const lg::Options& o, const lg::Report& r) {
  const auto& h = r.latency;
  fmt::print(
      "{} offered {:.0f} req/s achieved {:.0f} req/s over {:.1f} s ({} connections) | requests {} ok {} "
      "errors {} (status {}, io {}, protocol {}, connect {}) unfinished {} | latency ms p50 {:.3f} p90 {:.3f} "
      "p99 {:.3f} p99.9 {:.3f} max {:.3f} | loadgen cpu {:.0f}% busy {:.0f}% stalls>1ms {} (max {:.1f} ms)\n",
      o.target.url, o.rate, r.Achieved(), r.window_s, o.connections, r.requests, r.ok, r.Errors(), r.errors_status,
      r.errors_io, r.errors_protocol, r.errors_connect, r.unfinished, Ms(h.Percentile(50)), Ms(h.Percentile(90)),
      Ms(h.Percentile(99)), Ms(h.Percentile(99.9)), Ms(h.Max()), 100 * r.cpu_s / r.window_s, 100 * r.busy,
      r.stalls_over_1ms, Ms(r.max_stall_ns));
  if (r.Errors() > 0) fmt::print("last error: {}\n", r.last_error);
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out += fmt::format("\\u{:04x}", ch);
    } else {
      out += ch;
    }
  }
  return out + '"';
}

void PrintJson(const lg::Options& o, const lg::Report& r) {
  const auto& h = r.latency;
  fmt::print(
      "{{\"url\":{},\"offered_rps\":{:.1f},\"achieved_rps\":{:.1f},\"duration_s\":{:.3f},\"connections\":{},"
      "\"requests\":{},\"ok\":{},\"errors\":{},\"errors_status\":{},\"errors_io\":{},\"errors_protocol\":{},"
      "\"errors_connect\":{},\"unfinished\":{},\"last_error\":{},"
      "\"latency_ms\":{{\"min\":{:.4f},\"mean\":{:.4f},\"p50\":{:.4f},\"p90\":{:.4f},\"p99\":{:.4f},"
      "\"p99_9\":{:.4f},\"max\":{:.4f}}},\"loadgen_cpu_percent\":{:.1f},\"loadgen_busy_percent\":{:.1f},"
      "\"loadgen_stalls_over_1ms\":{},\"loadgen_max_stall_ms\":{:.3f}}}\n",
      JsonString(o.target.url), o.rate, r.Achieved(), r.window_s, o.connections, r.requests, r.ok, r.Errors(),
      r.errors_status, r.errors_io, r.errors_protocol, r.errors_connect, r.unfinished, JsonString(r.last_error),
      Ms(h.Min()), h.Mean() / 1e6, Ms(h.Percentile(50)), Ms(h.Percentile(90)), Ms(h.Percentile(99)),
      Ms(h.Percentile(99.9)), Ms(h.Max()), 100 * r.cpu_s / r.window_s, 100 * r.busy, r.stalls_over_1ms,
      Ms(r.max_stall_ns));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Cli cli = ParseArgs(argc, argv);
    lg::Report report = lg::Run(cli.options);
    if (cli.json) {
      PrintJson(cli.options, report);
    } else {
      PrintHuman(cli.options, report);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_loadgen: %s\n", e.what());
    return 1;
  }
}
