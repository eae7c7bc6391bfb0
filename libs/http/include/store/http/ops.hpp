// Operational routes every service serves, built from store::metrics (http depends on metrics,
// never the other way round):
//   GET /metrics  Prometheus text exposition of the registry (text/plain; version=0.0.4)
//   GET /healthz  200 {"status":"ok"} while the process is alive and serving
//   GET /readyz   runs the readiness checks: 200 {"status":"ready"} when all pass, else 503
//                 problem+json naming the failing check
// The registry and readiness checks must outlive the router's server.
#pragma once

#include "store/http/router.hpp"
#include "store/metrics/metrics.hpp"

namespace store::http {

void AddOpsRoutes(Router& router, const metrics::Registry& registry, const metrics::Readiness& readiness);

}  // namespace store::http
