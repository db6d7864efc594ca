// Decoded request payloads kept by the bytes they were decoded from: clients
// send the same body again and again (an If-Match chain of updates, retries),
// and decoding and validating one costs more than the rest of the pipeline's
// wire work. A payload is kept only when the whole input it came in was valid,
// so a hit stands for a payload that decodes and validates without a word.
// Entries never go stale (the key is every byte decoded and the operation);
// the cache bounds its entries and the size of the bodies it keeps.
// Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/common/json.h"

#include "emulator/common/bounded_cache.h"

namespace cfl::model {

class DecodedPayloads {
 public:
  // Bodies longer than this are decoded every time (the cache's memory is
  // bounded by max_entries times it).
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;

  explicit DecodedPayloads(std::size_t max_entries) : decoded_(max_entries) {}

  // The payload decoded from body for operation, if kept.
  std::shared_ptr<const cfl::Json> Find(std::string_view operation, std::string_view body);
  // Keeps payload, decoded from body for operation and valid.
  void Keep(std::string_view operation, std::string_view body, cfl::Json payload);

  // The process's cache, shared by every request.
  static DecodedPayloads& Shared();

 private:
  static std::string Key(std::string_view operation, std::string_view body);

  BoundedCache<cfl::Json> decoded_;
};

}  // namespace cfl::model
