// Every current record in memory, so reads (Get, List, CountUnsettledChildren)
// touch no SQLite and never wait for a writer's commit.
//
// SQLite stays the durable truth: the cache is loaded from it when the store
// opens, and each write batch applies its changes here only after its COMMIT
// succeeded (a failed or rolled-back batch leaves the cache as it was). This
// holds as long as this process is the only writer of the database file.
//
// Records are kept without unique_keys and references (Get and List leave
// them out; see store.h), so the cache costs about the records' documents and
// metadata; a record written through an insert or a replace keeps them as
// one short text (its links), for the next replace's FindVersion. Each record
// is an immutable shared_ptr: a reader copies the pointer under the lock and
// the record after it.
//
// Thread safety: every method may be called from any thread. Apply takes the
// lock exclusively and applies its whole list at once, so readers see a batch
// entirely or not at all.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "store/record_table.h"
#include "store/store.h"

namespace cfl::store::detail {

// Adds the record or replaces the one with its (account, kind, id). Its
// unique_keys and references are dropped; with_links says they are the ones
// the database holds for it (the record was just written with them), so the
// cache keeps them as their LinksOf text for FindVersion.
struct PutRecord {
  Record record;
  bool with_links = false;
};
struct EraseRecord {
  std::string account;
  std::string kind;
  std::string id;
};
// Removes every record (of one account when set).
struct ClearRecords {
  std::optional<std::string> account;
};
using CacheChange = std::variant<PutRecord, EraseRecord, ClearRecords>;

class RecordCache {
 public:
  RecordCache();
  RecordCache(const RecordCache&) = delete;
  RecordCache& operator=(const RecordCache&) = delete;

  // Applies the changes in order, all under one exclusive lock, and moves
  // the generation on. source_changes: the database connection's change
  // count (sqlite3_total_changes64) once the changes are committed; -1 when
  // unknown.
  void Apply(std::vector<CacheChange> changes, std::int64_t source_changes = -1);

  // The source_changes of the last Apply: while the connection's change
  // count still equals it, the database holds exactly what the cache does.
  std::int64_t SourceChanges() const { return source_changes_.load(); }

  // What a replace checks of the stored record, as RecordTable::FindVersion
  // reads it, from memory; nullopt when the record is not here or was put
  // without its links (loaded from the file, settled, renewed).
  std::optional<StoredVersion> FindVersion(std::string_view account, std::string_view kind,
                                           std::string_view id) const;

  // Store::Generation: changed by every Apply, under its lock and after its
  // changes, so a reader that reads it and then the cache saw that
  // generation's records or newer ones. Values are unique in the process.
  std::uint64_t Generation() const { return generation_.load(); }

  std::shared_ptr<const Record> Find(std::string_view account, std::string_view kind,
                                     std::string_view id) const;

  // The same page as the SQL keyset query over the records table would give:
  // records of (account, kind) (and parent when set) in sequence order, after
  // the marker. A marker that names no record of (account, kind) (deleted
  // since the previous page, or made up) keeps the order and returns the
  // records whose id compares greater: never an error, never an endless loop.
  ListPage List(const ListQuery& query) const;

  // Every record, in (account, kind, sequence) order, as of one moment.
  std::vector<std::shared_ptr<const Record>> All() const;

  // Children of parent (records of kind whose parent it is) with
  // settles_at_ms after now_ms.
  std::int64_t CountUnsettledChildren(std::string_view account, std::string_view kind,
                                      std::string_view parent, TimeMs now_ms) const;

 private:
  using Pointer = std::shared_ptr<const Record>;
  using BySequence = std::map<std::int64_t, Pointer>;

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  template <typename Value>
  using TextMap = std::unordered_map<std::string, Value, TextHash, std::equal_to<>>;

  // The records of one (account, kind), indexed three ways.
  struct KindRecords {
    TextMap<Pointer> by_id;
    BySequence by_sequence;
    TextMap<BySequence> by_parent;  // parent "" holds the records without one
  };
  using AccountRecords = TextMap<KindRecords>;  // by kind

  // Every record the cache holds is one of these.
  struct CachedRecord : Record {
    std::optional<std::string> links;  // LinksOf the record as stored, when known
  };

  const KindRecords* FindKind(std::string_view account, std::string_view kind) const;
  void Put(PutRecord put);
  void Erase(std::string_view account, std::string_view kind, std::string_view id);
  static void Unindex(KindRecords& records, const Record& record);

  mutable std::shared_mutex mutex_;
  std::atomic<std::uint64_t> generation_;
  std::atomic<std::int64_t> source_changes_{-1};
  TextMap<AccountRecords> accounts_;
};

}  // namespace cfl::store::detail
