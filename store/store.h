// The record store: versioned resources kept per account and kind.
//
// The store knows records and versions, never XML, HTTP or CloudFront's error
// codes. It reports what happened to the data (not found, already exists,
// version mismatch, still referenced); handlers map that to the API's errors.
//
// Thread safety: every method may be called from any thread. Mutations are
// serialised inside write transactions (concurrent ones may share a
// transaction, each in a savepoint of its own), so a compare-and-swap on the
// etag cannot interleave with another writer; a mutation returns once its
// transaction has committed, and fails alone when only it fails. Every read
// sees a mutation that has returned; one still in progress is seen entirely
// or not at all.
//
// The SQLite store keeps every current record in memory for reads: one
// process at a time may use a database file (changes made by another process
// would not be seen), so an open store locks its file and a second open fails.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cfl::store {

// Milliseconds since the Unix epoch (UTC).
using TimeMs = std::int64_t;

struct Record {
  std::string account;   // 12-digit account id
  std::string kind;      // "distribution", "streaming-distribution", "invalidation", ...
  std::string id;        // unique per (account, kind)
  std::string parent;    // owning resource id (an invalidation's distribution), "" if none
  std::string etag;      // current version; rotated by the caller on every replace
  std::string document;  // the resource's configuration, opaque (JSON text)
  std::string metadata;  // other attributes (tags, domain name, ...), opaque (JSON text)
  // Values unique within (account, kind), e.g. "caller:REF", "alias:www.example.com".
  // Empty in what Get and List return (see there); filled in what every other
  // method returns.
  std::vector<std::string> unique_keys;
  // Things this record points at, e.g. "oai:E2QWRUHAPOMQZL"; not unique.
  // Empty in what Get and List return, like unique_keys.
  std::vector<std::string> references;
  TimeMs created_ms = 0;
  TimeMs modified_ms = 0;
  TimeMs settles_at_ms = 0;  // when InProgress becomes Deployed / Completed
  std::int64_t sequence = 0; // insertion order, assigned by the store
};

enum class StoreErrorKind {
  kNotFound,         // no record with that id
  kAlreadyExists,    // a unique key is taken (conflicting_id/conflicting_key say by whom)
  kVersionMismatch,  // expected etag is not the current one
  kReferenced,       // delete refused: another record references this one
  kLimitExceeded,    // insert refused: the (account, kind) already holds max_count records
  kInvalidInput,     // e.g. a snapshot that cannot be imported
  kIo,               // SQLite failed; message says how
};

struct StoreError {
  StoreErrorKind kind;
  std::string conflicting_id;   // kAlreadyExists, kReferenced: the other record
  std::string conflicting_key;  // kAlreadyExists: the key that collided
  std::string message;
};

template <typename T>
using StoreResult = std::variant<T, StoreError>;

struct ListQuery {
  std::string account;
  std::string kind;
  std::optional<std::string> parent;  // only children of this record
  std::string after_id;               // keyset marker: records after this id ("" = from start)
  std::size_t limit = 100;
  bool newest_first = false;          // order by sequence descending
};

struct ListPage {
  std::vector<Record> records;
  bool truncated = false;  // more records follow the last one returned
  std::size_t total = 0;   // how many records match the query ignoring marker and limit
};

struct Counts {
  std::string account;
  std::string kind;
  std::int64_t count = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Inserts a new record; assigns its sequence. Fails with kAlreadyExists when
  // any unique key is taken in (account, kind), and with kLimitExceeded when
  // max_count is set and (account, kind) already holds that many records.
  virtual StoreResult<Record> Insert(Record record, std::optional<std::int64_t> max_count) = 0;

  // The record without its unique_keys and references: both are always empty
  // here, whatever the record holds. Readers never need them and they cost
  // more than the rest of the read; a caller that must rewrite them reads them
  // with FindReferencing or All. Replace takes them from its argument, so a
  // record from Get passed to Replace unchanged would drop them.
  virtual std::optional<Record> Get(std::string_view account, std::string_view kind,
                                    std::string_view id) = 0;

  // Compare-and-swap: replaces the record only if its stored etag equals
  // expected_etag (kVersionMismatch otherwise, kNotFound if absent).
  // Keeps id, account, kind, created_ms and sequence of the stored record.
  virtual StoreResult<Record> Replace(Record next, std::string_view expected_etag) = 0;

  // Sets metadata without touching the version (tags do not rotate etags).
  virtual StoreResult<Record> SetMetadata(std::string_view account, std::string_view kind,
                                          std::string_view id, std::string metadata) = 0;

  // Compare-and-swap delete. When guard_reference is set and any record of the
  // account lists it in references, fails with kReferenced. The record's
  // children (records of the account whose parent is its id) go with it, in
  // the same transaction: nothing outlives its owner.
  virtual StoreResult<Record> Delete(std::string_view account, std::string_view kind,
                                     std::string_view id, std::string_view expected_etag,
                                     std::optional<std::string> guard_reference) = 0;

  // Keyset pagination; the cost of a page does not depend on its position.
  // Like Get, the records come without unique_keys and references (empty).
  virtual ListPage List(const ListQuery& query) = 0;

  // Records of the account (any kind) that list this reference, with their
  // unique_keys and references (callers Replace them).
  virtual std::vector<Record> FindReferencing(std::string_view account,
                                              std::string_view reference) = 0;

  // Children of parent whose settles_at_ms is after now_ms.
  virtual std::int64_t CountUnsettledChildren(std::string_view account, std::string_view kind,
                                              std::string_view parent, TimeMs now_ms) = 0;

  // Sets settles_at_ms = now_ms on every record still settling (optionally one
  // account / one id). Returns how many changed. Does not touch etags.
  virtual std::int64_t SettleAll(TimeMs now_ms, std::optional<std::string> account,
                                 std::optional<std::string> id) = 0;

  // Removes every record (of one account when set).
  virtual void Reset(std::optional<std::string> account) = 0;

  // Every record, in (account, kind, sequence) order, with unique_keys and
  // references (snapshots export them).
  virtual std::vector<Record> All() = 0;

  // Every current record, as Get returns them (without unique_keys and
  // references), in (account, kind, sequence) order: one consistent view,
  // taken without copying the records and without reading SQLite, for
  // exports that stream them out.
  virtual std::vector<std::shared_ptr<const Record>> Current() = 0;

  // Replaces the whole content with these records in one transaction
  // (sequences are kept as given). Nothing changes if it fails.
  virtual StoreResult<std::int64_t> ReplaceAll(std::vector<Record> records) = 0;

  virtual std::vector<Counts> CountByKind() = 0;

  // Changes with every committed mutation, whatever it touched, to a value
  // no store of this process has had before. What a read returned is
  // current for as long as the value read just before it is.
  virtual std::uint64_t Generation() = 0;
};

// Opens a SQLite store. path "" or ":memory:" is a fresh database that
// nothing else sees and nothing keeps: SQLite's private temporary file,
// deleted as it is opened (so the records are held once in this process, by
// the cache, not twice); otherwise a file in WAL mode, created or migrated to
// the current schema. Reads every record of the file into memory before it
// returns.
StoreResult<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace cfl::store
