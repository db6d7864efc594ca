// A thread-safe map from text keys to immutable shared values, bounded in
// entries. For caches of things that never go stale because their key names
// everything they depend on (a parsed version, an encoded version): a miss
// only costs recomputing. When full it starts over, which is crude but keeps
// every lookup one hash and the memory bounded.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cfl {

template <typename Value>
class BoundedCache {
 public:
  explicit BoundedCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The value stored under key, or null.
  std::shared_ptr<const Value> Find(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second;
  }

  void Insert(std::string key, std::shared_ptr<const Value> value) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_.insert_or_assign(std::move(key), std::move(value));
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Value>> entries_;
  const std::size_t max_entries_;
};

}  // namespace cfl
