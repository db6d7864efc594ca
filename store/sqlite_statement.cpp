#include "store/sqlite_statement.h"

#include <limits>
#include <utility>

namespace cfl::store::detail {

StoreError SqliteError(sqlite3* db, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : "no database connection";
  return StoreError{StoreErrorKind::kIo, {}, {}, std::move(message)};
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

// close_v2 so a statement finalised late cannot keep the file open forever.
Connection::~Connection() { sqlite3_close_v2(db_); }

Query::Query(Query&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)),
      error_(std::move(other.error_)),
      next_parameter_(other.next_parameter_) {}

Query::~Query() {
  if (statement_ == nullptr) return;
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void Query::KeepBindError(int rc) {
  if (rc != SQLITE_OK && !error_) {
    error_ = SqliteError(sqlite3_db_handle(statement_), "binding a parameter");
  }
}

Query& Query::BindText(std::string_view text, sqlite3_destructor_type lifetime) {
  if (statement_ == nullptr || error_) return *this;
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    error_ = StoreError{StoreErrorKind::kIo, {}, {}, "binding a parameter: value too large"};
    return *this;
  }
  KeepBindError(sqlite3_bind_text(statement_, next_parameter_++, text.data(), static_cast<int>(text.size()), lifetime));
  return *this;
}

// SQLITE_TRANSIENT copies the value: callers may bind temporaries.
Query& Query::Bind(std::string_view text) { return BindText(text, SQLITE_TRANSIENT); }

// SQLITE_STATIC: read in place until the statement is reset (~Query).
Query& Query::BindBorrowed(std::string_view text) { return BindText(text, SQLITE_STATIC); }

Query& Query::Bind(std::int64_t number) {
  if (statement_ == nullptr || error_) return *this;
  KeepBindError(sqlite3_bind_int64(statement_, next_parameter_++, number));
  return *this;
}

StoreResult<bool> Query::Step() {
  if (error_) return *error_;
  if (statement_ == nullptr) {
    return StoreError{StoreErrorKind::kIo, {}, {}, "stepping a statement that was never prepared"};
  }
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(statement_), "running a statement");
}

Status Query::Run() {
  while (true) {
    auto step = Step();
    if (Failed(step)) return TakeError(step);
    if (!std::get<bool>(step)) return std::nullopt;
  }
}

Status Query::ForEachRow(const std::function<Status()>& on_row) {
  while (true) {
    auto step = Step();
    if (Failed(step)) return TakeError(step);
    if (!std::get<bool>(step)) return std::nullopt;
    if (auto error = on_row()) return error;
  }
}

std::string Query::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::int64_t Query::Int(int column) const { return sqlite3_column_int64(statement_, column); }

bool Query::IsNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

std::int64_t Query::Changes() const { return sqlite3_changes64(sqlite3_db_handle(statement_)); }

StatementCache::~StatementCache() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
}

Query StatementCache::Prepare(std::string_view sql) {
  if (auto found = statements_.find(sql); found != statements_.end()) return Query(found->second);
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(statement);
    return Query(SqliteError(db_, "preparing \"" + std::string(sql) + "\""));
  }
  statements_.emplace(std::string(sql), statement);
  return Query(statement);
}

Status StatementCache::Execute(std::string_view sql) { return Prepare(sql).Run(); }

}  // namespace cfl::store::detail
