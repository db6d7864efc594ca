// Start time and idle memory of the emulator: spawns it (--port 0), reads the
// port from its first line, polls GET /_emulator/health as fast as it can and
// times spawn → first 200. Repeats, then reports the median. A last start
// waits --settle-ms after the first 200 and reads VmRSS from /proc.
//
//   start_probe --binary PATH [--runs 21] [--settle-ms 300] [-- extra server flags]
//
// Prints "BENCH start runs=N median_ms=… min_ms=… max_ms=…" and
// "BENCH idle rss_kb=…".
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/bench_http.h"

extern char** environ;

namespace cfl::bench {
namespace {

struct Started {
  pid_t pid = -1;
  int port = -1;
  double ms = 0;  // spawn → first 200 from the health endpoint
};

// The port from "cloudfront-local listening on http://HOST:PORT".
int ReadPort(int fd) {
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  const auto colon = line.rfind(':');
  return colon == std::string::npos ? -1 : std::atoi(line.c_str() + colon + 1);
}

std::optional<Started> Start(const std::string& binary, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {binary, "--port", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);

  Started started;
  const auto spawned = Clock::now();
  const int rc = posix_spawn(&started.pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    std::fprintf(stderr, "start_probe: cannot spawn %s: %s\n", binary.c_str(), std::strerror(rc));
    return std::nullopt;
  }
  started.port = ReadPort(out[0]);
  ::close(out[0]);  // the server never writes to stdout again
  if (started.port <= 0) {
    std::fprintf(stderr, "start_probe: no port announced\n");
    return std::nullopt;
  }
  HttpConnection connection;
  HttpResponse response;
  while (true) {
    if (connection.Connect(started.port) &&
        connection.RoundTrip("GET", "/_emulator/health", "", "", response) && response.status == 200) {
      break;
    }
    if (MillisSince(spawned) > 10'000) {
      std::fprintf(stderr, "start_probe: no 200 from /_emulator/health within 10 s\n");
      return std::nullopt;
    }
  }
  started.ms = MillisSince(spawned);
  return started;
}

void Stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

long RssKb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  }
  return -1;
}

}  // namespace
}  // namespace cfl::bench

int main(int argc, char** argv) {
  std::string binary;
  int runs = 21;
  int settle_ms = 300;
  std::vector<std::string> extra;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) {
      extra.assign(argv + i + 1, argv + argc);
      break;
    }
    if (i + 1 >= argc) break;
    if (std::strcmp(argv[i], "--binary") == 0) binary = argv[++i];
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--settle-ms") == 0) settle_ms = std::atoi(argv[++i]);
  }
  if (binary.empty()) {
    std::fprintf(stderr, "usage: start_probe --binary PATH [--runs 21] [--settle-ms 300] [-- server flags]\n");
    return 2;
  }
  std::vector<double> times;
  for (int run = 0; run < runs; ++run) {
    auto started = cfl::bench::Start(binary, extra);
    if (!started) return 1;
    times.push_back(started->ms);
    cfl::bench::Stop(started->pid);
  }
  std::sort(times.begin(), times.end());
  const std::size_t mid = times.size() / 2;
  const double median = times.size() % 2 == 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  std::printf("BENCH start runs=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f\n", runs, median, times.front(),
              times.back());

  auto started = cfl::bench::Start(binary, extra);
  if (!started) return 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));
  std::printf("BENCH idle rss_kb=%ld\n", cfl::bench::RssKb(started->pid));
  cfl::bench::Stop(started->pid);
  return 0;
}
