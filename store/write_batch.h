// One batch of writes in one SQLite transaction: each write in a savepoint of
// its own, one COMMIT (one fsync in file mode) for all, then the cache.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "store/record_cache.h"
#include "store/sqlite_statement.h"

namespace cfl::store::detail {

struct BatchedWrite {
  // Runs inside the batch's transaction, after the writes queued before it
  // (it sees their changes). Returns its own failure, or the changes the cache
  // is to make once the batch has committed.
  std::function<StoreResult<std::vector<CacheChange>>()> apply;
  // Set by RunWriteBatch: nullopt once the COMMIT holding the write succeeded,
  // the error otherwise.
  Status outcome;
};

// Runs the writes in order and sets every write's outcome:
// - a write that fails is rolled back to its savepoint and reports its own
//   error; its batch-mates are not affected;
// - if BEGIN, a savepoint or the COMMIT fails, or SQLite rolled the whole
//   transaction back, every write of the batch reports that error (a write's
//   own failure may have depended on a batch-mate that is now undone);
// - the cache changes of the successful writes are applied, in order, only
//   after the COMMIT succeeded; otherwise the cache is left as it was.
// The caller holds the connection of statements exclusively for the call.
void RunWriteBatch(StatementCache& statements, RecordCache& cache,
                   std::span<BatchedWrite* const> writes);

}  // namespace cfl::store::detail
