// Parsed JSON documents by their text, so reading the same version again
// costs a lookup instead of a parse. Stored documents are immutable per
// version, so entries never go stale; the cache only bounds its size.
// Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

namespace cfl::handlers {

class DocumentCache {
 public:
  explicit DocumentCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The parsed document (discarded/null JSON when text is not JSON).
  std::shared_ptr<const nlohmann::json> Parse(const std::string& text);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const nlohmann::json>> entries_;
  std::size_t max_entries_;
};

}  // namespace cfl::handlers
