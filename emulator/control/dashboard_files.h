// The dashboard's files (emulator/control/dashboard/*.html, *.js, *.css),
// embedded into the binary at build time: CMake runs embed_files.cmake to
// write their bytes into a generated source, so the page needs no file, no
// build step and no network at run time.
#pragma once

#include <span>
#include <string_view>

namespace cfl::control {

struct DashboardFileEntry {
  std::string_view name;          // "index.html", "dashboard.js", ...
  std::string_view content_type;  // from the extension
  std::string_view content;
};

// Every embedded file (defined in the generated source). Static storage.
std::span<const DashboardFileEntry> DashboardFiles();

// The file of that name; nullptr when there is none.
const DashboardFileEntry* FindDashboardFile(std::string_view name);

}  // namespace cfl::control
