// The common-password list (password.common_list_file) from disk, at start-up.
#pragma once

#include <string>
#include <unordered_set>

namespace store::user {

// The lower-cased passwords of the file (PasswordPolicy::ParseList); throws std::runtime_error
// naming the file when it cannot be read (a start-up failure).
std::unordered_set<std::string> ReadCommonPasswords(const std::string& path);

}  // namespace store::user
