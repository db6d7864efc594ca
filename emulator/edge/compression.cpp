#include "emulator/edge/compression.h"

#include <brotli/encode.h>
#include <strings.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cstdlib>

namespace cfl::edge {
namespace {

constexpr std::size_t kMinCompressedSize = 1000;
constexpr std::size_t kMaxCompressedSize = 10'000'000;

// The Content-Types CloudFront compresses (Developer Guide, "File types that
// CloudFront compresses"), compared without parameters (charset=…).
constexpr std::string_view kCompressibleTypes[] = {
    "application/dash+xml", "application/eot", "application/font", "application/font-sfnt",
    "application/javascript", "application/json", "application/opentype", "application/otf",
    "application/pdf", "application/pkcs7-mime", "application/protobuf", "application/rss+xml",
    "application/truetype", "application/ttf", "application/vnd.apple.mpegurl", "application/vnd.mapbox-vector-tile",
    "application/vnd.ms-fontobject", "application/wasm", "application/xhtml+xml", "application/xml",
    "application/x-font-opentype", "application/x-font-truetype", "application/x-font-ttf",
    "application/x-httpd-cgi", "application/x-javascript", "application/x-mpegurl", "application/x-opentype",
    "application/x-otf", "application/x-perl", "application/x-ttf", "font/eot", "font/opentype", "font/otf",
    "font/ttf", "image/svg+xml", "text/css", "text/csv", "text/html", "text/javascript", "text/js",
    "text/plain", "text/richtext", "text/tab-separated-values", "text/xml", "text/x-script",
    "text/x-component", "text/x-java-source", "vnd.ms-fontobject", "x-font/otf", "x-font/ttf"};

const std::string* Find(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return &value;
  }
  return nullptr;
}

std::string MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  std::string lowered(content_type);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered;
}

// Whether Accept-Encoding lists coding with a q-value above 0.
bool Accepts(std::string_view accept_encoding, std::string_view coding) {
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const auto semicolon = item.find(';');
    std::string_view name = item.substr(0, semicolon);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.size() != coding.size() || strncasecmp(name.data(), coding.data(), coding.size()) != 0) continue;
    if (semicolon == std::string_view::npos) return true;
    const std::string_view parameters = item.substr(semicolon + 1);
    const auto q = parameters.find("q=");
    if (q == std::string_view::npos) return true;
    return std::strtod(std::string(parameters.substr(q + 2)).c_str(), nullptr) > 0;  // q=0: refused
  }
  return false;
}

std::optional<std::string> Gzip(std::string_view body) {
  z_stream stream{};
  // 16 + MAX_WBITS: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(body.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return out;
}

std::optional<std::string> Brotli(std::string_view body) {
  std::size_t size = BrotliEncoderMaxCompressedSize(body.size());
  if (size == 0) return std::nullopt;
  std::string out(size, '\0');
  // Quality 5: most of the gain at a small part of the cost of 11.
  if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, body.size(),
                             reinterpret_cast<const std::uint8_t*>(body.data()), &size,
                             reinterpret_cast<std::uint8_t*>(out.data()))) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

}  // namespace

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kGzip: return "gzip";
    case Encoding::kBrotli: return "br";
    case Encoding::kIdentity: break;
  }
  return "";
}

Encoding ChosenEncoding(bool compress, const RequestParts& key, std::string_view accept_encoding) {
  if (!compress) return Encoding::kIdentity;
  if (key.brotli && Accepts(accept_encoding, "br")) return Encoding::kBrotli;
  if (key.gzip && Accepts(accept_encoding, "gzip")) return Encoding::kGzip;
  return Encoding::kIdentity;
}

std::string NormalizedAcceptEncoding(const RequestParts& key, std::string_view accept_encoding) {
  const bool br = key.brotli && Accepts(accept_encoding, "br");
  const bool gzip = key.gzip && Accepts(accept_encoding, "gzip");
  if (br && gzip) return "br,gzip";
  return br ? "br" : gzip ? "gzip" : "";
}

bool Compressible(int status, const Headers& origin_headers, std::string_view body) {
  if (status != 200 && status != 403 && status != 404) return false;
  if (const auto* encoding = Find(origin_headers, "Content-Encoding"); encoding && !encoding->empty() &&
                                                                       MediaType(*encoding) != "identity") {
    return false;  // the origin compressed it already
  }
  const auto* length = Find(origin_headers, "Content-Length");
  if (!length) return false;
  std::size_t declared = 0;
  const auto parsed = std::from_chars(length->data(), length->data() + length->size(), declared);
  if (parsed.ec != std::errc() || declared != body.size()) return false;
  if (declared < kMinCompressedSize || declared > kMaxCompressedSize) return false;
  const auto* type = Find(origin_headers, "Content-Type");
  if (!type) return false;
  const std::string media = MediaType(*type);
  return std::find(std::begin(kCompressibleTypes), std::end(kCompressibleTypes), media) != std::end(kCompressibleTypes);
}

std::optional<std::string> Compress(Encoding encoding, std::string_view body) {
  switch (encoding) {
    case Encoding::kGzip: return Gzip(body);
    case Encoding::kBrotli: return Brotli(body);
    case Encoding::kIdentity: break;
  }
  return std::string(body);
}

}  // namespace cfl::edge
