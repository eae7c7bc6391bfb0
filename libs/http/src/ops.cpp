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
    // The failing check's name is the detail: it is ours, not an internal error text.
    if (!status) co_return Response::Problem(503, status.error().message);
    co_return Response::Json(200, {{"status", "ready"}});
  });
}

}  // namespace store::http
