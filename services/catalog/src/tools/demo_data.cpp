#include "tools/demo_data.hpp"

namespace store::catalog::demo_data {

#include "tools/demo_data.inc"

}  // namespace store::catalog::demo_data
