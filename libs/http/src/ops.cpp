#include "store/http/ops.hpp"

namespace store::http {

void AddOpsRoutes(Router& router, const metrics::Registry& registry, const metrics::Readiness& readiness) {
  router.Get("/metrics", [&registry](Request&) -> boost::asio::awaitable<Response> {
    co_return Response(200, registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  router.Get("/healthz", [](Request&) -> boost::asio::awaitable<Response> {
    co_return Response::Json(200, {{"status", "ok"}});
  });
  router.Get("/readyz", [&readiness](Request&) -> boost::asio::awaitable<Response> {
    auto status = co_await readiness.Run();
    // Not ready: the public detail names the check; its internal error is in the readiness
    // check's warn line just before the server's error line.
    if (!status) co_return Response::Problem(503, status.error().message).SetCause("unavailable: " + status.error().message);
    co_return Response::Json(200, {{"status", "ready"}});
  });
}

}  // namespace store::http
