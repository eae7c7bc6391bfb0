#include <fstream>
#include "app/ports.hpp"
#include "store/db/db.hpp"
