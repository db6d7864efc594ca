// libFuzzer harness for the /_emulator control plane (ControlPlane::Handle)
// and for fixtures (LoadFixtures), on an in-memory store; no HTTP.
//
// Input: text, up to kMaxSteps steps separated by a line "%%":
//
//   PUT /state                     a control call: METHOD PATH on the first line,
//   {"resources": [...]}           the body is the rest of the step
//   %%
//   POST /clock
//   {"advance_seconds": 3153600000}
//   %%
//   FIXTURE a.json                 a fixture file (name: *.json or *.xml), the rest
//   {"resources": [...]}           of the step its content, loaded by LoadFixtures
//
// Checks (abort on failure): no exception or crash; never a 500; every answer
// a JSON object, an error one with "error"; the state after a refused PUT
// /state or fixture is the state before it; a snapshot that was accepted
// exports, and that export imports again and exports the same.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/api/context.h"
#include "emulator/common/clock.h"
#include "emulator/control/control_plane.h"
#include "emulator/control/fixtures.h"
#include "store/store.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

constexpr std::size_t kMaxSteps = 12;
constexpr std::string_view kDefaultAccount = "123456789012";

struct World {
  std::unique_ptr<cfl::store::Store> store;
  cfl::SystemClock clock;
  cfl::api::RuntimeSettings settings;
  std::unique_ptr<cfl::api::Services> services;
  cfl::control::FaultRules faults;
  cfl::control::RequestJournal journal{64};
  std::unique_ptr<cfl::control::ControlPlane> control;
  std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("cfl-fuzz-control-" + std::to_string(::getpid()));

  World() { std::filesystem::create_directories(directory); }

  void Reset() {
    control.reset();
    services.reset();
    store = std::get<std::unique_ptr<cfl::store::Store>>(cfl::store::OpenSqliteStore(""));
    clock.ResetOffset();
    faults.Clear();
    journal.Clear();
    services = std::make_unique<cfl::api::Services>(cfl::api::Services{*store, clock, settings});
    control = std::make_unique<cfl::control::ControlPlane>(
        cfl::control::ControlDeps{*services, clock, faults, journal});
  }
};

std::vector<std::string_view> SplitSteps(std::string_view input) {
  std::vector<std::string_view> steps;
  while (!input.empty() && steps.size() < kMaxSteps) {
    const auto separator = input.find("\n%%\n");
    steps.push_back(input.substr(0, separator));
    if (separator == std::string_view::npos) break;
    input.remove_prefix(separator + 4);
  }
  return steps;
}

// The whole answer, streamed ones read to the end.
cfl::Json Body(cfl::control::ControlResponse& response) {
  if (!response.stream) return response.body;
  std::string text;
  if (!response.stream([&](std::string_view piece) {
        text.append(piece);
        return true;
      })) {
    cfl::fuzz::Die("a streamed answer stopped though its reader did not");
  }
  auto parsed = cfl::Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) cfl::fuzz::Die("a streamed answer is not JSON: " + text.substr(0, 200));
  return parsed;
}

// The resources of GET /state, without their status (derived from the time
// of the export, so it may differ between two exports).
cfl::Json Resources(World& world) {
  auto response = world.control->Handle({"GET", "/state", "", {}});
  if (response.status != 200) cfl::fuzz::Die("GET /state answered " + std::to_string(response.status));
  auto resources = Body(response)["resources"];
  for (auto& resource : resources) resource.erase("status");
  return resources;
}

cfl::control::ControlResponse Call(World& world, std::string_view method, std::string_view path,
                                   std::string_view body) {
  cfl::control::ControlResponse response;
  try {
    response = world.control->Handle({method, path, body, {}});
  } catch (const std::exception& error) {
    cfl::fuzz::Die(std::string("exception escaped ControlPlane::Handle: ") + error.what());
  }
  if (response.status >= 500) {
    cfl::fuzz::Die(std::string(method) + " " + std::string(path) + " answered " +
                   std::to_string(response.status) + ": " + response.body.dump());
  }
  return response;
}

// An accepted snapshot must survive its own round trip.
void CheckRoundTrip(World& world) {
  const auto exported = Resources(world);
  const std::string text = cfl::Json{{"resources", exported}}.dump();
  auto again = Call(world, "PUT", "/state", text);
  if (again.status != 200) {
    cfl::fuzz::Die("an exported state does not import again: " + again.body.dump().substr(0, 400));
  }
  if (Resources(world) != exported) cfl::fuzz::Die("export → import → export changed the state");
}

void ControlStep(World& world, std::string_view step) {
  const auto line_end = step.find('\n');
  const std::string_view line = step.substr(0, line_end);
  const std::string_view body = line_end == std::string_view::npos ? "" : step.substr(line_end + 1);
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return;
  const std::string method(line.substr(0, space));
  const std::string path(line.substr(space + 1));
  const bool imports = method == "PUT" && path == "/state";
  const auto before = imports ? Resources(world) : cfl::Json();
  auto response = Call(world, method, path, body);
  const auto answer = Body(response);
  if (!answer.is_object()) cfl::fuzz::Die("an answer is not a JSON object");
  if (response.status >= 400 && !answer.contains("error")) cfl::fuzz::Die("an error answer without \"error\"");
  if (!imports) return;
  if (response.status != 200) {
    if (Resources(world) != before) cfl::fuzz::Die("a refused PUT /state changed the state");
    return;
  }
  CheckRoundTrip(world);
}

void FixtureStep(World& world, std::string_view step) {
  const auto line_end = step.find('\n');
  std::string name(step.substr(8, line_end == std::string_view::npos ? std::string_view::npos : line_end - 8));
  // "." and ".." name the fixture directory itself (or its parent), not a file in it.
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos || name.size() > 32) return;
  const auto file = world.directory / name;
  std::ofstream(file, std::ios::binary)
      << (line_end == std::string_view::npos ? std::string_view() : step.substr(line_end + 1));
  const auto before = Resources(world);
  bool loaded = false;
  try {
    loaded = cfl::control::LoadFixtures({file.string()}, *world.services, std::string(kDefaultAccount)).ok();
  } catch (const std::exception& error) {
    cfl::fuzz::Die(std::string("exception escaped LoadFixtures: ") + error.what());
  }
  std::filesystem::remove(file);
  if (!loaded) {
    if (Resources(world) != before) cfl::fuzz::Die("a refused fixture changed the state");
    return;
  }
  CheckRoundTrip(world);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  world.Reset();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto step : SplitSteps(input)) {
    if (step.starts_with("FIXTURE ")) {
      FixtureStep(world, step);
    } else {
      ControlStep(world, step);
    }
  }
  return 0;
}
