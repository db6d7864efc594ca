// Parsed JSON documents by their text, so reading the same version again
// costs a lookup instead of a parse. Stored documents are immutable per
// version, so entries never go stale; the cache only bounds its size.
// Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include "emulator/common/json.h"
#include <string>

#include "emulator/common/bounded_cache.h"

namespace cfl::model {

class DocumentCache {
 public:
  explicit DocumentCache(std::size_t max_entries) : parsed_(max_entries) {}

  // The parsed document (discarded/null JSON when text is not JSON).
  std::shared_ptr<const cfl::Json> Parse(const std::string& text);

  // Keeps parsed as the parse of text, which the caller has just made by
  // dumping parsed: a writer primes the cache for the version it stores.
  void Keep(std::string text, std::shared_ptr<const cfl::Json> parsed);

 private:
  BoundedCache<cfl::Json> parsed_;
};

}  // namespace cfl::model
