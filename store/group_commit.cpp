#include "store/group_commit.h"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace cfl::store::detail {

GroupCommit::GroupCommit(RunBatch run_batch, std::size_t max_batch)
    : run_batch_(std::move(run_batch)), max_batch_(std::max<std::size_t>(max_batch, 1)) {}

void GroupCommit::Submit(BatchedWrite& write) {
  if (max_batch_ == 1) return RunAlone(write);
  Waiter mine{&write, {}, false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  mine.wake.wait(lock, [&] { return mine.done || !leading_; });
  if (mine.done) return;
  Lead(mine, lock);
}

void GroupCommit::Lead(Waiter& mine, std::unique_lock<std::mutex>& lock) {
  leading_ = true;
  std::vector<Waiter*> batch;
  std::vector<BatchedWrite*> writes;
  while (!mine.done) {
    const std::size_t size = std::min(queue_.size(), max_batch_);
    batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(size));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(size));
    writes.clear();
    for (auto* waiter : batch) writes.push_back(waiter->write);

    lock.unlock();
    RunBatchOrFailIt(writes);
    lock.lock();

    // Notified under the lock: a waiter cannot return (and destroy its
    // condition variable) before the notification is over.
    for (auto* waiter : batch) {
      waiter->done = true;
      if (waiter != &mine) waiter->wake.notify_one();
    }
  }
  leading_ = false;
  if (!queue_.empty()) queue_.front()->wake.notify_one();
}

void GroupCommit::RunAlone(BatchedWrite& write) {
  BatchedWrite* const batch[] = {&write};
  std::lock_guard lock(mutex_);
  RunBatchOrFailIt(batch);
}

// A batch that throws (bad_alloc, say) must still end as batches do: its
// writers woken with an error and the lead passed on. Otherwise they, and
// every writer after them, would wait forever.
void GroupCommit::RunBatchOrFailIt(std::span<BatchedWrite* const> batch) {
  std::string failure;
  try {
    run_batch_(batch);
    return;
  } catch (const std::exception& exception) {
    failure = exception.what();
  } catch (...) {
    failure = "an unknown exception";
  }
  for (auto* write : batch) {
    write->outcome = StoreError{StoreErrorKind::kIo, {}, {}, "a batch of writes failed: " + failure};
  }
}

}  // namespace cfl::store::detail
