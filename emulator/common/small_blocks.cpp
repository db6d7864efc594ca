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
// Past kMaxBlockBytes, blocks are kept by size in four classes per doubling:
// [512, 640), [640, 768), [768, 896), [896, 1024), [1024, 1280), ...,
// [16384]. Each block is malloc'd at the size asked for (a long-lived string
// wastes nothing) and remembers the size it was freed with; a request takes
// the newest block of its class if that one holds it.
constexpr std::size_t kClassesPerDoubling = 4;
constexpr int kFirstLargeOctave = 9;  // 512 = 1 << 9 = kMaxBlockBytes
constexpr std::size_t kLargeClasses = 21;
static_assert(kMaxBlockBytes == std::size_t{1} << kFirstLargeOctave);
static_assert(kMaxLargeBlockBytes == kMaxBlockBytes << ((kLargeClasses - 1) / kClassesPerDoubling));

struct FreeBlock {
  FreeBlock* next;
};

struct LargeFreeBlock {
  LargeFreeBlock* next;
  std::size_t bytes;  // usable at least: the size its last sized delete named
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
  LargeFreeBlock* large_heads[kLargeClasses];  // by large class, newest first
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
      while (LargeFreeBlock* block = cache.large_heads[large]) {
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

// The large class of kMaxBlockBytes <= bytes <= kMaxLargeBlockBytes.
std::size_t LargeClassOf(std::size_t bytes) {
  const int octave = std::bit_width(bytes) - 1;  // bytes in [2^octave, 2^(octave + 1))
  const std::size_t quarter = (bytes >> (octave - 2)) & (kClassesPerDoubling - 1);
  return static_cast<std::size_t>(octave - kFirstLargeOctave) * kClassesPerDoubling + quarter;
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

// Keeps block, of at least bytes usable bytes; false if the cache is full or closed.
inline bool KeepLarge(void* block, std::size_t bytes) {
  if (cache.state != CacheState::kOpen && !OpenCache()) return false;
  const std::size_t large = LargeClassOf(bytes);
  const std::size_t total = cache.large_bytes + bytes;
  if (cache.large_counts[large] >= kMaxLargeBlocksPerClass || total > kMaxLargeBytes) return false;
  auto* kept = static_cast<LargeFreeBlock*>(block);
  kept->next = cache.large_heads[large];
  kept->bytes = bytes;
  cache.large_heads[large] = kept;
  ++cache.large_counts[large];
  cache.large_bytes = total;
  return true;
}

// A request past kMaxBlockBytes: the newest kept block of its class if it
// holds the request, else a new block of exactly the size asked for.
[[gnu::noinline]] void* AllocateLarge(std::size_t bytes) {
  if (bytes > kMaxLargeBlockBytes) return Allocate(bytes);
  const std::size_t large = LargeClassOf(bytes);
  LargeFreeBlock* block = cache.large_heads[large];
  if (block == nullptr || block->bytes < bytes) return Allocate(bytes);
  cache.large_heads[large] = block->next;
  --cache.large_counts[large];
  cache.large_bytes -= block->bytes;
  return block;
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

// Without the size, a block is kept only for a small size it holds, as malloc
// tells; a larger one is freed (a plain delete of one is rare).
void operator delete(void* block) noexcept {
  if (!block) return;
  // At least the bytes asked for: any block of index granules serves that index.
  const std::size_t index = ::malloc_usable_size(block) / kGranule;
  if (index >= 1 && index <= kSizes && Keep(block, index)) return;
  std::free(block);
}

// The size new was asked for names the block's index without asking malloc:
// new served it from that index's blocks or from malloc(index * kGranule).
// A larger block holds at least that size, whoever served it.
void operator delete(void* block, std::size_t bytes) noexcept {
  if (!block) return;
  if (bytes <= kMaxBlockBytes) {
    if (Keep(block, IndexOf(bytes))) return;
  } else if (bytes <= kMaxLargeBlockBytes && KeepLarge(block, bytes)) {
    return;
  }
  std::free(block);
}
