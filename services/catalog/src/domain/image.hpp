// Images: type sniffing from magic bytes, decoding (PNG, JPEG, WebP) to RGB, resizing, and
// encoding (JPEG renditions, PNG for the demo generator). Pure CPU work: callers run it on a
// BlockingPool, never on an I/O thread.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"

namespace store::catalog {

enum class ImageType { png, jpeg, webp };

// From the first bytes only; nullopt for anything else (the declared Content-Type is ignored).
std::optional<ImageType> SniffImageType(std::string_view bytes);
std::string_view MimeOf(ImageType type);
std::string_view ExtensionOf(ImageType type);

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // width * height * 3, row-major RGB
};

// Refuses images larger than max_pixels (decompression bombs) and undecodable data with
// Errc::invalid_argument (Errc::unsupported_media_type for an unknown type).
core::Result<RgbImage> DecodeImage(std::string_view bytes, std::int64_t max_pixels = 40'000'000);

// Scales so that the longer side is at most `max_side` (never up), area-averaging.
RgbImage ResizeToFit(const RgbImage& src, int max_side);

std::string EncodeJpeg(const RgbImage& image, int quality = 85);
std::string EncodePng(const RgbImage& image);

// A generated product picture (the demo shop's): a background in `rgb`, a shape chosen by
// `shape` (0 circle, 1 square, 2 diamond, 3 triangle) and up to 3 initials in a 5x7 pixel font.
RgbImage DrawPlaceholder(int size, std::uint32_t rgb, int shape, std::string_view initials);

}  // namespace store::catalog
