#include "store/testing/cache.hpp"

#include "store/testing/engines.hpp"

namespace store::testing {

TempKeyspace::TempKeyspace() : prefix_(UniqueName("k") + ":") {
  const Engines e = Engines::FromEnv();
  options_.host = e.host;
  options_.port = e.redis_port;
  options_.pool_size = 4;
}

TempKeyspace::~TempKeyspace() {
  auto conn = store::cache::Connection::Open(options_);
  if (!conn) return;  // Redis went away during the test, which has failed for that reason.
  std::string cursor = "0";
  do {
    auto page = (*conn)->Run({"SCAN", cursor, "MATCH", prefix_ + "*", "COUNT", "1000"});
    if (!page || page->elements.size() != 2) return;
    cursor = page->elements[0].str;
    for (const auto& key : page->elements[1].elements) (void)(*conn)->Run({"DEL", key.str});
  } while (cursor != "0");
}

}  // namespace store::testing
