// Versioned schema migrations: a directory of `V<version>__<name>.sql` files (V001__create_orders.sql,
// V002__add_status.sql, ...), each applied once, in version order, recorded in the table
// `schema_migrations (version, name, checksum, applied_at)`.
//
// - A file may hold several statements separated by `;` (sent as one multi-statement script).
// - An applied file whose SHA-256 changed is an error (Errc::conflict): history is not rewritten;
//   add a new version instead. So is a *.sql name that does not match the pattern, or two
//   files with the same version.
// - Runners on several processes at once are safe: they serialise on GET_LOCK and re-read the
//   table under the lock, so each version is applied exactly once.
// - MariaDB commits DDL implicitly, so a file that fails half-way is NOT rolled back and is not
//   recorded: the error names it; fix the database by hand, then the file.
// Used at start-up (blocking); a service stops when Migrate fails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "store/db/db.hpp"

namespace store::db {

struct MigrationFile {
  std::int64_t version = 0;
  std::string name;      // the part after `__`, without `.sql`
  std::string checksum;  // lowercase hex SHA-256 of the file's bytes
  std::string sql;
  std::filesystem::path path;
};

struct MigrationReport {
  std::vector<std::int64_t> applied;  // versions applied by this call, in order
  std::size_t already_applied = 0;    // versions found recorded before this call
};

// Reads and orders the migration files of `dir` (pure; no database).
Result<std::vector<MigrationFile>> LoadMigrations(const std::filesystem::path& dir);

// Applies every pending migration of `dir` on `conn`'s current database.
Result<MigrationReport> Migrate(Connection& conn, const std::filesystem::path& dir);
// The same on a connection leased from `db` (blocks the calling thread: start-up only).
Result<MigrationReport> Migrate(Database& db, const std::filesystem::path& dir);

}  // namespace store::db
