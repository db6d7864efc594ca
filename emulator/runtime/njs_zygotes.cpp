#include "emulator/runtime/njs_zygotes.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

namespace cfl::runtime {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kCpuBackstopSeconds = 30;
// How long a zygote may take to start, compile and fork (the first run of a function pays it).
constexpr auto kForkAllowance = std::chrono::seconds(5);
constexpr std::size_t kUnservableKept = 64;

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads exactly size bytes from a non-blocking fd before deadline.
bool ReadExactly(int fd, void* data, std::size_t size, Clock::time_point deadline) {
  auto* bytes = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t got = read(fd, bytes, size);
    if (got > 0) {
      bytes += got;
      size -= static_cast<std::size_t>(got);
      continue;
    }
    if (got == 0) return false;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd waiting{fd, POLLIN, 0};
    if (left <= 0 || poll(&waiting, 1, static_cast<int>(left)) <= 0) return false;
  }
  return true;
}

}  // namespace

void CloseChild(NjsChild& child) {
  for (int* fd : {&child.script, &child.input, &child.out, &child.err, &child.status}) CloseFd(*fd);
}

bool WriteAllBefore(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline) {
  sigset_t pipe_signal, previous;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
  bool ok = true;
  while (!data.empty()) {
    const ssize_t written = write(fd, data.data(), data.size());
    if (written > 0) {
      data.remove_prefix(static_cast<std::size_t>(written));
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && errno == EAGAIN) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd waiting{fd, POLLOUT, 0};
      if (left <= 0 || poll(&waiting, 1, static_cast<int>(left)) <= 0) {
        ok = false;
        break;
      }
      continue;
    }
    ok = false;
    break;
  }
  if (!ok && errno == EPIPE) {
    const timespec no_wait{0, 0};
    sigtimedwait(&pipe_signal, nullptr, &no_wait);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return ok;
}

NjsChild SpawnNjs(const NjsSpawn& spawn) {
  NjsChild child;
  // [0] stdin (script), [1] descriptor 3 (input), [2] stdout, [3] stderr; {child's end, ours}.
  std::array<std::array<int, 2>, 4> ends;
  for (auto& pair : ends) pair = {-1, -1};
  const auto close_all = [&] {
    for (auto& pair : ends) CloseFd(pair[0]), CloseFd(pair[1]);
  };
  const int null_device = spawn.quiet ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
  if (spawn.quiet && null_device < 0) return child;
  for (std::size_t i = 0; i < ends.size(); ++i) {
    if ((i == 1 && spawn.descriptor3 >= 0) || (i >= 2 && spawn.quiet)) {
      if (i >= 2) ends[i][0] = fcntl(null_device, F_DUPFD_CLOEXEC, 0);
      continue;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      close_all();
      if (null_device >= 0) close(null_device);
      return child;
    }
    const bool child_reads = i <= 1;
    ends[i] = child_reads ? std::array<int, 2>{fds[0], fds[1]} : std::array<int, 2>{fds[1], fds[0]};
  }
  const int descriptor3 = spawn.descriptor3 >= 0 ? spawn.descriptor3 : ends[1][0];
  // Everything the child needs is made before fork: after it, only system calls.
  const char* argv[] = {spawn.binary->c_str(), "-", nullptr};
  const char* no_environment[] = {nullptr};
  const char* const* envp = spawn.environment ? spawn.environment : no_environment;
  const pid_t parent = getpid();
  const int namespaces = spawn.isolate_network ? CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS : 0;
  const bool cpu_backstop = spawn.cpu_backstop;
  const bool dies_with_thread = spawn.dies_with_thread;
  const pid_t pid = fork();
  if (pid == 0) {
    if (dies_with_thread) prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    setsid();
    if (namespaces != 0) unshare(namespaces);  // best effort: refused without privileges
    const rlimit no_files{0, 0};
    const rlimit cpu{kCpuBackstopSeconds, kCpuBackstopSeconds};
    setrlimit(RLIMIT_FSIZE, &no_files);
    setrlimit(RLIMIT_CORE, &no_files);
    if (cpu_backstop) setrlimit(RLIMIT_CPU, &cpu);
    // Each source first moves above every target: a source may be numbered 3 (the pipes are made
    // with the lowest free numbers), which dup2 onto 3 would close before it is used.
    const int sources[4] = {ends[0][0], descriptor3, ends[2][0], ends[3][0]};
    const int targets[4] = {0, 3, 1, 2};
    int moved[4];
    for (int i = 0; i < 4; ++i) {
      if ((moved[i] = fcntl(sources[i], F_DUPFD, 10)) < 0) _exit(127);
    }
    for (int i = 0; i < 4; ++i) {
      if (dup2(moved[i], targets[i]) < 0) _exit(127);
    }
    syscall(SYS_close_range, 4U, ~0U, 0U);
    if (chdir("/") != 0) _exit(127);
    execve(argv[0], const_cast<char* const*>(argv), const_cast<char* const*>(envp));
    _exit(127);
  }
  for (auto& pair : ends) CloseFd(pair[0]);
  if (null_device >= 0) close(null_device);
  if (pid < 0) {
    close_all();
    return child;
  }
  child = NjsChild{pid, ends[0][1], ends[1][1], ends[2][1], ends[3][1], -1};
  for (const int fd : {child.script, child.input, child.out, child.err}) {
    if (fd >= 0) SetNonBlocking(fd);
  }
  return child;
}

struct NjsZygotes::Zygote {
  NjsZygotes* owner = nullptr;
  int pid = -1;
  int socket = -1;  // to its descriptor 3
  ~Zygote() {
    // Closing the socket tells the zygote to end once its running forks have.
    CloseFd(socket);
    if (pid > 0) {
      std::lock_guard lock(owner->retired_mutex_);
      owner->retired_.push_back(pid);
    }
  }
};

NjsZygotes::NjsZygotes(std::string binary, std::string shim, bool isolate_network, std::size_t max_functions)
    : binary_(std::move(binary)),
      shim_(std::move(shim)),
      isolate_network_(isolate_network),
      max_functions_(max_functions),
      enabled_(!binary_.empty() && !shim_.empty() && max_functions_ > 0 && access(shim_.c_str(), R_OK) == 0) {}

NjsZygotes::~NjsZygotes() {
  {
    std::lock_guard lock(mutex_);
    recent_.clear();
    zygotes_.clear();
  }
  std::lock_guard lock(retired_mutex_);
  for (const int pid : retired_) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  retired_.clear();
}

std::string NjsZygotes::ShimBesideProgram() {
  std::error_code error;
  const auto program = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "";
  auto shim = program.parent_path() / "libcfl_njs_zygote.so";
  return std::filesystem::exists(shim, error) ? shim.string() : "";
}

std::size_t NjsZygotes::Started() const {
  std::lock_guard lock(mutex_);
  return started_;
}

std::size_t NjsZygotes::Alive() const {
  std::lock_guard lock(mutex_);
  return zygotes_.size();
}

std::vector<int> NjsZygotes::Pids() const {
  std::lock_guard lock(mutex_);
  std::vector<int> pids;
  for (const auto& [script, zygote] : zygotes_) pids.push_back(zygote->pid);
  return pids;
}

void NjsZygotes::ReapRetired() {
  std::lock_guard lock(retired_mutex_);
  std::erase_if(retired_, [](int pid) { return waitpid(pid, nullptr, WNOHANG) != 0; });
}

std::shared_ptr<NjsZygotes::Zygote> NjsZygotes::Make(const std::string& script) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return nullptr;
  const std::string preload = "LD_PRELOAD=" + shim_;
  const char* environment[] = {preload.c_str(), "CFL_NJS_ZYGOTE=1", nullptr};
  NjsChild process = SpawnNjs({&binary_, isolate_network_, false, environment, pair[1], true, false});
  close(pair[1]);
  auto zygote = std::make_shared<Zygote>();
  zygote->owner = this;
  zygote->socket = pair[0];
  zygote->pid = process.pid;
  if (process.pid < 0) return nullptr;
  const bool sent = WriteAllBefore(process.script, script, Clock::now() + kForkAllowance);
  CloseChild(process);
  if (!sent) {
    kill(zygote->pid, SIGKILL);
    return nullptr;
  }
  return zygote;
}

std::shared_ptr<NjsZygotes::Zygote> NjsZygotes::Acquire(const std::string& script) {
  {
    std::lock_guard lock(mutex_);
    const auto found = zygotes_.find(script);
    if (found != zygotes_.end()) {
      recent_.remove(script);
      recent_.push_front(script);
      return found->second;
    }
  }
  // Started outside the lock: other functions' runs do not wait for this one's start.
  auto made = Make(script);
  if (!made) return nullptr;
  std::shared_ptr<Zygote> evicted;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  auto [slot, inserted] = zygotes_.try_emplace(script, made);
  if (!inserted) return slot->second;  // another run started one meanwhile: ours ends
  ++started_;
  recent_.push_front(script);
  if (recent_.size() > max_functions_) {
    const auto oldest = zygotes_.find(recent_.back());
    evicted = std::move(oldest->second);
    zygotes_.erase(oldest);
    recent_.pop_back();
  }
  return made;
}

void NjsZygotes::Forget(const std::shared_ptr<Zygote>& zygote) {
  kill(zygote->pid, SIGKILL);
  std::lock_guard lock(mutex_);
  for (auto it = zygotes_.begin(); it != zygotes_.end(); ++it) {
    if (it->second != zygote) continue;
    recent_.remove(it->first);
    zygotes_.erase(it);
    return;
  }
}

bool NjsZygotes::ReadEnd(const NjsChild& child, int& status, std::int64_t& cpu_ns) {
  struct {
    std::int32_t pid;
    std::int32_t status;
    std::int64_t cpu_ns;
  } record{};
  if (!ReadExactly(child.status, &record, sizeof record, Clock::now() + kForkAllowance) || record.pid != child.pid) {
    return false;
  }
  status = record.status;
  cpu_ns = record.cpu_ns;
  return true;
}

NjsChild NjsZygotes::Start(const std::string& script) {
  if (!enabled_) return {};
  ReapRetired();
  {
    std::lock_guard lock(mutex_);
    if (unservable_.contains(script)) return {};
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto zygote = Acquire(script);
    if (!zygote) return {};
    // {child's end, ours}: input (the child reads), stdout, stderr, status (the zygote writes).
    std::array<std::array<int, 2>, 4> ends;
    bool made = true;
    for (std::size_t i = 0; i < ends.size(); ++i) {
      int fds[2] = {-1, -1};
      made = made && pipe2(fds, O_CLOEXEC) == 0;
      ends[i] = i == 0 ? std::array<int, 2>{fds[0], fds[1]} : std::array<int, 2>{fds[1], fds[0]};
    }
    NjsChild child{-1, -1, ends[0][1], ends[1][1], ends[2][1], ends[3][1]};
    if (made) {
      char byte = 'r';
      iovec data{&byte, 1};
      union {
        char buffer[CMSG_SPACE(4 * sizeof(int))];
        cmsghdr align;
      } control{};
      msghdr message{};
      message.msg_iov = &data;
      message.msg_iovlen = 1;
      message.msg_control = control.buffer;
      message.msg_controllen = sizeof control.buffer;
      cmsghdr* header = CMSG_FIRSTHDR(&message);
      header->cmsg_level = SOL_SOCKET;
      header->cmsg_type = SCM_RIGHTS;
      header->cmsg_len = CMSG_LEN(4 * sizeof(int));
      const int theirs[4] = {ends[0][0], ends[1][0], ends[2][0], ends[3][0]};
      std::memcpy(CMSG_DATA(header), theirs, sizeof theirs);
      made = sendmsg(zygote->socket, &message, MSG_NOSIGNAL) == 1;
    }
    for (auto& pair : ends) CloseFd(pair[0]);
    std::int32_t pid = -1;
    bool announced = false;
    if (made) {
      for (const int fd : {child.input, child.out, child.err, child.status}) SetNonBlocking(fd);
      announced = ReadExactly(child.status, &pid, sizeof pid, Clock::now() + kForkAllowance);
    }
    if (announced && pid > 0) {
      child.pid = pid;
      return child;
    }
    CloseChild(child);
    if (announced) return {};  // the zygote could not fork (busy, or fork failed): this run starts directly
    Forget(zygote);  // dead or stuck: the next run starts another
  }
  // Two zygotes in a row could not serve (an njs that does not load the shim, say a wrapper
  // script): this function's runs start directly from now on, instead of paying for both.
  std::lock_guard lock(mutex_);
  if (unservable_.size() >= kUnservableKept) unservable_.clear();
  unservable_.insert(script);
  return {};
}

}  // namespace cfl::runtime
