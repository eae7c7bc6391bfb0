#include "app/media.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "store/core/ids.hpp"

namespace store::catalog {

namespace fs = std::filesystem;
using core::Error;

namespace {

bool WriteAtomically(const fs::path& target, const std::string& bytes) {
  fs::path tmp = target;
  tmp += ".tmp-" + core::RandomHex(4);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}

}  // namespace

core::Result<StoredImage> StoreRgbImage(const std::string& media_dir, const std::string& product_id, const RgbImage& image,
                                        const std::vector<int>& renditions, const std::string& name) {
  std::string rel = fmt::format("products/{}/{}", product_id, name.empty() ? core::NewUuid() : name);
  fs::path dir = fs::path(media_dir) / "products" / product_id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return std::unexpected(Error::Internal("cannot create the media directory: " + ec.message()));
  std::string previous;  // renditions larger than the image are the same bytes: encode once
  int previous_w = -1;
  for (int size : renditions) {
    RgbImage scaled = ResizeToFit(image, size);
    if (scaled.width != previous_w) {
      previous = EncodeJpeg(scaled, 85);
      previous_w = scaled.width;
    }
    if (!WriteAtomically(fs::path(media_dir) / fmt::format("{}-{}.jpg", rel, size), previous))
      return std::unexpected(Error::Internal("cannot write an image rendition"));
  }
  return StoredImage{rel, image.width, image.height};
}

core::Result<StoredImage> StoreProductImage(const std::string& media_dir, const std::string& product_id, std::string_view bytes,
                                            const std::vector<int>& renditions) {
  TRY(image, DecodeImage(bytes));
  return StoreRgbImage(media_dir, product_id, image, renditions);
}

void RemoveImageFiles(const std::string& media_dir, const std::string& path, const std::vector<int>& renditions) {
  std::error_code ec;
  for (int size : renditions) fs::remove(fs::path(media_dir) / fmt::format("{}-{}.jpg", path, size), ec);
}

namespace {
// 5x7 glyphs, one byte per row, bit 4 = leftmost column.
const std::array<std::uint8_t, 7>* Glyph(char ch) {
  static const std::array<std::array<std::uint8_t, 7>, 36> kFont = {{
      {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},  // A
      {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E},  // B
      {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E},  // C
      {0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E},  // D
      {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F},  // E
      {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10},  // F
      {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F},  // G
      {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},  // H
      {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E},  // I
      {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C},  // J
      {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11},  // K
      {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F},  // L
      {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11},  // M
      {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11},  // N
      {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},  // O
      {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10},  // P
      {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D},  // Q
      {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11},  // R
      {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E},  // S
      {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04},  // T
      {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},  // U
      {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04},  // V
      {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A},  // W
      {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11},  // X
      {0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04},  // Y
      {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F},  // Z
      {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E},  // 0
      {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},  // 1
      {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},  // 2
      {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},  // 3
      {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},  // 4
      {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},  // 5
      {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E},  // 6
      {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},  // 7
      {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E},  // 8
      {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},  // 9
  }};
  if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  if (ch >= 'A' && ch <= 'Z') return &kFont[ch - 'A'];
  if (ch >= '0' && ch <= '9') return &kFont[26 + ch - '0'];
  return nullptr;
}
}  // namespace

RgbImage DrawPlaceholder(int size, std::uint32_t rgb, int shape, std::string_view initials) {
  RgbImage img;
  img.width = img.height = size;
  img.pixels.resize(static_cast<std::size_t>(size) * size * 3);
  auto set = [&](int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    if (x < 0 || y < 0 || x >= size || y >= size) return;
    auto* p = img.pixels.data() + (static_cast<std::size_t>(y) * size + x) * 3;
    p[0] = r;
    p[1] = g;
    p[2] = b;
  };
  std::uint8_t r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
  // Light tint of the colour as the background, the colour for the shape, white for the text.
  std::uint8_t br = static_cast<std::uint8_t>(255 - (255 - r) / 4), bg = static_cast<std::uint8_t>(255 - (255 - g) / 4),
               bb = static_cast<std::uint8_t>(255 - (255 - b) / 4);
  double c = size / 2.0, rad = size * 0.38;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      double dx = x + 0.5 - c, dy = y + 0.5 - c;
      bool in = false;
      switch (shape & 3) {
        case 0: in = dx * dx + dy * dy <= rad * rad; break;
        case 1: in = std::fabs(dx) <= rad * 0.9 && std::fabs(dy) <= rad * 0.9; break;
        case 2: in = std::fabs(dx) + std::fabs(dy) <= rad * 1.2; break;
        default: in = dy <= rad * 0.8 && dy >= -rad && std::fabs(dx) <= (dy + rad) * 0.6; break;
      }
      if (in) set(x, y, r, g, b);
      else set(x, y, br, bg, bb);
    }
  std::string text;
  for (char ch : initials)
    if (Glyph(ch) && text.size() < 3) text += ch;
  if (text.empty()) return img;
  int scale = std::max(1, size / 40);
  int text_w = static_cast<int>(text.size()) * 6 * scale - scale, text_h = 7 * scale;
  int x0 = (size - text_w) / 2, y0 = (size - text_h) / 2;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto& glyph = *Glyph(text[i]);
    for (int gy = 0; gy < 7; ++gy)
      for (int gx = 0; gx < 5; ++gx)
        if (glyph[gy] & (0x10 >> gx))
          for (int sy = 0; sy < scale; ++sy)
            for (int sx = 0; sx < scale; ++sx)
              set(x0 + static_cast<int>(i) * 6 * scale + gx * scale + sx, y0 + gy * scale + sy, 255, 255, 255);
  }
  return img;
}

}  // namespace store::catalog
