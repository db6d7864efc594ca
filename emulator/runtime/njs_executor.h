// FunctionExecutor on njs, nginx's JavaScript engine (Debian package njs,
// whose command-line utility is all Debian ships): one fresh njs process per
// run, so no state of one run, account or function reaches the next.
//
// The sandbox, from the inside out:
//  - njs runs with -s (sandbox mode: no fs module) and an empty environment;
//  - the driver (njs_driver.h) removes process, print, timers, eval and the
//    Function constructor, limits require to crypto and querystring, and
//    compiles the code as a function body, where an import statement (which
//    would make njs read a file) is a syntax error;
//  - the process gets rlimits (address space: the memory limit; no file
//    writes; no core files; CPU seconds as a backstop), all other descriptors
//    closed, its own session, and, where the kernel lets it (root, as in CI),
//    new network, IPC and UTS namespaces: no network interface but loopback.
// Time is the handler's CPU time, read from the process's CPU clock: a run
// slowed by a busy machine is not blamed for it.
//
// Processes are started ahead (a small pool refilled by one thread started
// on the first run), so a run pays for njs's start only when the pool is empty.
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

namespace cfl::runtime {

struct NjsOptions {
  std::string njs = "njs";    // the njs binary: a path, or a name looked up in PATH
  std::size_t pool_size = 2;  // processes kept started ahead
  bool isolate_network = true;  // try new network/IPC/UTS namespaces (best effort)
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

  // A started process waiting for its script (public for the implementation's helpers).
  struct Child {
    int pid = -1;
    int in = -1;   // its stdin: the script is written here, then closed
    int out = -1;  // its stdout
    int err = -1;  // its stderr
  };

 private:
  Child Take();
  void Refill();
  Child Spawn() const;

  NjsOptions options_;
  std::string binary_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  std::deque<Child> idle_;
  bool stopping_ = false;
  std::once_flag started_;
  std::thread refiller_;
};

}  // namespace cfl::runtime
