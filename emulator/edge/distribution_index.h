// Which distribution a viewer reached: by Host (its dxxxx.cloudfront.net
// domain name or an alias, wildcard aliases included, in any account) or by
// id (the /_edge/<id>/ path form); and the invalidations of each. Built from the store's current records and
// rebuilt when the store's generation moves, so a lookup between writes is
// one hash.
//
// Thread-safe: Find may run on any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace cfl::edge {

struct DistributionRef {
  std::string account;
  std::string id;
};

// An invalidation as the cache needs it: when it completes, what it covers.
struct Invalidation {
  std::int64_t completes_ms = 0;
  std::vector<std::string> paths;
};

class DistributionIndex {
 public:
  explicit DistributionIndex(store::Store& store) : store_(store) {}

  // The distribution whose domain name or alias is host (lowercase, no port).
  std::optional<DistributionRef> ByHost(std::string_view host);
  // The distribution with this id (ids are unique across accounts).
  std::optional<DistributionRef> ById(std::string_view id);
  // The invalidations of a distribution (shared, immutable; empty when none).
  std::shared_ptr<const std::vector<Invalidation>> InvalidationsOf(std::string_view distribution_id);

 private:
  struct Table {
    std::uint64_t generation = 0;
    std::unordered_map<std::string, DistributionRef> hosts;  // domain names and aliases ("*.x.com" kept as is)
    std::unordered_map<std::string, DistributionRef> ids;
    std::unordered_map<std::string, std::shared_ptr<std::vector<Invalidation>>> invalidations;  // by distribution
  };
  std::shared_ptr<const Table> Current();
  static void AddInvalidation(Table& table, const store::Record& record);

  store::Store& store_;
  std::mutex mutex_;
  std::shared_ptr<const Table> table_;
};

// Host without its port, lowercased, without a trailing dot; "" when longer
// than a DNS name may be (253) or holding characters no host name has.
std::string NormalizedHost(std::string_view host_header);

}  // namespace cfl::edge
