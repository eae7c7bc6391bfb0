#include "adapters/password_list.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "domain/rules.hpp"

namespace store::user {

std::unordered_set<std::string> ReadCommonPasswords(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the common-password list " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return PasswordPolicy::ParseList(text.str());
}

}  // namespace store::user
