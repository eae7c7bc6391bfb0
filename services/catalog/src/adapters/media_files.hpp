// The media directory: product images stored as resized JPEG renditions,
//   <media.dir>/products/<product_id>/<image_uuid>-<size>.jpg   (sizes from Settings::renditions)
// served by the gateway under /media/ (production: an object store with the same layout).
// Decoding, resizing and writing run on the adapter's own CPU pool, never on an I/O thread.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "app/ports.hpp"
#include "domain/image.hpp"
#include "store/core/blocking_pool.hpp"

namespace store::catalog {

// Resizes to every rendition and writes the files atomically (temporary name + rename). `name`
// names the files (default: a fresh UUID). Blocking.
core::Result<StoredImage> StoreRgbImage(const std::string& media_dir, const ProductId& product, const RgbImage& image,
                                        const std::vector<int>& renditions, const std::string& name = "");

class MediaFiles final : public MediaStore {
 public:
  MediaFiles(std::string media_dir, std::vector<int> renditions) : dir_(std::move(media_dir)), renditions_(std::move(renditions)) {}
  // Creates the directory; throws (start-up) when it cannot.
  void Prepare() const;
  boost::asio::awaitable<Result<StoredImage>> Store(const ProductId& product, const std::string& bytes) override;
  void Remove(const std::string& path) override;

 private:
  std::string dir_;
  std::vector<int> renditions_;
  core::BlockingPool cpu_{2};
};

}  // namespace store::catalog
