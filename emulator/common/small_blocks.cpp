// The global operator new and delete, with a per-thread cache of freed small
// blocks in front of malloc. The contract and the reasons: small_blocks.h.
#include "emulator/common/small_blocks.h"

#include <malloc.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace cfl::small_blocks {
namespace {

constexpr std::size_t kSizes = kMaxBlockBytes / kGranule;
// Past kMaxBlockBytes, four classes per doubling: 640, 768, 896, 1024, 1280,
// ..., 16384 bytes. A request takes the smallest class that holds it, so at
// most a fifth of a block is unused.
constexpr std::size_t kClassesPerDoubling = 4;
constexpr int kFirstLargeOctave = 9;  // 512 = 1 << 9 = kMaxBlockBytes
constexpr std::size_t kLargeClasses = 20;
static_assert(kMaxBlockBytes == std::size_t{1} << kFirstLargeOctave);
static_assert(kMaxLargeBlockBytes == kMaxBlockBytes << (kLargeClasses / kClassesPerDoubling));

struct FreeBlock {
  FreeBlock* next;
};

enum class CacheState : std::uint8_t {
  kUnarmed,  // nothing kept yet: ThreadExit is not registered for this thread
  kOpen,     // ThreadExit will flush this cache
  kClosed,   // flushed at the thread's exit: keep nothing more
};

// Trivially destructible, so it stays usable until the thread is gone: a
// delete that runs after the thread's exit flush (another thread_local's
// destructor) finds it closed and frees the block.
struct Cache {
  FreeBlock* heads[kSizes + 1];  // by size index: blocks of index * kGranule bytes
  std::uint32_t counts[kSizes + 1];
  std::size_t bytes;
  FreeBlock* large_heads[kLargeClasses];  // by large class: blocks of LargeClassBytes(class) bytes
  std::uint32_t large_counts[kLargeClasses];
  std::size_t large_bytes;
  CacheState state;
};
constinit thread_local Cache cache{};

// Frees every kept block when its thread ends.
struct ThreadExit {
  ~ThreadExit() {
    for (std::size_t index = 1; index <= kSizes; ++index) {
      while (FreeBlock* block = cache.heads[index]) {
        cache.heads[index] = block->next;
        std::free(block);
      }
      cache.counts[index] = 0;
    }
    for (std::size_t large = 0; large < kLargeClasses; ++large) {
      while (FreeBlock* block = cache.large_heads[large]) {
        cache.large_heads[large] = block->next;
        std::free(block);
      }
      cache.large_counts[large] = 0;
    }
    cache.bytes = 0;
    cache.large_bytes = 0;
    cache.state = CacheState::kClosed;
  }
  void Arm() {}  // a call constructs it on this thread and registers the destructor
};
thread_local ThreadExit thread_exit;

// The size index of a request: blocks of index * kGranule bytes serve it.
std::size_t IndexOf(std::size_t bytes) { return bytes == 0 ? 1 : (bytes + kGranule - 1) / kGranule; }

// The large class of a request of kMaxBlockBytes < bytes <= kMaxLargeBlockBytes.
std::size_t LargeClassOf(std::size_t bytes) {
  const std::size_t last = bytes - 1;  // in [2^octave, 2^(octave + 1))
  const int octave = std::bit_width(last) - 1;
  const std::size_t quarter = (last >> (octave - 2)) & (kClassesPerDoubling - 1);
  return static_cast<std::size_t>(octave - kFirstLargeOctave) * kClassesPerDoubling + quarter;
}

std::size_t LargeClassBytes(std::size_t large) {
  const int octave = kFirstLargeOctave + static_cast<int>(large / kClassesPerDoubling);
  return (std::size_t{1} << octave) + (large % kClassesPerDoubling + 1) * (std::size_t{1} << (octave - 2));
}

void* Allocate(std::size_t bytes) {
  for (;;) {
    if (void* block = std::malloc(bytes)) return block;
    const std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

// Before a thread's first kept block: registers the exit flush. False once
// the cache is closed. Out of line, so that every later delete, on the paths
// below, saves no registers for it.
[[gnu::noinline]] bool OpenCache() {
  if (cache.state == CacheState::kClosed) return false;
  cache.state = CacheState::kOpen;
  thread_exit.Arm();
  return true;
}

// Keeps block, of at least index * kGranule usable bytes; false if the cache
// is full or closed.
inline bool Keep(void* block, std::size_t index) {
  if (cache.state != CacheState::kOpen && !OpenCache()) return false;
  const std::size_t bytes = cache.bytes + index * kGranule;
  if (cache.counts[index] >= kMaxBlocksPerSize || bytes > kMaxBytes) return false;
  auto* kept = static_cast<FreeBlock*>(block);
  kept->next = cache.heads[index];
  cache.heads[index] = kept;
  ++cache.counts[index];
  cache.bytes = bytes;
  return true;
}

// Keeps block, of LargeClassBytes(large) bytes; false if the cache is full or closed.
inline bool KeepLarge(void* block, std::size_t large) {
  if (cache.state != CacheState::kOpen && !OpenCache()) return false;
  const std::size_t bytes = cache.large_bytes + LargeClassBytes(large);
  if (cache.large_counts[large] >= kMaxLargeBlocksPerClass || bytes > kMaxLargeBytes) return false;
  auto* kept = static_cast<FreeBlock*>(block);
  kept->next = cache.large_heads[large];
  cache.large_heads[large] = kept;
  ++cache.large_counts[large];
  cache.large_bytes = bytes;
  return true;
}

// A request past kMaxBlockBytes: a kept block of its class, or a new one of
// the class's size, so that its sized delete can keep it for that class.
[[gnu::noinline]] void* AllocateLarge(std::size_t bytes) {
  if (bytes > kMaxLargeBlockBytes) return Allocate(bytes);
  const std::size_t large = LargeClassOf(bytes);
  if (FreeBlock* block = cache.large_heads[large]) {
    cache.large_heads[large] = block->next;
    --cache.large_counts[large];
    cache.large_bytes -= LargeClassBytes(large);
    return block;
  }
  return Allocate(LargeClassBytes(large));
}

}  // namespace

ThreadStats ThisThread() {
  ThreadStats stats;
  for (std::size_t index = 1; index <= kSizes; ++index) stats.blocks += cache.counts[index];
  for (std::size_t large = 0; large < kLargeClasses; ++large) stats.large_blocks += cache.large_counts[large];
  stats.bytes = cache.bytes;
  stats.large_bytes = cache.large_bytes;
  return stats;
}

}  // namespace cfl::small_blocks

using namespace cfl::small_blocks;  // NOLINT: the replaced operators live in the global namespace

void* operator new(std::size_t bytes) {
  if (bytes > kMaxBlockBytes) return AllocateLarge(bytes);
  const std::size_t index = IndexOf(bytes);
  if (FreeBlock* block = cache.heads[index]) {
    cache.heads[index] = block->next;
    --cache.counts[index];
    cache.bytes -= index * kGranule;
    return block;
  }
  // Exactly index granules, so malloc_usable_size tells the index back on delete.
  return Allocate(index * kGranule);
}

// Without the size, a block past kMaxBlockBytes is freed: its usable size
// does not tell its class for certain.
void operator delete(void* block) noexcept {
  if (!block) return;
  // At least the bytes asked for: any block of index granules serves that index.
  const std::size_t index = ::malloc_usable_size(block) / kGranule;
  if (index >= 1 && index <= kSizes && Keep(block, index)) return;
  std::free(block);
}

// The size new was asked for names the block's index or class without asking
// malloc: new served it from that index's (class's) blocks or from malloc of
// the index's (class's) size.
void operator delete(void* block, std::size_t bytes) noexcept {
  if (!block) return;
  if (bytes <= kMaxBlockBytes) {
    if (Keep(block, IndexOf(bytes))) return;
  } else if (bytes <= kMaxLargeBlockBytes && KeepLarge(block, LargeClassOf(bytes))) {
    return;
  }
  std::free(block);
}
