// Starting njs processes for NjsExecutor: directly (fork + exec, the sandbox's
// rlimits and namespaces) or forked from a function's zygote.
//
// A zygote is an njs process that has read the driver and compiled one
// function (script = driver + {code, runtime, kind}) and then serves forks
// (njs_zygote_shim.c, preloaded): each run is a fresh copy of a process that
// has run nothing yet, so no state of one run reaches the next, but the run
// pays neither njs's start (about 5 ms of CPU: exec, linking, the VM) nor the
// compile. Zygotes are kept for the most recently run functions (LRU, at most
// max_functions); a changed function is another script, hence another zygote:
// old code never runs for new.
//
// Thread safety: Start may be called from any number of threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cfl::runtime {

// A started njs process. The descriptors are the emulator's ends (non-blocking), -1 when closed.
struct NjsChild {
  int pid = -1;
  int script = -1;  // its stdin: the script is written here, then closed (-1 for a zygote's fork)
  int input = -1;   // its descriptor 3: the run's input is written here, then closed
  int out = -1;     // its stdout
  int err = -1;     // its stderr
  int status = -1;  // a zygote's fork: the status pipe (njs_zygote_shim.c); -1: a child of ours to wait for
};

// Closes the descriptors that are open.
void CloseChild(NjsChild& child);

struct NjsSpawn {
  const std::string* binary = nullptr;
  bool isolate_network = true;
  bool cpu_backstop = true;             // RLIMIT_CPU (not for a long-lived zygote)
  const char* const* environment = nullptr;  // null: empty
  int descriptor3 = -1;                 // given as the child's descriptor 3; -1: a new pipe (NjsChild::input)
  bool quiet = false;                   // stdout and stderr to /dev/null (NjsChild::out and err stay -1)
  // Killed when the thread that started it ends (PR_SET_PDEATHSIG is per thread): right for a run's
  // process, not for a zygote that outlives the request that made it (it ends when its socket closes).
  bool dies_with_thread = true;
};

// Writes all of data to a non-blocking fd before deadline. A reader that is
// gone makes it fail (EPIPE; SIGPIPE is blocked meanwhile in this thread).
bool WriteAllBefore(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline);

// fork + exec of `njs -`; pid -1 when it failed.
NjsChild SpawnNjs(const NjsSpawn& spawn);

class NjsZygotes {
 public:
  // shim: the path of libcfl_njs_zygote.so; "" (or a file that is not there) disables zygotes.
  NjsZygotes(std::string binary, std::string shim, bool isolate_network, std::size_t max_functions);
  ~NjsZygotes();  // ends the zygotes (after their running forks)
  NjsZygotes(const NjsZygotes&) = delete;
  NjsZygotes& operator=(const NjsZygotes&) = delete;

  bool Enabled() const { return enabled_; }

  // A fresh process forked from script's zygote (started now when there is
  // none), waiting for its input on NjsChild::input. pid -1 when no zygote
  // could serve (disabled, the zygote died, or two zygotes of this script in a row
  // failed: then it never tries again): the caller starts one directly.
  NjsChild Start(const std::string& script);

  // How a fork that Start made ended, as its zygote reports it once it has
  // reaped it (waits until then, at most a few seconds): its wait status and
  // CPU time. False when the zygote died first.
  static bool ReadEnd(const NjsChild& child, int& status, std::int64_t& cpu_ns);

  // For tests: how many zygotes were started, how many are alive.
  std::size_t Started() const;
  std::size_t Alive() const;
  std::vector<int> Pids() const;  // the live zygotes' process ids

  // The shim's path beside the running program ("" when it is not there).
  static std::string ShimBesideProgram();

 private:
  struct Zygote;
  std::shared_ptr<Zygote> Acquire(const std::string& script);
  std::shared_ptr<Zygote> Make(const std::string& script);
  void Forget(const std::shared_ptr<Zygote>& zygote);
  void ReapRetired();

  std::string binary_;
  std::string shim_;
  bool isolate_network_;
  std::size_t max_functions_;
  bool enabled_;
  mutable std::mutex mutex_;
  std::list<std::string> recent_;  // scripts, most recently run first
  std::unordered_map<std::string, std::shared_ptr<Zygote>> zygotes_;
  std::unordered_set<std::string> unservable_;  // scripts whose zygotes failed: run directly
  std::mutex retired_mutex_;  // after mutex_ when both are held
  std::vector<int> retired_;  // zygote pids told to end, to reap
  std::size_t started_ = 0;
};

}  // namespace cfl::runtime
