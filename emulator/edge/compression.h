// Compression at the edge, as the CloudFront Developer Guide ("Serve
// compressed files") describes it: a behavior with Compress compresses an
// origin's uncompressed answer for a viewer that accepts gzip or br (br
// preferred), when the cache key has that encoding (a cache policy's
// EnableAcceptEncodingGzip / EnableAcceptEncodingBrotli; a legacy behavior:
// gzip only), the status is 200, 403 or 404, the origin gave a
// Content-Length of 1,000 to 10,000,000 bytes, and the Content-Type is one
// CloudFront compresses. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/edge/caching.h"
#include "emulator/edge/edge_types.h"

namespace cfl::edge {

enum class Encoding { kIdentity, kGzip, kBrotli };

// "gzip", "br" ("" for identity): the Content-Encoding value.
std::string_view EncodingName(Encoding encoding);

// The encoding the edge compresses in for this viewer (accept_encoding: the
// viewer's Accept-Encoding) under a behavior with Compress = compress whose
// cache key takes key.gzip / key.brotli; kIdentity when it does not.
Encoding ChosenEncoding(bool compress, const RequestParts& key, std::string_view accept_encoding);

// The Accept-Encoding the origin gets when the cache key takes the encoding
// (normalized as CloudFront does: "br,gzip", "gzip", "br"); "" for none.
std::string NormalizedAcceptEncoding(const RequestParts& key, std::string_view accept_encoding);

// Whether CloudFront compresses this origin answer (its status, headers as
// the origin sent them, and body).
bool Compressible(int status, const Headers& origin_headers, std::string_view body);

// body compressed; nullopt when the library fails (the answer then goes
// uncompressed).
std::optional<std::string> Compress(Encoding encoding, std::string_view body);

}  // namespace cfl::edge
