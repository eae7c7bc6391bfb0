// MariaDB DATETIME(3) text <-> time points (UTC). TODO(lead): one home in libs/db (issue #10,
// "DB time conversion written twice"); kept here until it exists.
#pragma once
#include <chrono>
#include <string>

namespace store::catalog {

// "2024-05-01 12:00:00.123" (MariaDB DATETIME(3), UTC) -> "2024-05-01T12:00:00.123Z".
std::string DbTimeToRfc3339(const std::string& db_time);
std::string ToDbTime(std::chrono::system_clock::time_point t);

}  // namespace store::catalog
