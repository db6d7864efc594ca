// FunctionExecutor on njs, nginx's JavaScript engine (Debian package njs,
// whose command-line utility is all Debian ships): one fresh njs process per
// run, so no state of one run, account or function reaches the next.
//
// The sandbox, from the inside out:
//  - the driver (njs_driver.h) keeps the fs module to itself (to read the
//    run's input on descriptor 3) and drops it before the code runs; it removes
//    require, process, print, timers, eval and the Function constructor, limits
//    the code's require to crypto and querystring, and compiles the code as a
//    function body, where an import statement (which would make njs read a
//    file) is a syntax error; njs's environment is empty (a zygote's: only
//    what loads the shim, which removes it);
//  - the process gets rlimits (address space: the memory limit; no file
//    writes; no core files; CPU seconds as a backstop), all other descriptors
//    closed, its own session, and, where the kernel lets it (root, as in CI),
//    new network, IPC and UTS namespaces: no network interface but loopback.
// Time is the handler's CPU time, read from the process's CPU clock: a run
// slowed by a busy machine is not blamed for it.
//
// A run is a fork of its function's zygote (njs_zygotes.h: njs started and
// the code compiled once per function; a fork costs well under a millisecond)
// when the zygote shim is there; otherwise, or when a zygote cannot serve, a
// process started directly: taken from a small pool started ahead (refilled by
// one thread started on the first such run), which pays njs's start only when
// the pool is empty, and the compile always.
//
// Thread safety: Run may be called from any number of threads at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "emulator/runtime/function_executor.h"
#include "emulator/runtime/njs_zygotes.h"

namespace cfl::runtime {

struct NjsOptions {
  std::string njs = "njs";    // the njs binary: a path, or a name looked up in PATH
  std::size_t pool_size = 2;  // processes kept started ahead
  bool isolate_network = true;  // try new network/IPC/UTS namespaces (best effort)
  // Zygotes (njs_zygotes.h): the shim's path ("" disables them) and how many functions keep one.
  std::string zygote_shim = NjsZygotes::ShimBesideProgram();
  std::size_t zygote_functions = 8;
};

class NjsExecutor final : public FunctionExecutor {
 public:
  explicit NjsExecutor(NjsOptions options = {});
  ~NjsExecutor() override;  // ends the pool's thread and its processes
  NjsExecutor(const NjsExecutor&) = delete;
  NjsExecutor& operator=(const NjsExecutor&) = delete;

  ExecutionResult Run(const Execution& execution, const Limits& limits) override;

  // The njs binary found at construction, "" when none was.
  const std::string& Binary() const { return binary_; }

  // For tests: the zygotes.
  const NjsZygotes& Zygotes() const { return zygotes_; }

 private:
  NjsChild Take();
  void Refill();
  NjsChild Spawn() const;

  NjsOptions options_;
  std::string binary_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  std::deque<NjsChild> idle_;
  bool stopping_ = false;
  std::once_flag started_;
  std::thread refiller_;
  NjsZygotes zygotes_;
};

}  // namespace cfl::runtime
