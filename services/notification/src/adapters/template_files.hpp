// The notification catalog from a templates directory (the files are read once, at start-up):
//
//   <dir>/mappings.json                 event type -> {"template", "email", "sms", "links",
//                                        "external_urls"} (keys starting with "$" are comments)
//   <dir>/<locale>/<template>.subject|.txt|.html|.sms   the texts (domain/catalog.hpp)
//
// Every sub-directory is a locale.
#pragma once

#include <filesystem>

#include "domain/catalog.hpp"
#include "store/core/result.hpp"

namespace store::notification {

// Any error (unreadable file, bad JSON, a mapping without template or email field, a broken
// template) is invalid_argument naming the file.
core::Result<Catalog> LoadCatalog(const std::filesystem::path& dir, CatalogOptions options);

}  // namespace store::notification
