#include "store/record_cache.h"

#include <algorithm>
#include <iterator>
#include <mutex>

namespace cfl::store::detail {
namespace {

// Walks [begin, end) and fills page with up to limit records that pass keep;
// truncated says whether one more would have followed.
template <typename Iterator, typename Keep>
void FillPage(Iterator begin, Iterator end, std::size_t limit, const Keep& keep,
              std::vector<std::shared_ptr<const Record>>& taken, bool& truncated) {
  for (auto it = begin; it != end; ++it) {
    if (!keep(*it->second)) continue;
    if (taken.size() == limit) {
      truncated = true;
      return;
    }
    taken.push_back(it->second);
  }
}

}  // namespace

namespace {

// Process-wide, so that two stores (tests open many) never share a generation.
std::uint64_t NextGeneration() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}

}  // namespace

RecordCache::RecordCache() : generation_(NextGeneration()) {}

void RecordCache::Apply(std::vector<CacheChange> changes, std::int64_t source_changes) {
  std::unique_lock lock(mutex_);
  struct MoveGenerationOn {
    std::atomic<std::uint64_t>& generation;
    ~MoveGenerationOn() { generation = NextGeneration(); }
  } after_changes{generation_};
  source_changes_ = source_changes;
  for (auto& change : changes) {
    if (auto* put = std::get_if<PutRecord>(&change)) {
      Put(std::move(*put));
    } else if (const auto* erase = std::get_if<EraseRecord>(&change)) {
      Erase(erase->account, erase->kind, erase->id);
    } else if (const auto* clear = std::get_if<ClearRecords>(&change)) {
      if (clear->account) {
        accounts_.erase(*clear->account);
      } else {
        accounts_.clear();
      }
    }
  }
}

std::shared_ptr<const Record> RecordCache::Find(std::string_view account, std::string_view kind,
                                                std::string_view id) const {
  std::shared_lock lock(mutex_);
  const KindRecords* records = FindKind(account, kind);
  if (records == nullptr) return nullptr;
  const auto found = records->by_id.find(id);
  return found == records->by_id.end() ? nullptr : found->second;
}

std::optional<StoredVersion> RecordCache::FindVersion(std::string_view account, std::string_view kind,
                                                     std::string_view id) const {
  std::shared_lock lock(mutex_);
  const KindRecords* records = FindKind(account, kind);
  if (records == nullptr) return std::nullopt;
  const auto found = records->by_id.find(id);
  if (found == records->by_id.end()) return std::nullopt;
  const auto& cached = static_cast<const CachedRecord&>(*found->second);
  if (!cached.links) return std::nullopt;
  StoredVersion stored;
  stored.record.account = cached.account;
  stored.record.kind = cached.kind;
  stored.record.id = cached.id;
  stored.record.parent = cached.parent;
  stored.record.etag = cached.etag;
  stored.record.created_ms = cached.created_ms;
  stored.record.sequence = cached.sequence;
  stored.links = cached.links;
  return stored;
}

ListPage RecordCache::List(const ListQuery& query) const {
  ListPage page;
  std::vector<Pointer> taken;
  {
    std::shared_lock lock(mutex_);
    const KindRecords* records = FindKind(query.account, query.kind);
    if (records == nullptr) return page;
    const BySequence* index = &records->by_sequence;
    if (query.parent) {
      const auto children = records->by_parent.find(*query.parent);
      if (children == records->by_parent.end()) return page;
      index = &children->second;
    }
    page.total = index->size();
    taken.reserve(std::min(query.limit, index->size()));

    const auto keep_all = [](const Record&) { return true; };
    if (query.after_id.empty()) {
      if (query.newest_first) {
        FillPage(index->rbegin(), index->rend(), query.limit, keep_all, taken, page.truncated);
      } else {
        FillPage(index->begin(), index->end(), query.limit, keep_all, taken, page.truncated);
      }
    } else if (const auto marker = records->by_id.find(query.after_id);
               marker != records->by_id.end()) {
      // A known marker continues strictly after its sequence (whatever its parent).
      const std::int64_t sequence = marker->second->sequence;
      if (query.newest_first) {
        FillPage(std::make_reverse_iterator(index->lower_bound(sequence)), index->rend(),
                 query.limit, keep_all, taken, page.truncated);
      } else {
        FillPage(index->upper_bound(sequence), index->end(), query.limit, keep_all, taken,
                 page.truncated);
      }
    } else {
      // The rare unknown marker costs a walk of the whole index.
      const auto after_marker = [&](const Record& record) { return record.id > query.after_id; };
      if (query.newest_first) {
        FillPage(index->rbegin(), index->rend(), query.limit, after_marker, taken, page.truncated);
      } else {
        FillPage(index->begin(), index->end(), query.limit, after_marker, taken, page.truncated);
      }
    }
  }
  // Copies outside the lock: a writer waits for pointers, not for documents.
  page.records.reserve(taken.size());
  for (const auto& record : taken) page.records.push_back(*record);
  return page;
}

std::int64_t RecordCache::CountUnsettledChildren(std::string_view account, std::string_view kind,
                                                 std::string_view parent, TimeMs now_ms) const {
  std::shared_lock lock(mutex_);
  const KindRecords* records = FindKind(account, kind);
  if (records == nullptr) return 0;
  const auto children = records->by_parent.find(parent);
  if (children == records->by_parent.end()) return 0;
  std::int64_t unsettled = 0;
  for (const auto& [sequence, child] : children->second) {
    if (child->settles_at_ms > now_ms) ++unsettled;
  }
  return unsettled;
}

const RecordCache::KindRecords* RecordCache::FindKind(std::string_view account,
                                                      std::string_view kind) const {
  const auto kinds = accounts_.find(account);
  if (kinds == accounts_.end()) return nullptr;
  const auto records = kinds->second.find(kind);
  return records == kinds->second.end() ? nullptr : &records->second;
}

std::vector<std::shared_ptr<const Record>> RecordCache::All() const {
  std::vector<std::pair<std::pair<std::string_view, std::string_view>, const BySequence*>> kinds;
  std::vector<Pointer> all;
  std::shared_lock lock(mutex_);
  for (const auto& [account, by_kind] : accounts_) {
    for (const auto& [kind, records] : by_kind) kinds.push_back({{account, kind}, &records.by_sequence});
  }
  std::sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, records] : kinds) {
    for (const auto& [sequence, record] : *records) all.push_back(record);
  }
  return all;
}

void RecordCache::Put(PutRecord put) {
  Record& record = put.record;
  std::optional<std::string> links;
  if (put.with_links) links = LinksOf(record);
  record.unique_keys.clear();
  record.unique_keys.shrink_to_fit();
  record.references.clear();
  record.references.shrink_to_fit();
  // Text built by appending (a dumped config) has up to twice the room it
  // needs; held for as long as the record lives, that would make memory per
  // record depend on how the record was made.
  record.document.shrink_to_fit();
  record.metadata.shrink_to_fit();
  std::shared_ptr<const Record> stored = std::make_shared<const CachedRecord>(CachedRecord{std::move(record), std::move(links)});
  KindRecords& records = accounts_[stored->account][stored->kind];
  auto [slot, inserted] = records.by_id.try_emplace(stored->id, stored);
  if (!inserted) {
    Unindex(records, *slot->second);
    slot->second = stored;
  }
  records.by_sequence[stored->sequence] = stored;
  records.by_parent[stored->parent][stored->sequence] = stored;
}

void RecordCache::Erase(std::string_view account, std::string_view kind, std::string_view id) {
  const auto kinds = accounts_.find(account);
  if (kinds == accounts_.end()) return;
  const auto records = kinds->second.find(kind);
  if (records == kinds->second.end()) return;
  const auto found = records->second.by_id.find(id);
  if (found == records->second.by_id.end()) return;
  Unindex(records->second, *found->second);
  records->second.by_id.erase(found);
  // Empty maps would pile up for ever under made-up accounts and kinds.
  if (records->second.by_id.empty()) kinds->second.erase(records);
  if (kinds->second.empty()) accounts_.erase(kinds);
}

// Removes record from the sequence and parent indexes (not from by_id).
void RecordCache::Unindex(KindRecords& records, const Record& record) {
  records.by_sequence.erase(record.sequence);
  const auto siblings = records.by_parent.find(record.parent);
  if (siblings == records.by_parent.end()) return;
  siblings->second.erase(record.sequence);
  if (siblings->second.empty()) records.by_parent.erase(siblings);
}

}  // namespace cfl::store::detail
