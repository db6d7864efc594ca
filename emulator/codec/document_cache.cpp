#include "emulator/codec/document_cache.h"

namespace cfl::model {

std::shared_ptr<const cfl::Json> DocumentCache::Parse(const std::string& text) {
  if (auto cached = parsed_.Find(text)) return cached;
  auto parsed = std::make_shared<const cfl::Json>(cfl::Json::parse(text, nullptr, /*allow_exceptions=*/false));
  parsed_.Insert(text, parsed);
  return parsed;
}

void DocumentCache::Keep(std::string text, std::shared_ptr<const cfl::Json> parsed) {
  parsed_.Insert(std::move(text), std::move(parsed));
}

}  // namespace cfl::model
