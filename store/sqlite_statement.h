// RAII wrappers over the SQLite C API: prepared statements, one execution of a
// statement (Query), and a cache that prepares each SQL text once.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>

#include "store/store.h"

namespace cfl::store::detail {

// Empty on success; the error otherwise.
using Status = std::optional<StoreError>;

template <typename T>
bool Failed(const StoreResult<T>& result) {
  return std::holds_alternative<StoreError>(result);
}

template <typename T>
StoreError TakeError(StoreResult<T>& result) {
  return std::move(std::get<StoreError>(result));
}

// "<what>: <sqlite3_errmsg>" as a kIo error.
StoreError SqliteError(sqlite3* db, std::string_view what);

// Owns a sqlite3* and closes it.
class Connection {
 public:
  Connection() = default;
  explicit Connection(sqlite3* db) : db_(db) {}
  Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// One execution of a cached statement. Parameters are bound in order (?1, ?2,
// ...). The statement is reset when the Query ends so it can be reused at once.
// A failure to prepare or bind is kept and reported by the first Step/Run, so
// callers check errors in one place.
class Query {
 public:
  explicit Query(sqlite3_stmt* statement) : statement_(statement) {}
  explicit Query(StoreError error) : error_(std::move(error)) {}
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  // SQLite copies the text: it may be a temporary.
  Query& Bind(std::string_view text);
  // SQLite reads the text where it is, without a copy: it must stay there,
  // unchanged, until this Query is destroyed (which resets the statement).
  Query& BindBorrowed(std::string_view text);
  Query& Bind(std::int64_t number);

  // true: a row is available; false: done.
  StoreResult<bool> Step();
  // Steps until done, ignoring rows.
  Status Run();
  // Calls on_row for each row; stops at the first error.
  Status ForEachRow(const std::function<Status()>& on_row);

  std::string Text(int column) const;
  std::int64_t Int(int column) const;
  bool IsNull(int column) const;
  // Rows changed by the last Run (sqlite3_changes of the connection).
  std::int64_t Changes() const;

 private:
  void KeepBindError(int rc);
  Query& BindText(std::string_view text, sqlite3_destructor_type lifetime);

  sqlite3_stmt* statement_ = nullptr;
  std::optional<StoreError> error_;
  int next_parameter_ = 1;
};

// Prepares each SQL text once and keeps it for the life of the connection.
// Not thread safe: the owner serialises access.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache();

  // A query on the cached statement for sql. Only one Query per SQL text may be
  // alive at a time (they share the statement).
  Query Prepare(std::string_view sql);
  // Runs a statement that takes no parameters and returns no rows.
  Status Execute(std::string_view sql);

  sqlite3* db() const { return db_; }

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> statements_;
};

}  // namespace cfl::store::detail
