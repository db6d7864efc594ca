#include "emulator/common/small_blocks.h"

#include <malloc.h>

#include <cstdint>
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
    CHECK(ThisThread().bytes == before.bytes + 48);  // 40 bytes take three granules
    void* again = ::operator new(33);                // the same three granules
    CHECK(again == first);
    CHECK(ThisThread().blocks == before.blocks);
    ::operator delete(again, 33);  // sized delete: the same cache
    CHECK(ThisThread().blocks == before.blocks + 1);
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
    DeleteAll(AllocateMany(kMaxBlocksPerSize + 50, 16));
    CHECK(ThisThread().blocks == kMaxBlocksPerSize);
    DeleteAll(AllocateMany(kMaxBytes / kMaxBlockBytes + 50, kMaxBlockBytes));
    CHECK(ThisThread().bytes <= kMaxBytes);
    CHECK(ThisThread().bytes > kMaxBytes - kMaxBlockBytes);
  });
}

TEST_CASE("a block allocated on one thread may be freed on another, which keeps it") {
  void* block = nullptr;
  OnFreshThread([&] { block = ::operator new(64); });
  OnFreshThread([&] {
    const ThreadStats before = ThisThread();
    ::operator delete(block);
    CHECK(ThisThread().blocks == before.blocks + 1);
    void* again = ::operator new(64);
    CHECK(again == block);
    ::operator delete(again);
  });
}

TEST_CASE("a thread's kept blocks are freed when it ends") {
  const std::size_t in_use_before = ::mallinfo2().uordblks;
  std::size_t kept = 0;
  std::thread([&] {
    DeleteAll(AllocateMany(1000, 128));
    kept = ThisThread().bytes;
  }).join();
  CHECK(kept == 1000 * 128);
  // Without the exit flush the 128,000 bytes would stay in use.
  CHECK(::mallinfo2().uordblks < in_use_before + 32 * 1024);
}

}  // namespace
}  // namespace cfl::small_blocks
