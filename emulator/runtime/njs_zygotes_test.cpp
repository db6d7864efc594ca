// Runs forked from a function's zygote (njs_zygotes.h), against the real njs
// and the shim built beside unit_tests: reuse, isolation between runs, a
// changed function, the LRU bound, concurrency, and the direct path without it.
#include "emulator/runtime/njs_zygotes.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include "emulator/common/json.h"
#include <string>
#include <thread>
#include <vector>

#include "emulator/runtime/njs_executor.h"

namespace cfl::runtime {
namespace {

using Json = cfl::Json;
using Outcome = ExecutionResult::Outcome;

const std::string kEvent = R"({"version":"1.0","context":{"eventType":"viewer-request"},"viewer":{"ip":"198.51.100.7"},
  "request":{"method":"GET","uri":"/a/","querystring":{},"headers":{},"cookies":{}}})";

// The function counts its runs in a global and at the top level: a fresh process each run says 1 and 1.
const std::string kCounting =
    "var runs = 0;\n"
    "globalThis.topLevel = (globalThis.topLevel || 0) + 1;\n"
    "function handler(event) {\n"
    "  runs++;\n"
    "  globalThis.seen = (globalThis.seen || 0) + 1;\n"
    "  event.request.headers['x-runs'] = {value: runs + '/' + globalThis.seen + '/' + globalThis.topLevel};\n"
    "  return event.request;\n"
    "}";

std::string Header(const ExecutionResult& result, const std::string& name) {
  REQUIRE_MESSAGE(result.outcome == Outcome::kOk, result.error);
  return Json::parse(result.output)["request"]["headers"][name]["value"].get<std::string>();
}

NjsOptions ZygoteOptions(std::size_t functions = 8) {
  NjsOptions options;
  options.pool_size = 0;
  options.zygote_functions = functions;
  return options;
}

ExecutionResult RunOn(NjsExecutor& executor, const std::string& code, FunctionRuntime runtime = FunctionRuntime::kJs2) {
  return executor.Run({code, runtime, kEvent}, {std::chrono::milliseconds(500), 16 << 20});
}

TEST_CASE("a function's runs are forks of one zygote, and no run sees another's state") {
  NjsExecutor executor(ZygoteOptions());
  REQUIRE_MESSAGE(!executor.Binary().empty(), "njs is not installed (build.sh installs the Debian package njs)");
  REQUIRE_MESSAGE(executor.Zygotes().Enabled(), "libcfl_njs_zygote.so is not beside unit_tests");
  for (int run = 0; run < 3; ++run) CHECK(Header(RunOn(executor, kCounting), "x-runs") == "1/1/1");
  CHECK(executor.Zygotes().Started() == 1);
  CHECK(executor.Zygotes().Alive() == 1);
  // The same code in the other runtime is another function: another zygote.
  CHECK(Header(RunOn(executor, kCounting, FunctionRuntime::kJs1), "x-runs") == "1/1/1");
  CHECK(executor.Zygotes().Started() == 2);
}

TEST_CASE("a changed function never runs the old code") {
  NjsExecutor executor(ZygoteOptions());
  const auto version = [](const std::string& v) {
    return "function handler(e) { e.request.headers['x-v'] = {value: '" + v + "'}; return e.request; }";
  };
  CHECK(Header(RunOn(executor, version("1")), "x-v") == "1");
  CHECK(Header(RunOn(executor, version("2")), "x-v") == "2");
  CHECK(Header(RunOn(executor, version("1")), "x-v") == "1");
  CHECK(executor.Zygotes().Started() == 2);
}

TEST_CASE("zygotes are kept for the most recently run functions only") {
  NjsExecutor executor(ZygoteOptions(2));
  const auto code = [](int n) {
    return "function handler(e) { e.request.headers['x-n'] = {value: '" + std::to_string(n) + "'}; return e.request; }";
  };
  for (int n = 0; n < 4; ++n) CHECK(Header(RunOn(executor, code(n)), "x-n") == std::to_string(n));
  CHECK(executor.Zygotes().Alive() == 2);
  CHECK(Header(RunOn(executor, code(0)), "x-n") == "0");  // evicted, started again
  CHECK(executor.Zygotes().Started() == 5);
  CHECK(Header(RunOn(executor, code(3)), "x-n") == "3");  // still kept
  CHECK(executor.Zygotes().Started() == 5);
}

TEST_CASE("runs from 4 threads at once, some past the time limit, each in its own process") {
  NjsExecutor executor(ZygoteOptions());
  std::vector<std::vector<ExecutionResult>> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) results[t].push_back(RunOn(executor, kCounting));
      results[t].push_back(executor.Run({"function handler(e) { while (true) {} }", FunctionRuntime::kJs2, kEvent},
                                        {std::chrono::milliseconds(50), 16 << 20}));
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& runs : results) {
    REQUIRE(runs.size() == 6);
    for (int i = 0; i < 5; ++i) CHECK(Header(runs[i], "x-runs") == "1/1/1");
    CHECK_MESSAGE(runs[5].outcome == Outcome::kTimeLimit, runs[5].error);
  }
  CHECK(executor.Zygotes().Started() >= 2);
  CHECK(executor.Zygotes().Started() <= 4 * 2);  // a function's zygote is shared, not one per run
}

TEST_CASE("the sandbox holds in a zygote's fork, and without the shim runs start directly") {
  for (const bool zygotes : {true, false}) {
    CAPTURE(zygotes);
    NjsOptions options = ZygoteOptions();
    if (!zygotes) options.zygote_shim = "";
    NjsExecutor executor(options);
    CHECK(executor.Zygotes().Enabled() == zygotes);
    for (const std::string code : {"function handler(e) { return require('fs').readFileSync('/etc/passwd'); }",
                                   "function handler(e) { return globalThis.require('fs'); }",
                                   "function handler(e) { return process.pid; }",
                                   "function handler(e) { return globalThis.njs.version; }",
                                   "function handler(e) { return fs.readFileSync('/etc/passwd'); }"}) {
      CAPTURE(code);
      const auto result = RunOn(executor, code);
      CHECK(result.outcome == Outcome::kFunctionError);
      CHECK(result.error.find("root:") == std::string::npos);
    }
    CHECK(Header(RunOn(executor, kCounting), "x-runs") == "1/1/1");
    CHECK(executor.Zygotes().Started() == (zygotes ? 6 : 0));
  }
}

TEST_CASE("a zygote killed from outside is replaced: the next run still answers") {
  NjsExecutor executor(ZygoteOptions());
  CHECK(Header(RunOn(executor, kCounting), "x-runs") == "1/1/1");
  const auto pids = executor.Zygotes().Pids();
  REQUIRE(pids.size() == 1);
  REQUIRE(kill(pids[0], SIGKILL) == 0);
  CHECK(Header(RunOn(executor, kCounting), "x-runs") == "1/1/1");
  CHECK(executor.Zygotes().Started() == 2);
  CHECK(executor.Zygotes().Pids() != pids);
}

TEST_CASE("an njs that does not load the shim (a wrapper script): runs start directly, after two tries") {
  char path[] = "/tmp/cfl-njs-wrapper-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string wrapper = "#!/bin/sh\nexec " + NjsExecutor().Binary() + " \"$@\"\n";
  REQUIRE(write(fd, wrapper.data(), wrapper.size()) == static_cast<ssize_t>(wrapper.size()));
  close(fd);
  REQUIRE(chmod(path, 0700) == 0);
  NjsOptions options = ZygoteOptions();
  options.njs = path;
  NjsExecutor executor(options);
  for (int run = 0; run < 3; ++run) CHECK(Header(RunOn(executor, kCounting), "x-runs") == "1/1/1");
  CHECK(executor.Zygotes().Started() == 2);
  CHECK(executor.Zygotes().Alive() == 0);
  std::remove(path);
}

}  // namespace
}  // namespace cfl::runtime
