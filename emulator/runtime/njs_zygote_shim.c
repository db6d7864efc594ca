// Preloaded (LD_PRELOAD) into an njs process that serves as a function's
// zygote (njs_zygotes.h): njs has read the driver and compiled the function,
// and the driver's first read of its per-run input (descriptor 3) lands here.
// Instead of reading, the process becomes a fork server: for every request on
// descriptor 3 (a SOCK_SEQPACKET socket to the emulator carrying four
// descriptors: the run's input pipe, stdout, stderr and a status pipe) it
// forks a child, which returns from read() with the input pipe as descriptor
// 3, so the child runs the compiled function on the run's input. Every run is
// thus a fresh process, a copy of one that has not run anything yet; only the
// start of njs and the compile are paid once per function.
//
// The status pipe receives the child's pid (int32) once forked and, once it
// ended, {pid int32, wait status int32, CPU nanoseconds int64}; it is closed
// after that. The zygote ends when the emulator closes the socket (as its
// death does), once its running forks have ended; a fork dies with its zygote
// (PR_SET_PDEATHSIG) and, as a backstop, after 30 s of CPU.
//
// C and libc only: it is loaded into njs, a program that is not ours; built
// without sanitizers.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum { kServerFd = 3, kMaxRuns = 64, kCpuBackstopSeconds = 30 };

typedef ssize_t (*ReadFunction)(int, void*, size_t);

static ReadFunction real_read;
static int enabled;  // CFL_NJS_ZYGOTE=1 in the environment at load
static int serving;  // the fork server has started (in the zygote and in its children)
static int input_ended;  // in a fork: descriptor 3 reached its end

struct Run {
  pid_t pid;
  int status_fd;
};
static struct Run runs[kMaxRuns];

__attribute__((constructor)) static void Load(void) {
  const char* flag = getenv("CFL_NJS_ZYGOTE");
  enabled = flag != NULL && strcmp(flag, "1") == 0;
  // Nothing of this reaches the function's environment.
  unsetenv("CFL_NJS_ZYGOTE");
  unsetenv("LD_PRELOAD");
}

static void WriteFully(int fd, const void* data, size_t size) {
  const char* bytes = data;
  while (size > 0) {
    const ssize_t written = write(fd, bytes, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    bytes += written;
    size -= (size_t)written;
  }
}

static void Reap(void) {
  int status;
  struct rusage usage;
  pid_t pid;
  while ((pid = wait4(-1, &status, WNOHANG, &usage)) > 0) {
    for (int i = 0; i < kMaxRuns; ++i) {
      if (runs[i].pid != pid) continue;
      struct {
        int32_t pid;
        int32_t status;
        int64_t cpu_ns;
      } record = {pid, status,
                  ((int64_t)usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000 +
                      ((int64_t)usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000};
      WriteFully(runs[i].status_fd, &record, sizeof record);
      close(runs[i].status_fd);
      runs[i].pid = 0;
      runs[i].status_fd = -1;
    }
  }
}

// Receives one request: 4 descriptors. Returns 0 with fds filled, -1 when the emulator is gone.
static int Receive(int fds[4]) {
  char byte;
  struct iovec data = {&byte, 1};
  union {
    char buffer[CMSG_SPACE(4 * sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr message = {0};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.buffer;
  message.msg_controllen = sizeof control.buffer;
  ssize_t got;
  do {
    got = recvmsg(kServerFd, &message, MSG_CMSG_CLOEXEC);
  } while (got < 0 && errno == EINTR);
  if (got <= 0) return -1;
  struct cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (header == NULL || header->cmsg_type != SCM_RIGHTS || header->cmsg_len != CMSG_LEN(4 * sizeof(int))) {
    return 1;  // not a request: ignored
  }
  memcpy(fds, CMSG_DATA(header), 4 * sizeof(int));
  return 0;
}

static int FreeSlot(void) {
  for (int i = 0; i < kMaxRuns; ++i) {
    if (runs[i].pid == 0) return i;
  }
  return -1;
}

static int Busy(void) {
  for (int i = 0; i < kMaxRuns; ++i) {
    if (runs[i].pid != 0) return 1;
  }
  return 0;
}

// The fork server: returns only in a child, ready to read its input on descriptor 3.
static void Serve(void) {
  for (int i = 0; i < kMaxRuns; ++i) runs[i].status_fd = -1;
  sigset_t child_signal, previous;
  sigemptyset(&child_signal);
  sigaddset(&child_signal, SIGCHLD);
  sigprocmask(SIG_BLOCK, &child_signal, &previous);
  const int signals = signalfd(-1, &child_signal, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signals < 0) _exit(127);
  signal(SIGPIPE, SIG_IGN);  // a status pipe the emulator closed must not end the zygote
  fflush(NULL);  // nothing buffered is printed twice
  while (1) {
    struct pollfd waiting[2] = {{kServerFd, POLLIN, 0}, {signals, POLLIN, 0}};
    if (poll(waiting, 2, -1) < 0 && errno != EINTR) _exit(127);
    if (waiting[1].revents & POLLIN) {
      struct signalfd_siginfo info;
      while (read(signals, &info, sizeof info) > 0) {
      }
      Reap();
    }
    if ((waiting[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    int fds[4];
    const int received = Receive(fds);
    if (received < 0) break;
    if (received > 0) continue;
    Reap();
    const int slot = FreeSlot();
    const pid_t server = getpid();
    const pid_t pid = slot < 0 ? -1 : fork();
    if (pid == 0) {
      // The child: the run's descriptors in place of the server's.
      sigprocmask(SIG_SETMASK, &previous, NULL);
      signal(SIGPIPE, SIG_DFL);
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != server) _exit(127);
      const struct rlimit cpu = {kCpuBackstopSeconds, kCpuBackstopSeconds};
      setrlimit(RLIMIT_CPU, &cpu);
      close(signals);
      for (int i = 0; i < kMaxRuns; ++i) {
        if (runs[i].status_fd >= 0) close(runs[i].status_fd);
      }
      if (dup2(fds[0], kServerFd) < 0 || dup2(fds[1], 1) < 0 || dup2(fds[2], 2) < 0) _exit(127);
      for (int i = 0; i < 4; ++i) close(fds[i]);
      return;
    }
    const int32_t announced = pid;
    WriteFully(fds[3], &announced, sizeof announced);
    for (int i = 0; i < 3; ++i) close(fds[i]);
    if (pid < 0) {
      close(fds[3]);
      continue;
    }
    runs[slot].pid = pid;
    runs[slot].status_fd = fds[3];
  }
  // The emulator let this function go: its running forks end first (they die with the zygote).
  while (Busy()) {
    struct pollfd waiting = {signals, POLLIN, 0};
    if (poll(&waiting, 1, -1) < 0 && errno != EINTR) break;
    struct signalfd_siginfo info;
    while (read(signals, &info, sizeof info) > 0) {
    }
    Reap();
  }
  _exit(0);
}

ssize_t read(int fd, void* buffer, size_t size) {
  if (real_read == NULL) real_read = (ReadFunction)dlsym(RTLD_NEXT, "read");
  if (fd != kServerFd || !enabled) return real_read(fd, buffer, size);
  if (!serving) {
    serving = 1;
    Serve();
  }
  // In a fork: the driver reads its input to the end, and once more when the run is over
  // (njs_driver.cpp). Then it exits without njs's clean-up: freeing the VM's memory would
  // write to, hence copy, every page shared with the zygote, for nothing.
  if (input_ended) {
    fflush(NULL);
    _exit(0);
  }
  const ssize_t got = real_read(fd, buffer, size);
  if (got == 0) input_ended = 1;
  return got;
}
