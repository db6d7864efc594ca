#include "store/group_commit.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace cfl::store::detail {

// Both modes: batches shared (8 at most), and writes run alone (1).
#define GENERATE_MAX_BATCH() ([] {        \
  std::size_t chosen = 8;                 \
  SUBCASE("batches of up to 8") {}        \
  SUBCASE("max_batch 1: each write alone") { chosen = 1; } \
  return chosen;                          \
}())

TEST_CASE("group commit: a lone write runs at once, in a batch of its own") {
  std::vector<std::size_t> sizes;
  GroupCommit group([&](std::span<BatchedWrite* const> batch) {
    sizes.push_back(batch.size());
    for (auto* write : batch) write->outcome = std::nullopt;
  }, 8);
  for (int i = 0; i < 3; ++i) {
    BatchedWrite write;
    write.outcome = StoreError{StoreErrorKind::kIo, {}, {}, "not run"};
    group.Submit(write);
    CHECK_FALSE(write.outcome);
  }
  CHECK(sizes == std::vector<std::size_t>{1, 1, 1});
}

TEST_CASE("group commit: a batch that throws fails its writes and the next batch still runs") {
  const std::size_t max_batch = GENERATE_MAX_BATCH();
  CAPTURE(max_batch);
  std::atomic<int> batches = 0;
  GroupCommit group([&](std::span<BatchedWrite* const> batch) {
    if (++batches == 1) throw std::bad_alloc();
    for (auto* write : batch) write->outcome = std::nullopt;
  }, max_batch);
  BatchedWrite thrown;
  group.Submit(thrown);
  REQUIRE(thrown.outcome);
  CHECK(thrown.outcome->kind == StoreErrorKind::kIo);
  CHECK(thrown.outcome->message.find("a batch of writes failed") != std::string::npos);

  // The lead was passed on: later writes, also concurrent ones, run and return.
  std::vector<std::thread> threads;
  std::atomic<int> succeeded = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      BatchedWrite write;
      write.outcome = StoreError{StoreErrorKind::kIo, {}, {}, "not run"};
      group.Submit(write);
      if (!write.outcome) ++succeeded;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(succeeded == 4);
}

TEST_CASE("group commit: concurrent writes each run once, with their own outcome, in bounded batches") {
  constexpr int kThreads = 24;
  constexpr int kWritesPerThread = 40;
  constexpr std::size_t kMaxBatch = 8;
  std::atomic<bool> running = false;
  std::atomic<int> overlapping = 0;
  std::mutex sizes_mutex;
  std::vector<std::size_t> sizes;
  GroupCommit group([&](std::span<BatchedWrite* const> batch) {
    if (running.exchange(true)) ++overlapping;
    {
      std::lock_guard lock(sizes_mutex);
      sizes.push_back(batch.size());
    }
    for (auto* write : batch) {
      auto applied = write->apply();
      write->outcome = std::holds_alternative<StoreError>(applied)
                           ? std::optional(std::get<StoreError>(applied))
                           : std::nullopt;
    }
    // Long enough for the next batch to queue up, as a commit's fsync is.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    running = false;
  }, kMaxBatch);

  std::vector<int> runs(kThreads * kWritesPerThread, 0);
  std::atomic<int> wrong_outcomes = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const int index = t * kWritesPerThread + i;
        BatchedWrite write;
        // Odd writes fail with their own index in the message.
        write.apply = [&runs, index]() -> StoreResult<std::vector<CacheChange>> {
          ++runs[static_cast<std::size_t>(index)];
          if (index % 2 == 1) {
            return StoreError{StoreErrorKind::kVersionMismatch, {}, {}, std::to_string(index)};
          }
          return std::vector<CacheChange>{};
        };
        group.Submit(write);
        const bool right = index % 2 == 1
                               ? write.outcome && write.outcome->message == std::to_string(index)
                               : !write.outcome;
        if (!right) ++wrong_outcomes;
      }
    });
  }
  for (auto& thread : threads) thread.join();

  CHECK(overlapping == 0);
  CHECK(wrong_outcomes == 0);
  for (const int count : runs) CHECK(count == 1);
  std::size_t total = 0;
  std::size_t largest = 0;
  for (const auto size : sizes) {
    total += size;
    largest = std::max(largest, size);
  }
  CHECK(total == runs.size());
  CHECK(largest <= kMaxBatch);
  CHECK(largest > 1);  // writes did share batches
}

TEST_CASE("group commit with max_batch 1: each write runs once, alone, on its caller's thread") {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 50;
  std::atomic<bool> running = false;
  std::atomic<int> overlapping = 0, not_alone = 0, elsewhere = 0, runs = 0;
  GroupCommit group([&](std::span<BatchedWrite* const> batch) {
    if (running.exchange(true)) ++overlapping;
    if (batch.size() != 1) ++not_alone;
    for (auto* write : batch) {
      static_cast<void>(write->apply());
      write->outcome = std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(20));
    running = false;
  }, 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        BatchedWrite write;
        const auto caller = std::this_thread::get_id();
        write.apply = [&, caller]() -> StoreResult<std::vector<CacheChange>> {
          if (std::this_thread::get_id() != caller) ++elsewhere;
          ++runs;
          return std::vector<CacheChange>{};
        };
        group.Submit(write);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(overlapping == 0);
  CHECK(not_alone == 0);
  CHECK(elsewhere == 0);
  CHECK(runs == kThreads * kWritesPerThread);
}

}  // namespace cfl::store::detail
