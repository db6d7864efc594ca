// Fixtures: state loaded at start (--fixtures PATH, repeatable). A path is a
// file or a directory whose *.json and *.xml files are read in sorted order:
// *.json are snapshots as GET /_emulator/state writes them, *.xml configs in
// the form fixture_xml.h describes, created as an API create would create them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "emulator/api/context.h"
#include "emulator/common/result.h"

namespace cfl::control {

// A fixture file larger than this is refused (1 GiB): a snapshot of a few
// hundred thousand records, read record by record.
inline constexpr std::uint64_t kMaxFixtureFileBytes = std::uint64_t{1} << 30;
// An XML fixture is one config, parsed whole: 2 MiB (an API body is at most 1).
inline constexpr std::size_t kMaxXmlFixtureBytes = std::size_t{2} << 20;

// Validates every fixture first (in a scratch store, so uniqueness, limits
// and references are checked as the API checks them), then adds them all to
// services.store in one ReplaceAll: nothing is half-loaded. A fixture replaces
// a resource stored before loading with the same id (or, for an XML fixture
// without an id, the same CallerReference), so a restart with --db and the
// same fixtures works; fixtures that collide with each other are an error.
// Returns how many resources the fixtures held, or "FILE: problem".
Result<std::size_t, std::string> LoadFixtures(const std::vector<std::string>& paths, api::Services& services,
                                              const std::string& default_account);

// The fixture files the paths name, in load order; "PATH: problem" when a
// path is missing, is not a regular file or directory (a FIFO, a device), or
// names a file that is neither *.json nor *.xml. In a directory, only regular
// *.json and *.xml files count.
Result<std::vector<std::string>, std::string> FixtureFiles(const std::vector<std::string>& paths);

}  // namespace cfl::control
