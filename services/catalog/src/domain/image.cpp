#include "domain/image.hpp"

#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

namespace store::catalog {
namespace {

using core::Errc;
using core::Error;

// --- PNG ------------------------------------------------------------------------------------
struct PngReader {
  std::string_view data;
  std::size_t pos = 0;
};

void PngRead(png_structp png, png_bytep out, png_size_t n) {
  auto* r = static_cast<PngReader*>(png_get_io_ptr(png));
  if (r->pos + n > r->data.size()) png_error(png, "truncated");
  std::memcpy(out, r->data.data() + r->pos, n);
  r->pos += n;
}
void PngWarn(png_structp, png_const_charp) {}
void PngFail(png_structp png, png_const_charp) { png_longjmp(png, 1); }

core::Result<RgbImage> DecodePng(std::string_view bytes, std::int64_t max_pixels) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, PngFail, PngWarn);
  if (!png) return std::unexpected(Error::Internal("png_create_read_struct"));
  png_infop info = png_create_info_struct(png);
  PngReader reader{bytes};
  RgbImage img;
  std::vector<png_bytep> rows;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return std::unexpected(Error::Invalid("the PNG image cannot be decoded", {{"image", "corrupt PNG data"}}));
  }
  png_set_read_fn(png, &reader, PngRead);
  png_read_info(png, info);
  png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  if (w == 0 || h == 0 || static_cast<std::int64_t>(w) * h > max_pixels) {
    png_destroy_read_struct(&png, &info, nullptr);
    return std::unexpected(Error::Invalid("the image is too large", {{"image", "too many pixels"}}));
  }
  png_set_strip_16(png);
  png_set_packing(png);
  png_set_palette_to_rgb(png);
  png_set_expand_gray_1_2_4_to_8(png);
  png_set_gray_to_rgb(png);
  png_color_16 white{0, 255, 255, 255, 255};
  png_set_background(png, &white, PNG_BACKGROUND_GAMMA_SCREEN, 0, 1.0);  // flatten alpha on white
  png_set_strip_alpha(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_rowbytes(png, info) != static_cast<png_size_t>(w) * 3) {
    png_destroy_read_struct(&png, &info, nullptr);
    return std::unexpected(Error::Invalid("unsupported PNG layout", {{"image", "unsupported PNG"}}));
  }
  img.width = static_cast<int>(w);
  img.height = static_cast<int>(h);
  img.pixels.resize(static_cast<std::size_t>(w) * h * 3);
  rows.resize(h);
  for (png_uint_32 y = 0; y < h; ++y) rows[y] = img.pixels.data() + static_cast<std::size_t>(y) * w * 3;
  png_read_image(png, rows.data());
  png_destroy_read_struct(&png, &info, nullptr);
  return img;
}

struct PngWriter {
  std::string out;
};
void PngWrite(png_structp png, png_bytep data, png_size_t n) {
  static_cast<PngWriter*>(png_get_io_ptr(png))->out.append(reinterpret_cast<const char*>(data), n);
}
void PngFlush(png_structp) {}

// --- JPEG -----------------------------------------------------------------------------------
struct JpegErr {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};
void JpegFail(j_common_ptr cinfo) { std::longjmp(reinterpret_cast<JpegErr*>(cinfo->err)->jump, 1); }
void JpegSilence(j_common_ptr) {}

core::Result<RgbImage> DecodeJpeg(std::string_view bytes, std::int64_t max_pixels) {
  jpeg_decompress_struct cinfo{};
  JpegErr err{};
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = JpegFail;
  err.mgr.output_message = JpegSilence;
  RgbImage img;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return std::unexpected(Error::Invalid("the JPEG image cannot be decoded", {{"image", "corrupt JPEG data"}}));
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  jpeg_read_header(&cinfo, TRUE);
  if (static_cast<std::int64_t>(cinfo.image_width) * cinfo.image_height > max_pixels) {
    jpeg_destroy_decompress(&cinfo);
    return std::unexpected(Error::Invalid("the image is too large", {{"image", "too many pixels"}}));
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  img.width = static_cast<int>(cinfo.output_width);
  img.height = static_cast<int>(cinfo.output_height);
  img.pixels.resize(static_cast<std::size_t>(img.width) * img.height * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    unsigned char* row = img.pixels.data() + static_cast<std::size_t>(cinfo.output_scanline) * img.width * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return img;
}

core::Result<RgbImage> DecodeWebp(std::string_view bytes, std::int64_t max_pixels) {
  int w = 0, h = 0;
  auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  if (!WebPGetInfo(data, bytes.size(), &w, &h))
    return std::unexpected(Error::Invalid("the WebP image cannot be decoded", {{"image", "corrupt WebP data"}}));
  if (w <= 0 || h <= 0 || static_cast<std::int64_t>(w) * h > max_pixels)
    return std::unexpected(Error::Invalid("the image is too large", {{"image", "too many pixels"}}));
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.resize(static_cast<std::size_t>(w) * h * 3);
  if (!WebPDecodeRGBInto(data, bytes.size(), img.pixels.data(), img.pixels.size(), w * 3))
    return std::unexpected(Error::Invalid("the WebP image cannot be decoded", {{"image", "corrupt WebP data"}}));
  return img;
}

}  // namespace

std::optional<ImageType> SniffImageType(std::string_view b) {
  if (b.size() >= 8 && std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) == 0) return ImageType::png;
  if (b.size() >= 3 && std::memcmp(b.data(), "\xFF\xD8\xFF", 3) == 0) return ImageType::jpeg;
  if (b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 && std::memcmp(b.data() + 8, "WEBP", 4) == 0)
    return ImageType::webp;
  return std::nullopt;
}

std::string_view MimeOf(ImageType t) {
  switch (t) {
    case ImageType::png: return "image/png";
    case ImageType::jpeg: return "image/jpeg";
    case ImageType::webp: return "image/webp";
  }
  return "application/octet-stream";
}

std::string_view ExtensionOf(ImageType t) {
  switch (t) {
    case ImageType::png: return "png";
    case ImageType::jpeg: return "jpg";
    case ImageType::webp: return "webp";
  }
  return "bin";
}

core::Result<RgbImage> DecodeImage(std::string_view bytes, std::int64_t max_pixels) {
  auto type = SniffImageType(bytes);
  if (!type)
    return std::unexpected(Error{Errc::unsupported_media_type, "only PNG, JPEG and WebP images are accepted",
                                 {{"image", "not a PNG, JPEG or WebP image"}}});
  switch (*type) {
    case ImageType::png: return DecodePng(bytes, max_pixels);
    case ImageType::jpeg: return DecodeJpeg(bytes, max_pixels);
    case ImageType::webp: return DecodeWebp(bytes, max_pixels);
  }
  return std::unexpected(Error::Internal("unreachable"));
}

RgbImage ResizeToFit(const RgbImage& src, int max_side) {
  int longer = std::max(src.width, src.height);
  if (longer <= max_side) return src;
  double scale = static_cast<double>(max_side) / longer;
  RgbImage dst;
  dst.width = std::max(1, static_cast<int>(src.width * scale + 0.5));
  dst.height = std::max(1, static_cast<int>(src.height * scale + 0.5));
  dst.pixels.resize(static_cast<std::size_t>(dst.width) * dst.height * 3);
  // Area average: each destination pixel is the mean of the source pixels it covers.
  for (int y = 0; y < dst.height; ++y) {
    int y0 = static_cast<int>(static_cast<std::int64_t>(y) * src.height / dst.height);
    int y1 = std::max(y0 + 1, static_cast<int>(static_cast<std::int64_t>(y + 1) * src.height / dst.height));
    for (int x = 0; x < dst.width; ++x) {
      int x0 = static_cast<int>(static_cast<std::int64_t>(x) * src.width / dst.width);
      int x1 = std::max(x0 + 1, static_cast<int>(static_cast<std::int64_t>(x + 1) * src.width / dst.width));
      std::uint64_t sum[3] = {0, 0, 0};
      for (int sy = y0; sy < y1; ++sy) {
        const std::uint8_t* p = src.pixels.data() + (static_cast<std::size_t>(sy) * src.width + x0) * 3;
        for (int sx = x0; sx < x1; ++sx, p += 3) {
          sum[0] += p[0];
          sum[1] += p[1];
          sum[2] += p[2];
        }
      }
      std::uint64_t n = static_cast<std::uint64_t>(y1 - y0) * (x1 - x0);
      std::uint8_t* d = dst.pixels.data() + (static_cast<std::size_t>(y) * dst.width + x) * 3;
      for (int c = 0; c < 3; ++c) d[c] = static_cast<std::uint8_t>(sum[c] / n);
    }
  }
  return dst;
}

std::string EncodeJpeg(const RgbImage& image, int quality) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    auto* row = const_cast<unsigned char*>(image.pixels.data() + static_cast<std::size_t>(cinfo.next_scanline) * image.width * 3);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string out(reinterpret_cast<char*>(buf), size);
  jpeg_destroy_compress(&cinfo);
  free(buf);
  return out;
}

std::string EncodePng(const RgbImage& image) {
  PngWriter writer;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, PngFail, PngWarn);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return {};
  }
  png_set_write_fn(png, &writer, PngWrite, PngFlush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 6);
  png_write_info(png, info);
  for (int y = 0; y < image.height; ++y)
    png_write_row(png, const_cast<png_bytep>(image.pixels.data() + static_cast<std::size_t>(y) * image.width * 3));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return std::move(writer.out);
}

}  // namespace store::catalog
