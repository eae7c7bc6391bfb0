// Unit tests: no server. Rows, parameters, config keys and migration file discovery.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "store/config/config.hpp"
#include "store/db/db.hpp"
#include "store/db/migrations.hpp"

namespace {

using store::db::Param;
using store::db::Row;

Row MakeRow() {
  auto columns = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"id", "name", "qty", "note", "price"});
  return Row(columns, {"42", "widget", "-7", std::nullopt, "12.50"});
}

TEST(DbTime, WritesDatetime3InUtcAndReadsBackAsRfc3339) {
  using namespace std::chrono;
  EXPECT_EQ(store::db::ToDbTime(system_clock::time_point(milliseconds(1'700'000'000'123))), "2023-11-14 22:13:20.123");
  EXPECT_EQ(store::db::ToDbTime(system_clock::time_point(milliseconds(-1))), "1969-12-31 23:59:59.999");
  EXPECT_EQ(store::db::DbTimeToRfc3339("2025-06-01 10:20:30.5"), "2025-06-01T10:20:30.500Z");
  EXPECT_EQ(store::db::DbTimeToRfc3339("2025-06-01 10:20:30"), "2025-06-01T10:20:30.000Z");
  EXPECT_EQ(store::db::DbTimeToRfc3339("garbage"), "garbage");
}

TEST(Row, ReadsValuesByNameAndIndex) {
  Row row = MakeRow();
  EXPECT_EQ(row.size(), 5u);
  EXPECT_EQ(row.UInt("id"), 42u);
  EXPECT_EQ(row.Text("name"), "widget");
  EXPECT_EQ(row.Int("qty"), -7);
  EXPECT_DOUBLE_EQ(row.Double("price"), 12.5);
  EXPECT_EQ(row[1], std::optional<std::string>("widget"));
  EXPECT_TRUE(row.IsNull("note"));
  EXPECT_EQ(row.OptInt("note"), std::nullopt);
  EXPECT_EQ(row.OptInt("qty"), -7);
}

TEST(Row, TreatsNullUnknownColumnsAndBadNumbersAsBugs) {
  Row row = MakeRow();
  EXPECT_THROW((void)row.Text("note"), std::logic_error);
  EXPECT_THROW((void)row.Text("missing"), std::logic_error);
  EXPECT_THROW((void)row.Int("name"), std::logic_error);
  EXPECT_THROW((void)row.Int("price"), std::logic_error);
  EXPECT_THROW((void)row[9], std::logic_error);
}

TEST(Param, BindsEachKindOfArgument) {
  std::string owned = "text";
  std::optional<int> none;
  std::optional<std::string> some = "x";
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(Param(-3).value()));
  EXPECT_TRUE(std::holds_alternative<std::uint64_t>(Param(3u).value()));
  EXPECT_EQ(std::get<std::int64_t>(Param(true).value()), 1);
  EXPECT_TRUE(std::holds_alternative<double>(Param(1.5).value()));
  EXPECT_EQ(std::get<std::string_view>(Param("lit").value()), "lit");
  EXPECT_EQ(std::get<std::string_view>(Param(owned).value()), "text");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(Param(none).value()));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(Param(nullptr).value()));
  EXPECT_EQ(std::get<std::string_view>(Param(some).value()), "x");
}

TEST(Options, AreDeclaredOnTheConfigLoaderAndReadFromTheEnvironment) {
  ::setenv("DBTEST_DB_HOST", "db.internal", 1);
  ::setenv("DBTEST_DB_POOL_SIZE", "3", 1);
  ::setenv("DBTEST_DB_CONNECT_TIMEOUT", "250ms", 1);
  store::config::Loader cfg("DBTEST");
  auto o = store::db::Options::Declare(cfg);
  cfg.Finish();
  EXPECT_EQ(o.host, "db.internal");
  EXPECT_EQ(o.pool_size, 3u);
  EXPECT_EQ(o.connect_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(o.port, 3306);
  bool declared = false;
  for (const auto& k : cfg.keys()) declared |= k.key == "db.transaction_attempts";
  EXPECT_TRUE(declared);
}

class MigrationFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("store_db_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(MigrationFiles, AreOrderedByVersionNumberNotByName) {
  Write("V10__later.sql", "SELECT 10;");
  Write("V002__second.sql", "SELECT 2;");
  Write("V1__first.sql", "SELECT 1;");
  Write("README.md", "not a migration");
  auto files = store::db::LoadMigrations(dir_);
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].version, 1);
  EXPECT_EQ((*files)[0].name, "first");
  EXPECT_EQ((*files)[1].version, 2);
  EXPECT_EQ((*files)[2].version, 10);
  EXPECT_EQ((*files)[0].checksum.size(), 64u);
  EXPECT_NE((*files)[0].checksum, (*files)[1].checksum);
}

TEST_F(MigrationFiles, RejectAMisnamedSqlFile) {
  Write("V1_missing_underscore.sql", "SELECT 1;");
  auto files = store::db::LoadMigrations(dir_);
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message.find("V1_missing_underscore.sql"), std::string::npos);
}

TEST_F(MigrationFiles, RejectEveryOtherShapeOfName) {
  for (const char* name : {"V__x.sql", "Vx__name.sql", "V1__.sql", "V1__na-me.sql", "v1__name.sql", "V1__name.sql.sql",
                           "V99999999999999999999__big.sql"}) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Write(name, "SELECT 1;");
    EXPECT_FALSE(store::db::LoadMigrations(dir_)) << name;
  }
}

TEST_F(MigrationFiles, RejectTwoFilesWithTheSameVersion) {
  Write("V1__a.sql", "SELECT 1;");
  Write("V001__b.sql", "SELECT 1;");
  EXPECT_FALSE(store::db::LoadMigrations(dir_));
}

TEST(MigrationDirectory, ThatDoesNotExistIsAnError) {
  EXPECT_FALSE(store::db::LoadMigrations("/nonexistent/store/migrations"));
}

}  // namespace
