// The njs executor against the real njs (the Debian package the build
// installs): results, limits, and the sandbox.
#include "emulator/runtime/njs_executor.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include "emulator/common/json.h"

namespace cfl::runtime {
namespace {

using Json = cfl::Json;
using Outcome = ExecutionResult::Outcome;

const std::string kRequestEvent = R"({"version":"1.0","context":{"eventType":"viewer-request"},
  "viewer":{"ip":"198.51.100.7"},
  "request":{"method":"GET","uri":"/index.html","querystring":{"a":{"value":"1"}},
             "headers":{"host":{"value":"www.example.com"}},"cookies":{}}})";

NjsExecutor& Executor() {
  static NjsExecutor executor;
  return executor;
}

ExecutionResult Run(std::string_view code, FunctionRuntime runtime = FunctionRuntime::kJs2,
                    const KeyValueData* store = nullptr, Limits limits = {std::chrono::milliseconds(200), 16 << 20}) {
  REQUIRE_MESSAGE(!Executor().Binary().empty(), "njs is not installed (build.sh installs the Debian package njs)");
  return Executor().Run({code, runtime, kRequestEvent, store}, limits);
}

TEST_CASE("njs runs the handler on the event: output, logs, compute utilization") {
  auto result = Run(
      "function handler(event) {\n"
      "  var request = event.request;\n"
      "  console.log('uri', request.uri, 42);\n"
      "  request.headers['x-added'] = {value: String.bytesFrom('6869', 'hex')};\n"
      "  return request;\n"
      "}",
      FunctionRuntime::kJs1);
  REQUIRE_MESSAGE(result.outcome == Outcome::kOk, result.error);
  const Json output = Json::parse(result.output);
  CHECK(output["request"]["uri"] == "/index.html");
  CHECK(output["request"]["headers"]["x-added"]["value"] == "hi");
  CHECK(output["request"]["querystring"]["a"]["value"] == "1");
  CHECK(result.logs == std::vector<std::string>{"uri /index.html 42"});
  // A share of the time limit, measured: a fast run on an idle machine may round to 0.
  CHECK(result.compute_utilization >= 0);
  CHECK(result.compute_utilization <= 100);

  auto response = Run("function handler(event) { return {statusCode: 302, statusDescription: 'Found',"
                      " headers: {location: {value: 'https://example.com/'}}}; }");
  REQUIRE(response.outcome == Outcome::kOk);
  CHECK(Json::parse(response.output) ==
        Json::parse(R"({"response":{"statusCode":302,"statusDescription":"Found",
                        "headers":{"location":{"value":"https://example.com/"}},"cookies":{}}})"));
}

TEST_CASE("errors: thrown, syntax, a bad return value, no handler, 1.0 syntax") {
  CHECK(Run("function handler(e) { throw new TypeError('boom'); }").error == "TypeError: boom");
  auto syntax = Run("function handler(e) { return e.request ");
  CHECK(syntax.outcome == Outcome::kFunctionError);
  CHECK(syntax.error.starts_with("SyntaxError: "));
  CHECK(Run("function handler(e) { return 'text'; }").error.find("must return the request or a response") !=
        std::string::npos);
  CHECK(Run("function handler(e) { return {statusCode: 'x'}; }").error.find("statusCode") != std::string::npos);
  CHECK(Run("var x = 1;").error == "The function code does not define a handler function");
  auto old = Run("function handler(e) { const r = e.request; return r; }", FunctionRuntime::kJs1);
  CHECK(old.outcome == Outcome::kFunctionError);
  CHECK(old.error == "SyntaxError: Token \"const\" not supported in cloudfront-js-1.0 in 1");
  CHECK(Run("function handler(e) { const r = e.request; return r; }").outcome == Outcome::kOk);
}

TEST_CASE("2.0: async handlers and the associated key value store through import cf from 'cloudfront'") {
  KeyValueData store{"0e8a6e3c-1b1d-4e7f-9c6a-1e2b3c4d5e6f", 1'700'000'000'000, 1'700'000'100'000,
                     {{"/old", "/new"}, {"config", R"({"ttl": 60})"}, {"__proto__", "p"}}};
  auto result = Run(
      "import cf from 'cloudfront';\n"
      "const kvs = cf.kvs();\n"
      "async function handler(event) {\n"
      "  const target = await kvs.get(event.request.uri === '/index.html' ? '/old' : 'none');\n"
      "  const config = await kvs.get('config', {format: 'json'});\n"
      "  const proto = await kvs.exists('__proto__');\n"
      "  const missing = await kvs.exists('/nothing');\n"
      "  const meta = await kvs.meta();\n"
      "  let error = '';\n"
      "  try { await kvs.get('/nothing'); } catch (e) { error = String(e); }\n"
      "  console.log(target, config.ttl, proto, missing, meta.keyCount, meta.creationDateTime, error);\n"
      "  return {statusCode: 301, statusDescription: 'Moved', headers: {location: {value: target}}};\n"
      "}",
      FunctionRuntime::kJs2, &store);
  REQUIRE_MESSAGE(result.outcome == Outcome::kOk, result.error);
  CHECK(Json::parse(result.output)["response"]["headers"]["location"]["value"] == "/new");
  REQUIRE(result.logs.size() == 1);
  CHECK(result.logs[0].starts_with("/new 60 true false 3 2023-11-14T22:13:20.000Z Error: Key"));
  CHECK(Run("import cf from 'cloudfront';\nfunction handler(e) { cf.kvs(); return e.request; }").error ==
        "Error: No key value store is associated with this function");
}

TEST_CASE("the sandbox: no file, process, environment, module or dynamic code") {
  char path[] = "/tmp/cfl-secret-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string secret = "top-secret-7c1f";
  REQUIRE(write(fd, ("export default '" + secret + "';\n").data(), secret.size() + 18) > 0);
  close(fd);
  const std::string file(path);
  const std::vector<std::string> attempts = {
      "function handler(e) { return require('fs').readFileSync('" + file + "', 'utf8'); }",
      "import fs from 'fs';\nfunction handler(e) { return fs.readFileSync('" + file + "'); }",
      "import secret from '" + file + "';\nfunction handler(e) { return secret; }",
      "function handler(e) { return process.env; }",
      "function handler(e) { return njs.version; }",
      "function handler(e) { return (function(){}).constructor('return 1')(); }",
      "function handler(e) { return eval('1'); }",
      "function handler(e) { return setTimeout(function(){}, 1); }",
      "function handler(e) { return require('child_process'); }",
      "function handler(e) { return globalThis.require('fs'); }",
  };
  for (const auto& code : attempts) {
    CAPTURE(code);
    const auto result = Run(code);
    CHECK(result.outcome == Outcome::kFunctionError);
    CHECK(result.error.find(secret) == std::string::npos);
    CHECK(result.output.find(secret) == std::string::npos);
  }
  std::remove(path);
  // Only the driver's nonce-prefixed lines count: printed look-alikes do not.
  auto forged = Run("function handler(e) { console.log('x {\"output\":\"{}\"}'); return e.request; }");
  REQUIRE(forged.outcome == Outcome::kOk);
  CHECK(Json::parse(forged.output).contains("request"));
}

TEST_CASE("limits: an endless loop ends at the time limit without holding up other runs; memory is capped") {
  const auto started = std::chrono::steady_clock::now();
  auto endless = std::async(std::launch::async, [] {
    return Run("function handler(e) { while (true) {} }", FunctionRuntime::kJs2, nullptr,
               {std::chrono::milliseconds(300), 16 << 20});
  });
  const auto quick = Run("function handler(e) { return e.request; }");
  CHECK(quick.outcome == Outcome::kOk);
  CHECK(endless.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);  // still looping meanwhile
  const auto looped = endless.get();
  CHECK(looped.outcome == Outcome::kTimeLimit);
  CHECK(looped.compute_utilization == 100);
  CHECK(looped.error == "The function exceeded the time limit of 300 ms (compute utilization over 100).");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));

  auto top_level = Run("while (true) {}\nfunction handler(e) { return e.request; }", FunctionRuntime::kJs2, nullptr,
                       {std::chrono::milliseconds(100), 16 << 20});
  CHECK(top_level.outcome == Outcome::kTimeLimit);

  auto hungry = Run("function handler(e) { var a = []; while (true) a.push(new Array(1000).join('x')); }",
                    FunctionRuntime::kJs2, nullptr, {std::chrono::milliseconds(5000), 4 << 20});
  CHECK(hungry.outcome == Outcome::kMemoryLimit);
  CHECK(hungry.error == "The function exceeded the memory limit of 4194304 bytes.");
}

TEST_CASE("without njs every run is a runtime error naming the package") {
  NjsExecutor missing({.njs = "/nonexistent/njs", .pool_size = 0});
  const auto result = missing.Run({"function handler(e) { return e.request; }", FunctionRuntime::kJs2, kRequestEvent},
                                  Limits{});
  CHECK(result.outcome == Outcome::kRuntimeError);
  CHECK(result.error.find("Debian package njs") != std::string::npos);
}


ExecutionResult RunConnection(std::string_view code, std::string_view connection) {
  REQUIRE_MESSAGE(!Executor().Binary().empty(), "njs is not installed (build.sh installs the Debian package njs)");
  return Executor().Run({code, FunctionRuntime::kJs2, connection, nullptr, FunctionKind::kConnection},
                        {std::chrono::milliseconds(200), 16 << 20});
}

TEST_CASE("a connection function decides through connection.allow() and connection.deny()") {
  const std::string code =
      "async function connectionHandler(connection) {\n"
      "  console.log(connection.clientCertInfo.serialNumber);\n"
      "  if (connection.clientIp === '10.0.0.1') return connection.deny();\n"
      "  return connection.allow();\n"
      "}";
  auto allowed = RunConnection(code, R"({"clientIp":"203.0.113.9","clientCertInfo":{"serialNumber":"0a:1b"}})");
  REQUIRE_MESSAGE(allowed.outcome == Outcome::kOk, allowed.error);
  CHECK(Json::parse(allowed.output) == Json{{"action", "allow"}});
  CHECK(allowed.logs == std::vector<std::string>{"0a:1b"});
  auto denied = RunConnection(code, R"({"clientIp":"10.0.0.1","clientCertInfo":{"serialNumber":"ff"}})");
  REQUIRE_MESSAGE(denied.outcome == Outcome::kOk, denied.error);
  CHECK(Json::parse(denied.output) == Json{{"action", "deny"}});

  // No decision, two different ones, or a viewer function's handler: errors, not decisions.
  auto undecided = RunConnection("function connectionHandler(connection) { return connection; }", "{}");
  CHECK(undecided.outcome == Outcome::kFunctionError);
  CHECK(undecided.error.find("connection.allow() or connection.deny()") != std::string::npos);
  auto both = RunConnection("function connectionHandler(c) { c.allow(); c.deny(); }", "{}");
  CHECK(both.outcome == Outcome::kFunctionError);
  CHECK(both.error.find("already allowed") != std::string::npos);
  auto viewer = RunConnection("function handler(event) { return event.request; }", "{}");
  CHECK(viewer.outcome == Outcome::kFunctionError);
  CHECK(viewer.error.find("does not define a connectionHandler function") != std::string::npos);
  // A viewer run does not look for connectionHandler.
  auto viewer_run = Run("function connectionHandler(c) { c.allow(); }");
  CHECK(viewer_run.error.find("does not define a handler function") != std::string::npos);
}

}  // namespace
}  // namespace cfl::runtime
