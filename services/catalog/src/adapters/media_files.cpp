#include "adapters/media_files.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

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

core::Result<StoredImage> StoreRgbImage(const std::string& media_dir, const ProductId& product, const RgbImage& image,
                                        const std::vector<int>& renditions, const std::string& name) {
  std::string rel = fmt::format("products/{}/{}", product.value(), name.empty() ? core::NewUuid() : name);
  fs::path dir = fs::path(media_dir) / "products" / product.value();
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

void MediaFiles::Prepare() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("media.dir " + dir_ + ": " + ec.message());
}

boost::asio::awaitable<Result<StoredImage>> MediaFiles::Store(const ProductId& product, const std::string& bytes) {
  auto work = [&]() -> Result<StoredImage> {
    TRY(image, DecodeImage(bytes));
    return StoreRgbImage(dir_, product, image, renditions_);
  };
  co_return co_await cpu_.Run(work);
}

void MediaFiles::Remove(const std::string& path) {
  std::error_code ec;
  for (int size : renditions_) fs::remove(fs::path(dir_) / fmt::format("{}-{}.jpg", path, size), ec);
}

}  // namespace store::catalog
