// The global operator new and delete, with a per-thread cache of freed small
// blocks in front of malloc. The contract and the reasons: small_blocks.h.
#include "emulator/common/small_blocks.h"

#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace cfl::small_blocks {
namespace {

constexpr std::size_t kSizes = kMaxBlockBytes / kGranule;

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
    cache.bytes = 0;
    cache.state = CacheState::kClosed;
  }
  void Arm() {}  // a call constructs it on this thread and registers the destructor
};
thread_local ThreadExit thread_exit;

// The size index of a request: blocks of index * kGranule bytes serve it.
std::size_t IndexOf(std::size_t bytes) { return bytes == 0 ? 1 : (bytes + kGranule - 1) / kGranule; }

void* Allocate(std::size_t bytes) {
  for (;;) {
    if (void* block = std::malloc(bytes)) return block;
    const std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

bool Keep(void* block, std::size_t index);

// A thread's first kept block: registers the exit flush first. Out of line,
// so that every later delete, on the path below, saves no registers for it.
[[gnu::noinline]] bool ArmAndKeep(void* block, std::size_t index) {
  cache.state = CacheState::kOpen;
  thread_exit.Arm();
  return Keep(block, index);
}

// Keeps block, of at least index * kGranule usable bytes; false if the cache
// is full or closed.
inline bool Keep(void* block, std::size_t index) {
  if (cache.state != CacheState::kOpen) return cache.state == CacheState::kUnarmed && ArmAndKeep(block, index);
  const std::size_t bytes = cache.bytes + index * kGranule;
  if (cache.counts[index] >= kMaxBlocksPerSize || bytes > kMaxBytes) return false;
  auto* kept = static_cast<FreeBlock*>(block);
  kept->next = cache.heads[index];
  cache.heads[index] = kept;
  ++cache.counts[index];
  cache.bytes = bytes;
  return true;
}

}  // namespace

ThreadStats ThisThread() {
  ThreadStats stats;
  for (std::size_t index = 1; index <= kSizes; ++index) stats.blocks += cache.counts[index];
  stats.bytes = cache.bytes;
  return stats;
}

}  // namespace cfl::small_blocks

using namespace cfl::small_blocks;  // NOLINT: the replaced operators live in the global namespace

void* operator new(std::size_t bytes) {
  if (bytes > kMaxBlockBytes) return Allocate(bytes);
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

void operator delete(void* block) noexcept {
  if (!block) return;
  // At least the bytes asked for: any block of index granules serves that index.
  const std::size_t index = ::malloc_usable_size(block) / kGranule;
  if (index >= 1 && index <= kSizes && Keep(block, index)) return;
  std::free(block);
}

// The size new was asked for names the block's index without asking malloc:
// new served it from that index's blocks or from malloc(index * kGranule).
void operator delete(void* block, std::size_t bytes) noexcept {
  if (!block) return;
  if (bytes <= kMaxBlockBytes && Keep(block, IndexOf(bytes))) return;
  std::free(block);
}
