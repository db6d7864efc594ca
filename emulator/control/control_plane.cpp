#include "emulator/control/control_plane.h"

namespace cfl::control {
namespace {

ControlResponse JsonError(int status, std::string message) {
  return {status, {{"error", std::move(message)}}};
}

}  // namespace

ControlPlane::ControlPlane(api::Services& services) : services_(services) {}

ControlResponse ControlPlane::Handle(const ControlRequest& request) {
  if (request.path == "/health") {
    if (request.method != "GET") return JsonError(405, "use GET /_emulator/health");
    return Health();
  }
  return JsonError(404, "no control endpoint " + std::string(request.method) + " /_emulator" +
                            std::string(request.path));
}

ControlResponse ControlPlane::Health() const {
  nlohmann::json resources = nlohmann::json::object();
  for (const auto& count : services_.store.CountByKind()) {
    resources[count.kind] = resources.value(count.kind, 0) + count.count;
  }
  const auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return {200, {{"status", "ok"}, {"version", CFL_VERSION}, {"uptime_seconds", uptime}, {"resources", resources}}};
}

}  // namespace cfl::control
