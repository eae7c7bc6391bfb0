#include "adapters/redis_cache.hpp"
#include "app/use_case.hpp"
