// The search quality API for staff (routes under /v1/admin/search, the gateway maps
// /api/catalog/v1/admin/search/ here; every route needs the admin role: `guard`):
//   GET /v1/admin/search/queries?found=any|nothing&limit=  the most frequent queries (all, or those
//                                                          that found nothing), most first
//   GET /v1/admin/search/synonyms                          the live synonym rules, also as text
//   PUT /v1/admin/search/synonyms {text}                   new rules (Solr format, one a line, #
//                                                          comments): checked by the engine (400
//                                                          naming `text` with its reason), then live
#pragma once

#include "app/ports.hpp"
#include "app/queries.hpp"
#include "store/auth/authenticator.hpp"
#include "store/http/router.hpp"

namespace store::search {

// `queries` and `synonyms` must outlive the router.
void AddAdminRoutes(http::Router& router, SearchQueries& queries, SynonymStore& synonyms, auth::Guard guard);

}  // namespace store::search
