// The edge cache: objects by cache key, each with the time it was stored and
// the time it expires on the emulator's clock (nothing expires by itself: a
// lookup judges it against the clock it is given). Bounded in entries and
// bytes; the least recently used object goes first.
//
// Thread-safe: one mutex guards the map and the LRU list; it is held only for
// map operations, never while an origin answers.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "emulator/edge/edge_types.h"

namespace cfl::edge {

struct CachedObject {
  int status = 200;
  Headers headers;
  std::string body;
  std::string distribution_id;
  std::string path;  // the viewer's path (invalidations match it)
  std::int64_t stored_ms = 0;
  std::int64_t expires_ms = 0;
  // The origin's validators (its ETag and Last-Modified as it sent them):
  // with one, an expired object is revalidated rather than fetched again.
  std::string etag;
  std::string last_modified;
  bool Revalidatable() const { return !etag.empty() || !last_modified.empty(); }
};

struct CacheLookup {
  std::shared_ptr<const CachedObject> fresh;  // a hit
  std::shared_ptr<const CachedObject> stale;  // expired, to revalidate with the origin
};

struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::size_t entries = 0;
  std::size_t bytes = 0;
  std::size_t max_entries = 0;
  std::size_t max_bytes = 0;
};

class EdgeCache {
 public:
  EdgeCache(std::size_t max_entries, std::size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

  // The object under key: fresh at now_ms and not dropped by is_purged (a
  // hit), or expired but revalidatable (stale: kept until replaced or
  // evicted); counts a hit or a miss. A purged object, or an expired one
  // without validators, is removed.
  CacheLookup Find(const std::string& key, std::int64_t now_ms,
                   const std::function<bool(const CachedObject&)>& is_purged);
  // Stores (or replaces) the object; evicts the least recently used until
  // both bounds hold. An object larger than max_bytes is not stored.
  void Insert(const std::string& key, std::shared_ptr<const CachedObject> object);
  // Removes every object; returns how many there were.
  std::size_t Clear();
  CacheStats Stats() const;

 private:
  struct Entry {
    std::shared_ptr<const CachedObject> object;
    std::list<std::string>::iterator recency;  // position in lru_
  };
  static std::size_t SizeOf(const std::string& key, const CachedObject& object);
  void EraseLocked(std::unordered_map<std::string, Entry>::iterator entry);

  const std::size_t max_entries_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently used first
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace cfl::edge
