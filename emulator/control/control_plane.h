// The /_emulator JSON control plane: health now; time, faults, journal and
// snapshots as the test-control issue adds them. No HTTP library here.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "emulator/api/context.h"

namespace cfl::control {

struct ControlRequest {
  std::string_view method;
  std::string_view path;  // below /_emulator, e.g. "/health"
  std::string_view body;
};

struct ControlResponse {
  int status = 200;
  nlohmann::json body;
};

class ControlPlane {
 public:
  explicit ControlPlane(api::Services& services);

  ControlResponse Handle(const ControlRequest& request);

 private:
  ControlResponse Health() const;

  api::Services& services_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace cfl::control
