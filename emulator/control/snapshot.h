// State snapshots: every record of every account as JSON (GET /_emulator/state)
// and back (PUT /_emulator/state, snapshot fixtures). Exact: importing an
// export gives back the same ids, ETags, timestamps, sequences and documents.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/control/json_input.h"
#include "store/store.h"

namespace cfl::control {

inline constexpr std::string_view kSnapshotFormat = "cloudfront-local/state";
inline constexpr int kSnapshotVersion = 1;

// {"format", "version", "exported_at", "exported_at_ms", "resources": [...]};
// each resource's "status" is derived at now_ms (informational).
Json ExportSnapshot(const std::vector<store::Record>& records, std::int64_t now_ms);

Json RecordJson(const store::Record& record, std::int64_t now_ms);

// Validates a snapshot fully and returns its records, or a message saying
// what is wrong and where ("resources[3].etag must be a non-empty string").
Result<std::vector<store::Record>, Problem> ParseSnapshot(const Json& snapshot);

// "Deployed"/"InProgress" ("Completed" for invalidations) at now_ms.
std::string DerivedStatus(const store::Record& record, std::int64_t now_ms);

}  // namespace cfl::control
