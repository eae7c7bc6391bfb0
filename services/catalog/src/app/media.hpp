// The media directory: product images stored as resized JPEG renditions,
//   <media.dir>/products/<product_id>/<image_uuid>-<size>.jpg   (sizes from Settings::renditions)
// served by the gateway under /media/ (production: an object store with the same layout).
// Blocking file and CPU work: run on a BlockingPool.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "domain/image.hpp"
#include "store/core/result.hpp"

namespace store::catalog {

struct StoredImage {
  std::string path;  // relative to the media dir, without "-<size>.jpg"
  int width = 0, height = 0;
};

// Decodes (type sniffed from the bytes), resizes to every rendition and writes the files
// atomically (temporary name + rename). Bad images are 4xx errors; write failures internal.
core::Result<StoredImage> StoreProductImage(const std::string& media_dir, const std::string& product_id,
                                            std::string_view bytes, const std::vector<int>& renditions);

// The same from already decoded pixels (the demo generator).
// `name` names the files (default: a fresh UUID).
core::Result<StoredImage> StoreRgbImage(const std::string& media_dir, const std::string& product_id, const RgbImage& image,
                                        const std::vector<int>& renditions, const std::string& name = "");

void RemoveImageFiles(const std::string& media_dir, const std::string& path, const std::vector<int>& renditions);

// A generated product picture (no downloads): a background in `rgb`, a shape chosen by
// `shape` (0 circle, 1 square, 2 diamond, 3 triangle) and up to 3 initials in a 5x7 pixel font.
RgbImage DrawPlaceholder(int size, std::uint32_t rgb, int shape, std::string_view initials);

}  // namespace store::catalog
