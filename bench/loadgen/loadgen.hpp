// The open-model engine of store_loadgen: one thread, one epoll set, a pool of keep-alive
// connections, and requests due at fixed intended times (see README.md).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "histogram.hpp"

namespace store::loadgen {

struct Target {
  std::string url;   // as given, for the report
  std::string host;  // for the Host header (with ":port" when the URL had one)
  std::string path;  // path and query
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
};

struct Options {
  Target target;
  double rate = 0;          // requests per second, evenly spaced
  double duration_s = 10;   // measured window
  double warmup_s = 1;      // requests before the window are sent but not measured
  double drain_s = 2;       // after the window: time allowed for late requests to finish
  int connections = 64;
  std::string method = "GET";
  std::vector<std::string> headers;  // extra "Name: value" lines (e.g. Authorization)
  // Request i also carries header_cycle[i % size] (e.g. one cart cookie per shopper): requests
  // spread over many sessions instead of repeating one.
  std::vector<std::string> header_cycle;
  std::string body;                  // sent with Content-Length when not empty
};

struct Report {
  // Requests whose intended send time fell in the measured window. Each one ends as exactly one of
  // ok, errors_status, errors_io, errors_protocol or unfinished.
  std::uint64_t requests = 0;
  std::uint64_t ok = 0;               // 2xx
  std::uint64_t errors_status = 0;    // complete responses that were not 2xx
  std::uint64_t errors_io = 0;        // lost when the connection failed or the server closed it
  std::uint64_t errors_protocol = 0;  // unparsable or unsupported response (connection dropped)
  std::uint64_t unfinished = 0;       // not answered by the end of the drain period
  std::uint64_t errors_connect = 0;   // failed connection attempts during the window (not requests)
  std::uint64_t responses_in_window = 0;  // responses (any request) completed inside the window
  const char* last_error = "";        // the most recent error's cause, for the report
  Histogram latency;                  // intended send time -> complete response, measured requests
  double window_s = 0;                // actual measured window length
  double cpu_s = 0;                   // this process's CPU time (user + sys) during the window
  // Share of the window the generator was doing work rather than waiting or polling for it. Short
  // waits are spent polling, so CPU time overstates the load; near 1.0 the generator is the limit.
  double busy = 0;
  // Passes of the event loop that took over 1 ms (not counting intended waits), and the longest:
  // the generator was not running (preempted, host noise), so sends due then went out late.
  std::uint64_t stalls_over_1ms = 0;
  std::uint64_t max_stall_ns = 0;

  std::uint64_t Errors() const { return errors_status + errors_io + errors_protocol + errors_connect; }
  double Achieved() const { return window_s > 0 ? static_cast<double>(responses_in_window) / window_s : 0; }
};

// Throws std::runtime_error when no connection to the target can be opened at the start.
Report Run(const Options& options);

}  // namespace store::loadgen
