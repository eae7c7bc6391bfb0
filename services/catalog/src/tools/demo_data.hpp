// The demo shop's vocabulary: product types, their specs, attributes, brands and lines (data
// only, in tools/demo_data.inc). Its own translation unit, built without optimisation: the
// tables are ~95 KB of nested initializer lists that g++ -O2 took ~35 s to optimise for code that
// runs once per generator start (see services/catalog/CMakeLists.txt).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace store::catalog::demo_data {

using KV = std::vector<std::pair<std::string, std::string>>;

struct SpecDefT {
  std::string key, name, kind, unit;
  bool required = false;
};
struct Attr {
  std::string label;
  std::int64_t price_add = 0;
  KV specs;
};
struct Line {
  std::string brand, model;
  std::int64_t base = 0;
  KV specs;
  std::vector<std::string> colors;
};
struct TypeDef {
  std::string code, name;
  std::array<std::string, 3> path;
  std::uint32_t rgb = 0;
  int shape = 0;
  std::vector<SpecDefT> specs;
  std::string title;
  std::vector<Attr> attrs;
  std::vector<std::string> colors;
  std::string option;
  std::vector<std::string> option_values;
  std::vector<Line> lines;
};

// Every product type of the demo shop, in a fixed order (the generator is deterministic).
const std::vector<TypeDef>& Types();

}  // namespace store::catalog::demo_data
