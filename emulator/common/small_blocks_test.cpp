#include "emulator/common/small_blocks.h"

#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

namespace cfl::small_blocks {
namespace {

std::vector<void*> AllocateMany(std::size_t count, std::size_t bytes) {
  std::vector<void*> blocks;
  blocks.reserve(count);
  for (std::size_t i = 0; i < count; ++i) blocks.push_back(::operator new(bytes));
  return blocks;
}

void DeleteAll(const std::vector<void*>& blocks) {
  for (void* block : blocks) ::operator delete(block);
}

// Runs check on a thread of its own: its cache starts empty, whatever the
// tests before it left in the main thread's.
template <typename Check>
void OnFreshThread(Check check) {
  std::thread(check).join();
}

TEST_CASE("a freed small block serves the next request of its size on the same thread") {
  OnFreshThread([] {
    void* first = ::operator new(40);
    const ThreadStats before = ThisThread();
    ::operator delete(first);
    CHECK(ThisThread().blocks == before.blocks + 1);
    // Kept for the granules it holds: three at least (40 bytes), more if
    // malloc handed out a larger block than asked for.
    const std::size_t kept = ThisThread().bytes - before.bytes;
    CHECK(kept >= 48);
    CHECK(kept % kGranule == 0);
    void* again = ::operator new(kept - 7);  // a request of those granules
    CHECK(again == first);
    CHECK(ThisThread().blocks == before.blocks);
    ::operator delete(again, kept - 7);  // sized delete: the same cache
    CHECK(ThisThread().blocks == before.blocks + 1);
  });
}

TEST_CASE("a sized delete keeps the block for the size new was asked for") {
  OnFreshThread([] {
    void* block = ::operator new(100);  // 7 granules
    const auto address = reinterpret_cast<std::uintptr_t>(block);
    const ThreadStats before = ThisThread();
    ::operator delete(block, 100);
    CHECK(ThisThread().blocks == before.blocks + 1);
    CHECK(ThisThread().bytes == before.bytes + 7 * kGranule);
    void* again = ::operator new(97);  // the same 7 granules
    CHECK(reinterpret_cast<std::uintptr_t>(again) == address);
    ::operator delete(again, 97);
    void* huge = ::operator new(kMaxLargeBlockBytes + 1);
    ::operator delete(huge, kMaxLargeBlockBytes + 1);  // not kept
    CHECK(ThisThread().blocks == before.blocks + 1);
    CHECK(ThisThread().large_blocks == before.large_blocks);
  });
}

TEST_CASE("a large block freed by a sized delete serves the next request of its size") {
  OnFreshThread([] {
    // Every size past the small ones: the block holds the bytes asked for,
    // is kept for exactly them, comes back for the same request and not for
    // one byte more.
    for (std::size_t bytes = kMaxBlockBytes + 1; bytes <= kMaxLargeBlockBytes; ++bytes) {
      auto* block = static_cast<unsigned char*>(::operator new(bytes));
      REQUIRE(::malloc_usable_size(block) >= bytes);
      REQUIRE(::malloc_usable_size(block) < bytes + kGranule + 8);  // not rounded up to a class
      block[0] = 1;
      block[bytes - 1] = 2;
      const ThreadStats before = ThisThread();
      ::operator delete(block, bytes);
      REQUIRE(ThisThread().large_blocks == before.large_blocks + 1);
      REQUIRE(ThisThread().large_bytes == before.large_bytes + bytes);
      void* larger = ::operator new(bytes + 1);
      CHECK_FALSE(larger == block);
      void* again = ::operator new(bytes);
      REQUIRE(again == block);
      // A plain delete frees a large block: the cache is empty again.
      ::operator delete(larger);
      ::operator delete(again);
      REQUIRE(ThisThread().large_blocks == before.large_blocks);
    }
  });
}

TEST_CASE("a kept large block serves a smaller request of its class, and is kept again for that size") {
  OnFreshThread([] {
    void* block = ::operator new(3000);
    ::operator delete(block, 3000);
    void* smaller = ::operator new(2900);  // the same class: [2560, 3072)
    CHECK(smaller == block);
    ::operator delete(smaller, 2900);
    CHECK(ThisThread().large_bytes == 2900);
    void* other_class = ::operator new(2500);  // [2048, 2560): not from it
    CHECK_FALSE(other_class == block);
    ::operator delete(other_class);
    CHECK(::operator new(2900) == block);
    ::operator delete(block);
  });
}

TEST_CASE("large blocks are bounded per class and in bytes, and a plain delete frees them") {
  OnFreshThread([] {
    DeleteAll(AllocateMany(1, 3000));  // a plain delete frees a large block
    CHECK(ThisThread().large_blocks == 0);
    std::vector<void*> blocks = AllocateMany(2 * kMaxLargeBlocksPerClass, 3000);
    for (void* block : blocks) ::operator delete(block, 3000);
    CHECK(ThisThread().large_blocks == kMaxLargeBlocksPerClass);
    blocks = AllocateMany(2 * kMaxLargeBytes / kMaxLargeBlockBytes, kMaxLargeBlockBytes);
    for (void* block : blocks) ::operator delete(block, kMaxLargeBlockBytes);
    CHECK(ThisThread().large_bytes <= kMaxLargeBytes);
    CHECK(ThisThread().large_bytes > kMaxLargeBytes - kMaxLargeBlockBytes);
  });
}

TEST_CASE("operator new keeps the standard's promises") {
  void* none = ::operator new(0);
  void* other = ::operator new(0);
  CHECK(none != nullptr);
  CHECK(none != other);  // distinct blocks, even for zero bytes
  ::operator delete(none);
  ::operator delete(other);
  ::operator delete(nullptr);  // does nothing
  CHECK_THROWS_AS(static_cast<void>(::operator new(SIZE_MAX / 2)), std::bad_alloc);
  void* nothrow = ::operator new(SIZE_MAX / 2, std::nothrow);
  CHECK(nothrow == nullptr);
}

TEST_CASE("blocks over the largest size are not kept") {
  OnFreshThread([] {
    const ThreadStats before = ThisThread();
    void* large = ::operator new(kMaxBlockBytes + 100);
    ::operator delete(large);
    CHECK(ThisThread().blocks == before.blocks);
    CHECK(ThisThread().bytes == before.bytes);
  });
}

TEST_CASE("a thread's cache is bounded in blocks per size and in bytes") {
  OnFreshThread([] {
    // Twice as many blocks as a size keeps: at least that many are kept, the
    // rest freed (a few may be kept for a larger size, when malloc handed out
    // a larger block than asked for).
    DeleteAll(AllocateMany(2 * kMaxBlocksPerSize, 16));
    CHECK(ThisThread().blocks >= kMaxBlocksPerSize);
    CHECK(ThisThread().blocks < 2 * kMaxBlocksPerSize);
    DeleteAll(AllocateMany(2 * kMaxBytes / kMaxBlockBytes, kMaxBlockBytes));
    CHECK(ThisThread().bytes <= kMaxBytes);
    CHECK(ThisThread().bytes > kMaxBytes - kMaxBlockBytes);  // filled up to the last block that fits
  });
}

TEST_CASE("a block allocated on one thread may be freed on another, which keeps it") {
  void* block = nullptr;
  OnFreshThread([&] { block = ::operator new(64); });
  OnFreshThread([&] {
    const ThreadStats before = ThisThread();
    ::operator delete(block);
    CHECK(ThisThread().blocks == before.blocks + 1);
    void* again = ::operator new(ThisThread().bytes - before.bytes);  // the size it was kept for
    CHECK(again == block);
    ::operator delete(again);
  });
}

TEST_CASE("blocks handed between threads that allocate and free at once stay each their own") {
  // Each thread fills its blocks with a byte of its own and passes them to
  // the next thread, which checks every byte before freeing them: a block
  // handed out twice, or written after it was kept, shows as a wrong byte.
  constexpr int kThreads = 4;
  constexpr int kRounds = 2000;
  struct Handed {
    void* block;
    std::size_t bytes;
    unsigned char fill;
  };
  std::mutex mutex;
  std::vector<std::vector<Handed>> inboxes(kThreads);
  std::atomic<int> wrong_bytes = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto fill = static_cast<unsigned char>(0x40 + t);
      for (int round = 0; round < kRounds; ++round) {
        const std::size_t bytes = 1 + static_cast<std::size_t>((round * 37 + t * 11) % (kMaxBlockBytes + 64));
        auto* block = static_cast<unsigned char*>(::operator new(bytes));
        std::memset(block, fill, bytes);
        std::vector<Handed> mine;
        {
          std::lock_guard lock(mutex);
          inboxes[(t + 1) % kThreads].push_back({block, bytes, fill});
          mine.swap(inboxes[t]);
        }
        for (const auto& handed : mine) {
          const auto* bytes_of = static_cast<const unsigned char*>(handed.block);
          for (std::size_t i = 0; i < handed.bytes; ++i) wrong_bytes += bytes_of[i] != handed.fill;
          ::operator delete(handed.block);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (auto& inbox : inboxes) {
    for (const auto& handed : inbox) ::operator delete(handed.block);
  }
  CHECK(wrong_bytes == 0);
}

TEST_CASE("a thread's kept blocks are freed when it ends") {
  const std::size_t in_use_before = ::mallinfo2().uordblks;
  ThreadStats kept;
  std::thread([&] {
    DeleteAll(AllocateMany(1000, 128));
    kept = ThisThread();
  }).join();
  CHECK(kept.blocks == 1000);
  // At least 128 bytes each: malloc may hand out a larger block than asked
  // for, which is then kept for the size it can serve.
  CHECK(kept.bytes >= 1000 * 128);
  // Without the exit flush the 128,000 bytes would stay in use.
  CHECK(::mallinfo2().uordblks < in_use_before + 32 * 1024);
}

}  // namespace
}  // namespace cfl::small_blocks
