// The storefront's page snapshots (http/snapshot.hpp): GET /v1/snapshots/p/{slug} and
// /v1/snapshots/c/{slug} with ?part=head|body, text/html. The gateway asks for them in SSI
// subrequests; its X-Forwarded-Proto and X-Forwarded-Host name the page's origin (absolute links).
#include "http/commands.hpp"
#include "http/dto.hpp"
#include "http/routes.hpp"
#include "http/snapshot.hpp"

namespace store::catalog {

namespace json = boost::json;
using boost::asio::awaitable;
using core::Error;
using http::Request;
using http::Response;

namespace {

core::Result<SnapshotPart> PartOf(const Request& req) {
  auto part = req.Query("part").value_or("");
  if (part == "head") return SnapshotPart::kHead;
  if (part == "body") return SnapshotPart::kBody;
  return std::unexpected(Error::Invalid("invalid snapshot part", {{"part", "head or body"}}));
}

std::string Origin(const Request& req) {
  return SnapshotOrigin(req.Header("X-Forwarded-Proto"), req.Header("X-Forwarded-Host"));
}

Response Html(std::string body) {
  Response res(200, std::move(body), "text/html; charset=utf-8");
  return res;
}

// An unknown page: a 404 whose head is a robots noindex and whose body says so. The gateway splices
// a 404's body into the page as it does a 200's (by then the page went out with its 200: a "soft
// 404"); the noindex keeps the page out of search indexes. (Never an empty body: nginx's SSI then
// writes the include's stub twice.)
Response Unknown(SnapshotPart part) {
  return Response(404, part == SnapshotPart::kHead ? "<meta name=\"robots\" content=\"noindex\">\n" : "<h1>Page not found</h1>\n",
                  "text/html; charset=utf-8");
}

}  // namespace

void AddSnapshotRoutes(http::Router& router, const HttpApi& api) {
  const auto& h = api.handlers;
  router.Get("/v1/snapshots/p/{slug}", [&h](Request& req) -> awaitable<Response> {
    CO_TRY(part, PartOf(req));
    GetProductPage query{std::string(*req.PathParam("slug"))};
    auto found = co_await h.product_page(query);
    if (!found && found.error().code == core::Errc::not_found) co_return Unknown(part);
    CO_TRY(page, std::move(found));
    auto parsed = json::parse(page.body);
    co_return Html(ProductSnapshot(parsed.as_object(), part, Origin(req)));
  });
  router.Get("/v1/snapshots/c/{slug}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY(part, PartOf(req));
    GetCategory query{std::string(*req.PathParam("slug"))};
    auto found = co_await h.category(query);
    if (!found && found.error().code == core::Errc::not_found) co_return Unknown(part);
    CO_TRY(category, std::move(found));
    BrowseCategory browse{query.slug, "newest"};
    browse.page = 1;
    browse.per_page = 48;
    CO_TRY(products, co_await h.browse(browse));
    co_return Html(CategorySnapshot(CategoryJson(category), BrowseJson(products, api.settings), part,
                                    Origin(req)));
  });
}

}  // namespace store::catalog
