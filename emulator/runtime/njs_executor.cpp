#include "emulator/runtime/njs_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include "emulator/common/json.h"
#include <optional>
#include <random>

#include "emulator/runtime/js_syntax.h"
#include "emulator/runtime/njs_driver.h"

namespace cfl::runtime {
namespace {

using Json = cfl::Json;
using Clock = std::chrono::steady_clock;
using Outcome = ExecutionResult::Outcome;

constexpr std::size_t kLogLimitBytes = 10 * 1024;  // CloudFront truncates function logs at 10 KB
constexpr std::size_t kStderrKept = 4096;
constexpr std::size_t kStdoutLimit = 4 << 20;  // the result holds at most 10 KB of logs and one event
// njs's own address space (binary, libraries, heap for the driver) before the function's share.
constexpr std::int64_t kRuntimeBaseBytes = 24 << 20;
// How long njs may take to read and compile the script before the handler starts.
constexpr auto kStartAllowance = std::chrono::seconds(5);

std::string FindBinary(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t colon = std::min(dirs.find(':', start), dirs.size());
    std::string candidate = dirs.substr(start, colon - start);
    if (!candidate.empty()) {
      candidate += "/" + name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = colon + 1;
  }
  return "";
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Kills and reaps a child that will not be used.
void Discard(NjsChild& child) {
  const bool ours = child.status < 0;  // a zygote's fork is reaped by its zygote
  CloseChild(child);
  if (child.pid > 0) kill(child.pid, SIGKILL);
  if (child.pid > 0 && ours) waitpid(child.pid, nullptr, 0);
  child.pid = -1;
}

std::string RandomNonce() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kDigits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string nonce = "cfl-";
  for (int i = 0; i < 24; ++i) nonce += kDigits[generator() % (sizeof(kDigits) - 1)];
  return nonce;
}

// The driver applied to the function: what a zygote compiles once.
std::string BuildScript(const Execution& execution) {
  const Json function = {{"code", std::string(execution.code)},
                         {"runtime", execution.runtime == FunctionRuntime::kJs2 ? 2 : 1},
                         {"kind", execution.kind == FunctionKind::kConnection ? "connection" : "viewer"}};
  // ASCII only: njs need not agree with JSON on U+2028 and U+2029 inside string literals.
  std::string script(NjsDriverSource());
  script += "(";
  script += function.dump(-1, ' ', true, Json::error_handler_t::replace);
  script += ");\n";
  return script;
}

// The run's input, read by the driver from descriptor 3.
std::string BuildInput(const Execution& execution, const std::string& nonce) {
  Json input = {{"nonce", nonce}, {"event", Json::parse(execution.event_json)}, {"logLimit", kLogLimitBytes}};
  if (execution.store) {
    Json entries = Json::array();
    for (const auto& [key, value] : execution.store->entries) entries.push_back({key, value});
    input["store"] = {{"id", execution.store->id},
                      {"created", execution.store->created_ms},
                      {"modified", execution.store->modified_ms},
                      {"entries", std::move(entries)}};
  } else {
    input["store"] = nullptr;
  }
  return input.dump(-1, ' ', true, Json::error_handler_t::replace);
}

// The CPU time the process has used, in nanoseconds; nullopt once it is gone.
std::optional<std::int64_t> CpuNanos(int pid) {
  clockid_t clock_id;
  if (clock_getcpuclockid(pid, &clock_id) != 0) return std::nullopt;
  timespec spent{};
  if (clock_gettime(clock_id, &spent) != 0) return std::nullopt;
  return static_cast<std::int64_t>(spent.tv_sec) * 1'000'000'000 + spent.tv_nsec;
}

std::int64_t RusageNanos(const rusage& usage) {
  const auto nanos = [](const timeval& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + static_cast<std::int64_t>(t.tv_usec) * 1000;
  };
  return nanos(usage.ru_utime) + nanos(usage.ru_stime);
}

// What one run of a child printed, and how it ended.
struct Transcript {
  bool started = false;              // the driver printed "NONCE ready"
  std::optional<std::string> result; // the JSON after "NONCE "
  std::int64_t cpu_at_start = -1;    // the child's CPU time when it printed ready
  Clock::time_point wall_at_start{};
  bool killed_for_time = false;
  std::string stdout_text;
  std::string stderr_text;
  int status = 0;  // waitpid's
  std::int64_t cpu_total = -1;
};

// Takes the complete lines of text that start with the nonce.
void TakeLines(std::string& text, const std::string& nonce, Transcript& transcript, int pid) {
  std::size_t newline;
  while ((newline = text.find('\n')) != std::string::npos) {
    std::string line = text.substr(0, newline);
    text.erase(0, newline + 1);
    // njs prints its own warnings (String.bytesFrom's deprecation) without
    // a newline, so the nonce may come after them on the line.
    const auto at = line.find(nonce + " ");
    if (at == std::string::npos) continue;
    std::string rest = line.substr(at + nonce.size() + 1);
    if (rest == "ready" && !transcript.started) {
      transcript.started = true;
      transcript.wall_at_start = Clock::now();
      transcript.cpu_at_start = CpuNanos(pid).value_or(-1);
    } else if (!transcript.result) {
      transcript.result = std::move(rest);
    }
  }
}

// Reads the child's output until it ends, killing it once the handler's CPU
// time passes limit (or, as a backstop, its wall time passes many times it).
void Collect(NjsChild& child, const std::string& nonce, std::chrono::milliseconds limit,
             Transcript& transcript) {
  const auto limit_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count();
  const auto start_deadline = Clock::now() + kStartAllowance;
  const auto wall_cap = limit * 20 + std::chrono::seconds(2);
  std::array<char, 16384> buffer;
  while (child.out >= 0 || child.err >= 0) {
    std::chrono::milliseconds wait = std::chrono::milliseconds(1000);
    const auto now = Clock::now();
    if (!transcript.started) {
      if (now >= start_deadline) {
        transcript.killed_for_time = true;
        break;
      }
      wait = std::chrono::duration_cast<std::chrono::milliseconds>(start_deadline - now) + std::chrono::milliseconds(1);
    } else {
      // The budget covers everything after ready, promise jobs after the result included.
      const auto cpu = CpuNanos(child.pid);
      const std::int64_t used = cpu && transcript.cpu_at_start >= 0
                                    ? *cpu - transcript.cpu_at_start
                                    : std::chrono::duration_cast<std::chrono::nanoseconds>(now - transcript.wall_at_start).count();
      if (used >= limit_ns || now - transcript.wall_at_start >= wall_cap) {
        transcript.killed_for_time = true;
        break;
      }
      // The CPU left is at least this much wall time away.
      wait = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(limit_ns - used)) +
             std::chrono::milliseconds(1);
    }
    std::array<pollfd, 2> fds{pollfd{child.out, POLLIN, 0}, pollfd{child.err, POLLIN, 0}};
    const int ready = poll(fds.data(), fds.size(), static_cast<int>(std::min<std::int64_t>(wait.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = read(fds[i].fd, buffer.data(), buffer.size());
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      int& fd = i == 0 ? child.out : child.err;
      if (got <= 0) {
        CloseFd(fd);
        continue;
      }
      if (i == 0) {
        transcript.stdout_text.append(buffer.data(), static_cast<std::size_t>(got));
        TakeLines(transcript.stdout_text, nonce, transcript, child.pid);
        if (transcript.stdout_text.size() > kStdoutLimit) CloseFd(fd);
      } else if (transcript.stderr_text.size() < kStderrKept) {
        transcript.stderr_text.append(buffer.data(), static_cast<std::size_t>(got));
      }
    }
  }
  if (transcript.killed_for_time || child.out >= 0) kill(child.pid, SIGKILL);
  if (child.status >= 0) {
    // A zygote that died first reports nothing: its fork was killed with it (as waitpid would say).
    const bool ended = NjsZygotes::ReadEnd(child, transcript.status, transcript.cpu_total);
    if (!ended) {
      transcript.status = SIGKILL;
      transcript.cpu_total = -1;
    }
  } else {
    rusage usage{};
    while (wait4(child.pid, &transcript.status, 0, &usage) < 0 && errno == EINTR) {
    }
    transcript.cpu_total = RusageNanos(usage);
  }
  CloseChild(child);
  child.pid = -1;
}

int Utilization(std::int64_t used_ns, std::chrono::milliseconds limit) {
  const auto limit_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count();
  if (limit_ns <= 0 || used_ns <= 0) return 0;
  const std::int64_t percent = (used_ns * 100 + limit_ns - 1) / limit_ns;
  return static_cast<int>(std::clamp<std::int64_t>(percent, 1, 100));
}

std::string LastLine(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  const auto newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

ExecutionResult Interpret(const Transcript& transcript, const Limits& limits) {
  ExecutionResult result;
  const std::int64_t handler_ns =
      transcript.cpu_total >= 0 && transcript.cpu_at_start >= 0 ? transcript.cpu_total - transcript.cpu_at_start : 0;
  result.compute_utilization = Utilization(handler_ns, limits.time);
  if (transcript.killed_for_time || (transcript.started && handler_ns > limits.time.count() * 1'000'000)) {
    result.outcome = Outcome::kTimeLimit;
    result.compute_utilization = 100;
    result.error = "The function exceeded the time limit of " + std::to_string(limits.time.count()) +
                   " ms (compute utilization over 100).";
    return result;
  }
  const bool memory = transcript.stderr_text.find("MemoryError") != std::string::npos;
  if (!transcript.result) {
    if (memory) {
      result.outcome = Outcome::kMemoryLimit;
      result.error = "The function exceeded the memory limit of " + std::to_string(limits.memory_bytes) + " bytes.";
    } else if (WIFSIGNALED(transcript.status)) {
      result.outcome = Outcome::kFunctionError;
      result.error = "The function ended the runtime (njs) with signal " + std::to_string(WTERMSIG(transcript.status)) + ".";
    } else {
      result.outcome = Outcome::kRuntimeError;
      result.error = "njs ended without a result (exit status " + std::to_string(WEXITSTATUS(transcript.status)) +
                     "): " + LastLine(transcript.stderr_text);
    }
    return result;
  }
  Json answer = Json::parse(*transcript.result, nullptr, false);
  if (!answer.is_object()) {
    result.outcome = Outcome::kFunctionError;
    result.error = "The function's result could not be read.";
    return result;
  }
  for (const auto& line : answer.value("logs", Json::array())) {
    if (line.is_string()) result.logs.push_back(line.get<std::string>());
  }
  if (answer.contains("output") && answer["output"].is_string()) {
    result.outcome = Outcome::kOk;
    result.output = answer["output"].get<std::string>();
    return result;
  }
  result.error = answer.value("error", "The function failed.");
  result.outcome = result.error.starts_with("MemoryError") ? Outcome::kMemoryLimit : Outcome::kFunctionError;
  if (result.outcome == Outcome::kMemoryLimit) {
    result.error = "The function exceeded the memory limit of " + std::to_string(limits.memory_bytes) + " bytes.";
  }
  return result;
}

ExecutionResult Failure(Outcome outcome, std::string error) {
  ExecutionResult result;
  result.outcome = outcome;
  result.error = std::move(error);
  return result;
}

}  // namespace

bool ParseRuntime(std::string_view name, FunctionRuntime& runtime) {
  if (name == "cloudfront-js-1.0") {
    runtime = FunctionRuntime::kJs1;
    return true;
  }
  if (name == "cloudfront-js-2.0") {
    runtime = FunctionRuntime::kJs2;
    return true;
  }
  return false;
}

NjsExecutor::NjsExecutor(NjsOptions options)
    : options_(std::move(options)),
      binary_(FindBinary(options_.njs)),
      zygotes_(binary_, options_.zygote_shim, options_.isolate_network, options_.zygote_functions) {}

NjsExecutor::~NjsExecutor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wanted_.notify_all();
  if (refiller_.joinable()) refiller_.join();
  for (auto& child : idle_) Discard(child);
}

NjsChild NjsExecutor::Spawn() const { return SpawnNjs({&binary_, options_.isolate_network, true, nullptr, -1}); }

void NjsExecutor::Refill() {
  std::unique_lock lock(mutex_);
  while (true) {
    wanted_.wait(lock, [&] { return stopping_ || idle_.size() < options_.pool_size; });
    if (stopping_) return;
    lock.unlock();
    NjsChild child = Spawn();
    lock.lock();
    if (child.pid < 0 || stopping_) {
      Discard(child);
      if (stopping_) return;
      wanted_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });  // fork failed: not in a loop
      continue;
    }
    idle_.push_back(child);
  }
}

NjsChild NjsExecutor::Take() {
  std::call_once(started_, [this] {
    if (options_.pool_size > 0) refiller_ = std::thread([this] { Refill(); });
  });
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      NjsChild child = idle_.front();
      idle_.pop_front();
      wanted_.notify_one();
      return child;
    }
  }
  return Spawn();
}

ExecutionResult NjsExecutor::Run(const Execution& execution, const Limits& limits) {
  if (binary_.empty()) {
    return Failure(Outcome::kRuntimeError, "njs is not installed: CloudFront Local runs functions with njs "
                                           "(Debian package njs), looked up as '" + options_.njs + "'.");
  }
  if (auto unsupported = FindUnsupportedSyntax(execution.code, execution.runtime)) {
    return Failure(Outcome::kFunctionError, *unsupported);
  }
  const std::string nonce = RandomNonce();
  const std::string script = BuildScript(execution);
  std::string input;
  try {
    input = BuildInput(execution, nonce);
  } catch (const std::exception& error) {
    return Failure(Outcome::kFunctionError, std::string("The event object is not valid JSON: ") + error.what());
  }
  const auto memory = static_cast<rlim_t>(kRuntimeBaseBytes + 4 * static_cast<std::int64_t>(script.size() + input.size()) +
                                          std::max<std::int64_t>(limits.memory_bytes, 0));
  const rlimit address_space{memory, memory};
  // A fork of the function's zygote; else a process started directly. A
  // pooled process may have died meanwhile (killed from outside): one retry with a fresh one.
  for (int attempt = 0; attempt < 3; ++attempt) {
    NjsChild child = attempt == 0 ? zygotes_.Start(script) : attempt == 1 ? Take() : Spawn();
    if (child.pid < 0 && attempt == 0) continue;
    if (child.pid < 0) return Failure(Outcome::kRuntimeError, "njs could not be started: " + std::string(strerror(errno)));
    prlimit(child.pid, RLIMIT_AS, &address_space, nullptr);
    const auto deadline = Clock::now() + kStartAllowance;
    bool sent = child.script < 0 || WriteAllBefore(child.script, script, deadline);
    CloseFd(child.script);
    sent = sent && WriteAllBefore(child.input, input, deadline);
    CloseFd(child.input);
    if (!sent) {
      Discard(child);
      continue;
    }
    Transcript transcript;
    Collect(child, nonce, limits.time, transcript);
    return Interpret(transcript, limits);
  }
  return Failure(Outcome::kRuntimeError, "njs did not take the function's script.");
}

}  // namespace cfl::runtime
