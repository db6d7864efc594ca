#include "emulator/edge/cache.h"

namespace cfl::edge {

std::size_t EdgeCache::SizeOf(const std::string& key, const CachedObject& object) {
  std::size_t size = key.size() + object.body.size() + object.path.size() + 64;
  for (const auto& [name, value] : object.headers) size += name.size() + value.size();
  return size;
}

void EdgeCache::EraseLocked(std::unordered_map<std::string, Entry>::iterator entry) {
  bytes_ -= SizeOf(entry->first, *entry->second.object);
  lru_.erase(entry->second.recency);
  entries_.erase(entry);
}

CacheLookup EdgeCache::Find(const std::string& key, std::int64_t now_ms,
                            const std::function<bool(const CachedObject&)>& is_purged) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end()) {
    ++misses_;
    return {};
  }
  const auto& object = *found->second.object;
  const bool expired = object.expires_ms <= now_ms;
  if ((is_purged && is_purged(object)) || (expired && !object.Revalidatable())) {
    EraseLocked(found);
    ++misses_;
    return {};
  }
  lru_.splice(lru_.begin(), lru_, found->second.recency);
  if (expired) {
    ++misses_;
    return {nullptr, found->second.object};
  }
  ++hits_;
  return {found->second.object, nullptr};
}

void EdgeCache::Insert(const std::string& key, std::shared_ptr<const CachedObject> object) {
  const std::size_t size = SizeOf(key, *object);
  if (size > max_bytes_ || max_entries_ == 0) return;
  std::lock_guard lock(mutex_);
  if (const auto existing = entries_.find(key); existing != entries_.end()) EraseLocked(existing);
  while (!lru_.empty() && (entries_.size() + 1 > max_entries_ || bytes_ + size > max_bytes_)) {
    EraseLocked(entries_.find(lru_.back()));
  }
  lru_.push_front(key);
  entries_.emplace(key, Entry{std::move(object), lru_.begin()});
  bytes_ += size;
}

std::size_t EdgeCache::Clear() {
  std::lock_guard lock(mutex_);
  const std::size_t count = entries_.size();
  entries_.clear();
  lru_.clear();
  bytes_ = 0;
  return count;
}

CacheStats EdgeCache::Stats() const {
  std::lock_guard lock(mutex_);
  return {hits_, misses_, entries_.size(), bytes_, max_entries_, max_bytes_};
}

}  // namespace cfl::edge
