#include "store/write_batch.h"

#include <iterator>

#include "store/sqlite_transaction.h"

namespace cfl::store::detail {
namespace {

// One name serves every write: savepoints of a batch never nest.
constexpr std::string_view kSavepoint = "SAVEPOINT batched_write";
constexpr std::string_view kRelease = "RELEASE batched_write";
constexpr std::string_view kRollBackTo = "ROLLBACK TO batched_write";

void FailAll(std::span<BatchedWrite* const> writes, const StoreError& error) {
  for (auto* write : writes) write->outcome = error;
}

// Undoes a failed write and ends its savepoint. Fails when SQLite has already
// rolled the whole transaction back (some I/O and memory errors do that): the
// writes before it are gone too.
Status RollBackWrite(StatementCache& statements) {
  if (sqlite3_get_autocommit(statements.db()) != 0) {
    return SqliteError(statements.db(), "a write failed and SQLite rolled back its whole batch");
  }
  if (auto error = statements.Execute(kRollBackTo)) return error;
  return statements.Execute(kRelease);
}

}  // namespace

void RunWriteBatch(StatementCache& statements, RecordCache& cache,
                   std::span<BatchedWrite* const> writes) {
  auto transaction = Transaction::Begin(statements);
  if (Failed(transaction)) return FailAll(writes, std::get<StoreError>(transaction));

  // A lone write needs no savepoint: when it fails, the whole transaction
  // goes (Transaction's destructor rolls it back).
  if (writes.size() == 1) {
    auto applied = writes[0]->apply();
    if (Failed(applied)) {
      writes[0]->outcome = TakeError(applied);
      return;
    }
    if (auto error = std::get<Transaction>(transaction).Commit()) return FailAll(writes, *error);
    writes[0]->outcome = std::nullopt;
    cache.Apply(std::move(std::get<std::vector<CacheChange>>(applied)), sqlite3_total_changes64(statements.db()));
    return;
  }

  std::vector<CacheChange> changes;  // of the writes that succeeded, in their order
  for (auto* write : writes) {
    if (auto error = statements.Execute(kSavepoint)) return FailAll(writes, *error);
    auto applied = write->apply();
    if (Failed(applied)) {
      write->outcome = TakeError(applied);
      if (auto error = RollBackWrite(statements)) return FailAll(writes, *error);
      continue;
    }
    if (auto error = statements.Execute(kRelease)) return FailAll(writes, *error);
    write->outcome = std::nullopt;
    auto& made = std::get<std::vector<CacheChange>>(applied);
    changes.insert(changes.end(), std::make_move_iterator(made.begin()),
                   std::make_move_iterator(made.end()));
  }
  // On failure Transaction's destructor rolls back whatever is left open.
  if (auto error = std::get<Transaction>(transaction).Commit()) return FailAll(writes, *error);
  cache.Apply(std::move(changes), sqlite3_total_changes64(statements.db()));
}

}  // namespace cfl::store::detail
