#include "emulator/codec/document_cache.h"

namespace cfl::model {

std::shared_ptr<const nlohmann::json> DocumentCache::Parse(const std::string& text) {
  if (auto cached = parsed_.Find(text)) return cached;
  auto parsed = std::make_shared<const nlohmann::json>(nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false));
  parsed_.Insert(text, parsed);
  return parsed;
}

void DocumentCache::Keep(std::string text, std::shared_ptr<const nlohmann::json> parsed) {
  parsed_.Insert(std::move(text), std::move(parsed));
}

}  // namespace cfl::model
