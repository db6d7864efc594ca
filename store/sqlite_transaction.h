// A write transaction that rolls back unless committed.
#pragma once

#include "store/sqlite_statement.h"

namespace cfl::store::detail {

class Transaction {
 public:
  // BEGIN IMMEDIATE takes the write lock up front, so a read-then-write
  // (compare-and-swap) cannot be overtaken by another writer, even one in
  // another process sharing the file.
  static StoreResult<Transaction> Begin(StatementCache& statements) {
    if (auto error = statements.Execute("BEGIN IMMEDIATE")) return *error;
    return Transaction(statements);
  }

  Transaction(Transaction&& other) noexcept
      : statements_(other.statements_), open_(std::exchange(other.open_, false)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  ~Transaction() {
    // A failed rollback leaves nothing better to do; sqlite rolls back on close.
    if (open_) (void)statements_.Execute("ROLLBACK");
  }

  // On failure the transaction stays open and the destructor rolls it back.
  Status Commit() {
    if (auto error = statements_.Execute("COMMIT")) return error;
    open_ = false;
    return std::nullopt;
  }

 private:
  explicit Transaction(StatementCache& statements) : statements_(statements), open_(true) {}

  StatementCache& statements_;
  bool open_;
};

}  // namespace cfl::store::detail
