#include "emulator/handlers/document_cache.h"

namespace cfl::handlers {

std::shared_ptr<const nlohmann::json> DocumentCache::Parse(const std::string& text) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = entries_.find(text); it != entries_.end()) return it->second;
  }
  auto parsed = std::make_shared<const nlohmann::json>(nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false));
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();  // crude but bounded; a miss is only a parse
  entries_.emplace(text, parsed);
  return parsed;
}

}  // namespace cfl::handlers
