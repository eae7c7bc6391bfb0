#include "store/db/migrations.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

namespace store::db {
namespace {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// One lock per database: services sharing a server do not wait for each other.
constexpr std::string_view kLockSql = "SELECT GET_LOCK(CONCAT('schema_migrations.', DATABASE()), ?)";
constexpr std::string_view kUnlockSql =
    "SELECT RELEASE_LOCK(CONCAT('schema_migrations.', DATABASE()))";
constexpr int kLockWaitSeconds = 120;

constexpr std::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    BIGINT       NOT NULL PRIMARY KEY,
  name       VARCHAR(255) NOT NULL,
  checksum   CHAR(64)     NOT NULL,
  applied_at DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB)sql";

Result<MigrationReport> ApplyLocked(Connection& conn, const std::vector<MigrationFile>& files) {
  TRY(rows, conn.Query("SELECT version, name, checksum FROM schema_migrations"));
  std::map<std::int64_t, std::string> applied;  // version -> checksum
  for (const auto& row : rows) applied[row.Int("version")] = row.Text("checksum");

  MigrationReport report;
  report.already_applied = applied.size();
  for (const auto& file : files) {
    if (auto it = applied.find(file.version); it != applied.end()) {
      if (it->second != file.checksum)
        return std::unexpected(Error::Conflict(fmt::format(
            "migration {} was changed after it was applied (checksum {} in schema_migrations, "
            "{} on disk); add a new migration instead of editing an applied one",
            file.path.filename().string(), it->second, file.checksum)));
      continue;
    }
    if (auto ran = conn.ExecuteScript(file.sql); !ran)
      return std::unexpected(Error{ran.error().code,
                                   fmt::format("migration {} failed (not recorded; statements "
                                               "before the failing one may have been applied): {}",
                                               file.path.filename().string(), ran.error().message)});
    TRY_STATUS(conn.Execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
                            file.version, file.name, file.checksum));
    report.applied.push_back(file.version);
  }
  return report;
}

// "V<digits>__<letters, digits, _>.sql" -> version and name. (A hand-written match: std::regex
// costs seconds of compile time and trips g++ 12's -Wmaybe-uninitialized inside libstdc++.)
std::optional<std::pair<std::int64_t, std::string>> ParseMigrationName(std::string_view filename) {
  if (!filename.starts_with("V") || !filename.ends_with(".sql")) return std::nullopt;
  std::string_view rest = filename.substr(1, filename.size() - 5);
  auto sep = rest.find("__");
  if (sep == 0 || sep == std::string_view::npos || sep + 2 == rest.size()) return std::nullopt;
  std::string_view digits = rest.substr(0, sep), name = rest.substr(sep + 2);
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto is_word = [&](char c) { return is_digit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!std::all_of(digits.begin(), digits.end(), is_digit) || !std::all_of(name.begin(), name.end(), is_word))
    return std::nullopt;
  std::int64_t version = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return std::pair{version, std::string(name)};
}

}  // namespace

Result<std::vector<MigrationFile>> LoadMigrations(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return std::unexpected(Error::Invalid(fmt::format("no migrations directory {}", dir.string())));
  std::vector<MigrationFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    const std::string filename = entry.path().filename().string();
    auto parsed = ParseMigrationName(filename);
    if (!parsed)
      return std::unexpected(Error::Invalid(fmt::format(
          "migration file name {} does not match V<number>__<name>.sql", filename)));
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof())
      return std::unexpected(Error::Internal(fmt::format("cannot read {}", entry.path().string())));
    MigrationFile f;
    f.version = parsed->first;
    f.name = parsed->second;
    f.sql = text.str();
    f.checksum = Sha256Hex(f.sql);
    f.path = entry.path();
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < files.size(); ++i)
    if (files[i].version == files[i - 1].version)
      return std::unexpected(Error::Invalid(
          fmt::format("two migrations have version {}: {} and {}", files[i].version,
                      files[i - 1].path.filename().string(), files[i].path.filename().string())));
  return files;
}

Result<MigrationReport> Migrate(Connection& conn, const std::filesystem::path& dir) {
  TRY(files, LoadMigrations(dir));
  TRY(locked, conn.QueryOne(kLockSql, kLockWaitSeconds));
  if (!locked || locked->OptInt(locked->columns().front()).value_or(0) != 1)
    return std::unexpected(Error::Unavailable(
        fmt::format("another migration runner held the lock for {} s", kLockWaitSeconds)));
  // Under the lock: create the table, then read what is applied, so two runners never apply
  // the same version.
  auto report = [&]() -> Result<MigrationReport> {
    TRY_STATUS(conn.Execute(kCreateTable));
    return ApplyLocked(conn, files);
  }();
  // The lock also ends with the session, so a failed RELEASE_LOCK needs no handling.
  (void)conn.Query(kUnlockSql);
  return report;
}

Result<MigrationReport> Migrate(Database& db, const std::filesystem::path& dir) {
  return db.RunSync([&](Connection& conn) { return Migrate(conn, dir); });
}

}  // namespace store::db
