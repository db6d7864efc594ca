// Group commit: concurrent writes share one transaction and one COMMIT (one
// fsync in file mode) instead of queueing for one each.
//
// Leader/follower, no thread of its own. Submit queues the write; when no
// batch is running, its caller becomes the leader: it takes up to max_batch
// queued writes, oldest first, hands them to run_batch, wakes their callers,
// and repeats until its own write has run; then it hands the lead to the
// oldest write still queued. Every other caller sleeps until a leader has run
// its write. While one batch commits the next one queues up, so the busier the
// store, the larger the batches; a lone writer runs its write at once.
//
// With max_batch 1 there is nothing to share (a store with no flush to
// amortise): each caller runs its own write, one caller at a time, with no
// queue and no hand-over. Handing writes to a leader and waking their callers
// cost more than the writes of an in-memory store (three futex calls and two
// context switches per write).
//
// Thread safety: Submit may be called from any thread. run_batch is called by
// one thread at a time.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <span>

#include "store/write_batch.h"

namespace cfl::store::detail {

class GroupCommit {
 public:
  // Must set the outcome of every write it gets. If it throws, every write of
  // the batch fails with the exception's message (the batch's transaction is
  // expected to roll back as the exception leaves it).
  using RunBatch = std::function<void(std::span<BatchedWrite* const> batch)>;

  GroupCommit(RunBatch run_batch, std::size_t max_batch);
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Returns once a batch holding write has run; write.outcome says how it went.
  // write.apply runs on whichever thread leads that batch, while this caller
  // waits, so it may use the caller's locals.
  void Submit(BatchedWrite& write);

 private:
  struct Waiter {
    BatchedWrite* write;
    std::condition_variable wake;
    bool done = false;
  };

  // Runs batches until mine is done. Called and returns with lock held.
  void Lead(Waiter& mine, std::unique_lock<std::mutex>& lock);
  // run_batch_, with an exception turned into the failure of every write.
  void RunBatchOrFailIt(std::span<BatchedWrite* const> batch);

  // max_batch 1: runs write alone, under mutex_.
  void RunAlone(BatchedWrite& write);

  const RunBatch run_batch_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::deque<Waiter*> queue_;  // guarded by mutex_, as is every Waiter's done
  bool leading_ = false;       // a leader is running batches
};

}  // namespace cfl::store::detail
