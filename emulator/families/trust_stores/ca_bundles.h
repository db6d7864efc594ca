// The CA certificates bundle of a trust store. The real service reads it from
// S3; the emulator reaches no S3, so it reads the object from a local
// directory when one is configured (--s3-dir DIR: the object s3://BUCKET/KEY
// is the file DIR/BUCKET/KEY), and without one takes the bundle to hold one
// CA certificate, unread.
//
// Thread safety: stateless; reads the file system only.
#pragma once

#include <string>
#include <string_view>

#include "emulator/engine/handler.h"

namespace cfl::families {

struct CaBundle {
  std::int64_t certificates = 0;
  bool read = false;  // false: no --s3-dir, the bundle was taken as given
};

// The most a bundle may hold, and the most the emulator reads of one.
inline constexpr std::size_t kMaxCaBundleBytes = 1 << 20;
inline constexpr std::int64_t kMaxCaCertificates = 1000;

// How many CA certificates a PEM bundle holds: InvalidArgument unless it is
// one or more PEM X.509 certificates (nothing else but whitespace between),
// each of a certificate authority (basic constraints CA:TRUE), at most
// kMaxCaCertificates.
Result<std::int64_t, ApiError> CountCaCertificates(std::string_view pem);

// The bundle at location ({Bucket, Key, Region, Version}): EntityNotFound when
// the directory has no such object, InvalidArgument when it is malformed or a
// name could leave the directory. s3_dir "" reads nothing.
Result<CaBundle, ApiError> ReadCaBundle(const std::string& s3_dir, const engine::Json& location);

}  // namespace cfl::families
