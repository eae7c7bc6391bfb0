#include "adapters/mariadb_store.hpp"
#include "domain/rule.hpp"
