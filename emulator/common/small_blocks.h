// A per-thread cache of freed small blocks in front of malloc, installed by
// replacing the global operator new and delete (small_blocks.cpp; linked into
// the binary and the unit tests, not into sanitizer or fuzzing builds, whose
// allocators must see every block).
//
// Why: a request builds and frees hundreds of small JSON nodes and strings.
// glibc keeps only 7 freed blocks per size for each thread; the rest go
// through its arenas, under a lock the workers contend on, at several times
// the cost. This cache keeps up to kMaxBlocksPerSize blocks per 16-byte size
// and kMaxBytes in all for each thread, and frees the rest, and all of a
// thread's blocks when it ends. Blocks past kMaxBlockBytes, up to
// kMaxLargeBlockBytes (a request's body, a stored document's text, an
// answer), are kept by size in classes of four per doubling, at most
// kMaxLargeBlocksPerClass per class and kMaxLargeBytes in all: a request
// makes and frees a dozen such blocks, and glibc serves each from its arena
// at 250 to 400 instructions a block. Such a block is allocated at the size
// asked for (none is rounded up: records keep thousands of long strings), is
// kept only by a sized delete (as every std::string's and std::vector's is),
// and serves a later request of its class that it holds.
//
// Contract: operator new and delete behave as the standard says (new throws
// std::bad_alloc after the new-handler gives up; delete of null does
// nothing). A block may be freed on any thread. Aligned new and delete are
// not replaced. Thread safety: each thread touches only its own cache.
#pragma once

#include <cstddef>

namespace cfl::small_blocks {

inline constexpr std::size_t kGranule = 16;
inline constexpr std::size_t kMaxBlockBytes = 512;  // larger ones: the large classes below
inline constexpr std::size_t kMaxBlocksPerSize = 1024;
inline constexpr std::size_t kMaxBytes = 256 * 1024;
inline constexpr std::size_t kMaxLargeBlockBytes = 16 * 1024;
inline constexpr std::size_t kMaxLargeBlocksPerClass = 8;
inline constexpr std::size_t kMaxLargeBytes = 128 * 1024;

struct ThreadStats {
  std::size_t blocks = 0;  // blocks this thread keeps, free, for reuse
  std::size_t bytes = 0;
  std::size_t large_blocks = 0;  // of those past kMaxBlockBytes
  std::size_t large_bytes = 0;
};

// What the calling thread's cache holds now.
ThreadStats ThisThread();

}  // namespace cfl::small_blocks
