#include "emulator/control/dashboard_files.h"

namespace cfl::control {

const DashboardFileEntry* FindDashboardFile(std::string_view name) {
  for (const auto& file : DashboardFiles()) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

}  // namespace cfl::control
