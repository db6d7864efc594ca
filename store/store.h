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
#include <functional>
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
  // Things this record points at (ReferenceTo form, e.g.
  // "origin-access-identity:E2QWRUHAPOMQZL"); not unique.
  // Empty in what Get and List return, like unique_keys.
  std::vector<std::string> references;
  TimeMs created_ms = 0;
  TimeMs modified_ms = 0;
  TimeMs settles_at_ms = 0;   // when InProgress becomes Deployed / Completed
  std::int64_t sequence = 0;  // insertion order, assigned by the store
};

enum class StoreErrorKind {
  kNotFound,          // no record with that id
  kAlreadyExists,     // a unique key is taken (conflicting_id/conflicting_key say by whom)
  kVersionMismatch,   // expected etag is not the current one
  kReferenced,        // delete refused: another record references this one (conflicting_kind/_id)
  kMissingReference,  // a required reference names no record (conflicting_key is the reference)
  kLimitExceeded,     // insert refused: a count or sibling limit would be exceeded
  kInvalidInput,      // e.g. a snapshot that cannot be imported
  kIo,                // SQLite failed; message says how
};

struct StoreError {
  StoreErrorKind kind;
  std::string conflicting_id;   // kAlreadyExists, kReferenced: the other record
  std::string conflicting_key;  // kAlreadyExists: the key that collided; kMissingReference: the reference
  std::string message;
  std::string conflicting_kind = {};  // kReferenced: the kind of the record that references
  std::size_t step = 0;               // Transact: the index of the step that failed
};

// The one result type of the store: a value or what went wrong.
template <typename T>
using StoreResult = std::variant<T, StoreError>;

// The value of a store operation that succeeds with nothing to return.
struct Done {};

// What a record lists in references to point at another record of its
// account: "KIND:ID", e.g. "origin-access-identity:E2QWRUHAPOMQZL".
std::string ReferenceTo(std::string_view kind, std::string_view id);

// Checked inside the insert's transaction, in this order; each refusal
// changes nothing.
// A limit on some of a kind's records (staging distributions among an
// account's distributions): at most max records of (account, kind) for which
// counts returns true. The record being inserted is counted by the same test.
struct SubsetLimit {
  std::string name;  // the StoreError's conflicting_key when the limit refuses
  std::int64_t max = 0;
  std::function<bool(const Record&)> counts;
};

struct InsertRules {
  // Each must name an existing record of the account (ReferenceTo form),
  // else kMissingReference naming the first that does not. Usually a subset
  // of the record's references: some targets exist without a record (e.g.
  // AWS-managed policies).
  std::vector<std::string> required_references = {};
  // When set, the record's parent must be a record of this kind in the
  // account, else kMissingReference with conflicting_key ReferenceTo(parent_kind, parent).
  std::string parent_kind = {};
  // When set, refuses (kLimitExceeded) once (account, kind) holds this many records.
  std::optional<std::int64_t> max_count = {};
  // When set, refuses (kLimitExceeded) unless it returns true for the
  // records of the same (account, kind, parent) still settling at now_ms.
  std::function<bool(const std::vector<Record>& unsettled_siblings)> siblings_allow = {};
  TimeMs now_ms = 0;
  // When set and the record counts, refuses (kLimitExceeded, conflicting_key
  // = subset_limit.name) once subset_limit.max counted records exist.
  std::optional<SubsetLimit> subset_limit = {};
};

struct ReplaceRules {
  // Compare-and-swap: kVersionMismatch unless the stored etag is this one.
  // nullopt replaces whatever version is stored.
  std::optional<std::string> expected_etag = {};
  // As for InsertRules.
  std::vector<std::string> required_references = {};
  // Every record of these kinds that references the replaced record is
  // passed to renew, which gives it a new version, and stored in the same
  // transaction: only its etag, modified_ms and settles_at_ms are kept.
  std::vector<std::string> renew_kinds = {};
  std::function<void(Record& dependent)> renew = {};
  // Refuses (kReferenced, as DeleteRules::refuse_while_referenced) while a
  // record of one of these kinds references the replaced record.
  std::vector<std::string> refuse_while_referenced_by = {};
};

struct DeleteRules {
  // Compare-and-swap as in ReplaceRules.
  std::optional<std::string> expected_etag = {};
  // Refuses (kReferenced, naming the referenced record's kind in
  // conflicting_key) while another record of the account references this
  // one or one of its children (lists ReferenceTo(kind, id)).
  bool refuse_while_referenced = false;
  // The kinds of its children: parents are named by id only, and ids of
  // different kinds may be equal (a function may be named like a
  // distribution's id), so only records of these kinds whose parent is the
  // id go with it. nullopt: records of any kind.
  std::optional<std::vector<std::string>> child_kinds = {};
};

// Adds a record; assigns its sequence. kAlreadyExists when its id or any of
// its unique keys is taken in (account, kind).
struct InsertStep {
  Record record;
  InsertRules rules = {};
};
// Replaces the record with next's (account, kind, id); keeps its created_ms
// and sequence. kNotFound if absent.
struct ReplaceStep {
  Record next;
  ReplaceRules rules = {};
};
// Removes the record and, with it, its children (records of the account whose
// parent is its id, of rules.child_kinds): nothing outlives its owner.
struct DeleteStep {
  std::string account;
  std::string kind;
  std::string id;
  DeleteRules rules = {};
};
// Sets metadata without touching the version (tags do not rotate etags).
struct SetMetadataStep {
  std::string account;
  std::string kind;
  std::string id;
  std::string metadata;
};
// Changes nothing: fails the transaction (kNotFound, kVersionMismatch)
// unless the record is at this version, so the other steps happen only
// while it is (publishing a function's DEVELOPMENT stage to LIVE).
struct ExpectStep {
  std::string account;
  std::string kind;
  std::string id;
  std::string etag;
};
using WriteStep = std::variant<InsertStep, ReplaceStep, DeleteStep, SetMetadataStep, ExpectStep>;

struct ListQuery {
  std::string account;
  std::string kind;
  std::optional<std::string> parent;  // only children of this record
  std::string after_id;               // keyset marker: records after this id ("" = from start)
  std::size_t limit = 100;
  bool newest_first = false;  // order by sequence descending
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

  // Runs the steps in order in one transaction: all of them happen or none
  // does. Each step sees what the steps before it wrote. Returns the record
  // each step leaves (for a delete or an expect: the record as it is
  // before the step), in step order; on
  // failure the error of the first step that failed (StoreError::step).
  virtual StoreResult<std::vector<Record>> Transact(std::vector<WriteStep> steps) = 0;

  // One-step Transact.
  StoreResult<Record> Insert(Record record, InsertRules rules = {});
  StoreResult<Record> Replace(Record next, ReplaceRules rules);
  StoreResult<Record> Delete(std::string_view account, std::string_view kind, std::string_view id, DeleteRules rules);
  StoreResult<Record> SetMetadata(std::string_view account, std::string_view kind, std::string_view id,
                                  std::string metadata);

  // The record without its unique_keys and references: both are always empty
  // here, whatever the record holds. Readers never need them and they cost
  // more than the rest of the read; a caller that must rewrite them reads them
  // with FindReferencing or All. Replace takes them from its argument, so a
  // record from Get passed to Replace unchanged would drop them. Never fails:
  // it reads memory.
  virtual std::optional<Record> Get(std::string_view account, std::string_view kind, std::string_view id) = 0;

  // Keyset pagination; the cost of a page does not depend on its position.
  // Like Get, the records come without unique_keys and references (empty).
  virtual ListPage List(const ListQuery& query) = 0;

  // Records of the account (any kind) that list this reference, with their
  // unique_keys and references.
  virtual StoreResult<std::vector<Record>> FindReferencing(std::string_view account, std::string_view reference) = 0;

  // Children of parent whose settles_at_ms is after now_ms. Reads memory.
  virtual std::int64_t CountUnsettledChildren(std::string_view account, std::string_view kind, std::string_view parent,
                                              TimeMs now_ms) = 0;

  // Sets settles_at_ms = now_ms on every record still settling (optionally one
  // account / one id). Returns how many changed. Does not touch etags.
  virtual StoreResult<std::int64_t> SettleAll(TimeMs now_ms, std::optional<std::string> account,
                                              std::optional<std::string> id) = 0;

  // Removes every record (of one account when set).
  virtual StoreResult<Done> Reset(std::optional<std::string> account) = 0;

  // Every record, in (account, kind, sequence) order, with unique_keys and
  // references (snapshots export them).
  virtual StoreResult<std::vector<Record>> All() = 0;

  // Every current record, as Get returns them (without unique_keys and
  // references), in (account, kind, sequence) order: one consistent view,
  // taken without copying the records and without reading SQLite, for
  // exports that stream them out.
  virtual std::vector<std::shared_ptr<const Record>> Current() = 0;

  // Replaces the whole content with these records in one transaction
  // (sequences are kept as given). Nothing changes if it fails.
  virtual StoreResult<std::int64_t> ReplaceAll(std::vector<Record> records) = 0;

  virtual StoreResult<std::vector<Counts>> CountByKind() = 0;

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
