#include "emulator/edge/compression.h"

#include <doctest/doctest.h>
#include <zlib.h>

namespace cfl::edge {
namespace {

RequestParts KeyWith(bool gzip, bool brotli) {
  RequestParts parts;
  parts.gzip = gzip;
  parts.brotli = brotli;
  return parts;
}

Headers OriginHeaders(std::string_view type, std::size_t length) {
  return {{"Content-Type", std::string(type)}, {"Content-Length", std::to_string(length)}};
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  CHECK(inflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

}  // namespace

TEST_CASE("the encoding: br before gzip, each only when the key takes it and the viewer accepts it") {
  CHECK(ChosenEncoding(true, KeyWith(true, true), "gzip, deflate, br") == Encoding::kBrotli);
  CHECK(ChosenEncoding(true, KeyWith(true, false), "gzip, deflate, br") == Encoding::kGzip);
  CHECK(ChosenEncoding(true, KeyWith(true, true), "GZIP") == Encoding::kGzip);
  CHECK(ChosenEncoding(true, KeyWith(true, true), "br;q=0, gzip;q=0.5") == Encoding::kGzip);
  CHECK(ChosenEncoding(true, KeyWith(true, true), "gzip;q=0") == Encoding::kIdentity);
  CHECK(ChosenEncoding(true, KeyWith(true, true), "identity, xgzip") == Encoding::kIdentity);
  CHECK(ChosenEncoding(false, KeyWith(true, true), "gzip, br") == Encoding::kIdentity);
  CHECK(ChosenEncoding(true, KeyWith(false, false), "gzip, br") == Encoding::kIdentity);
  CHECK(NormalizedAcceptEncoding(KeyWith(true, true), "deflate, br, gzip") == "br,gzip");
  CHECK(NormalizedAcceptEncoding(KeyWith(true, false), "br") == "");
}

TEST_CASE("what is compressible: status, origin encoding, a true Content-Length in range, the type") {
  const std::string body(5000, 'a');
  CHECK(Compressible(200, OriginHeaders("text/html; charset=utf-8", body.size()), body));
  CHECK(Compressible(404, OriginHeaders("application/json", body.size()), body));
  CHECK_FALSE(Compressible(206, OriginHeaders("text/html", body.size()), body));
  CHECK_FALSE(Compressible(200, OriginHeaders("image/png", body.size()), body));
  CHECK_FALSE(Compressible(200, {{"Content-Type", "text/html"}}, body));  // no Content-Length: chunked
  CHECK_FALSE(Compressible(200, OriginHeaders("text/html", 999), std::string(999, 'a')));
  CHECK(Compressible(200, OriginHeaders("text/html", 1000), std::string(1000, 'a')));
  CHECK_FALSE(Compressible(200, OriginHeaders("text/html", 10'000'001), std::string(10'000'001, 'a')));
  auto encoded = OriginHeaders("text/html", body.size());
  encoded.emplace_back("Content-Encoding", "gzip");
  CHECK_FALSE(Compressible(200, encoded, body));
}

TEST_CASE("gzip output inflates to the input; br output is smaller than the input") {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "line " + std::to_string(i) + " of a compressible page\n";
  const auto gzipped = Compress(Encoding::kGzip, text);
  REQUIRE(gzipped);
  CHECK(gzipped->size() < text.size() / 3);
  CHECK(Gunzip(*gzipped) == text);
  const auto brotli = Compress(Encoding::kBrotli, text);
  REQUIRE(brotli);
  CHECK(brotli->size() < text.size() / 3);
  CHECK(*Compress(Encoding::kIdentity, text) == text);
}

}  // namespace cfl::edge
