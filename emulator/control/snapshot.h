// State snapshots: every record of every account as JSON (GET /_emulator/state)
// and back (PUT /_emulator/state, snapshot fixtures). Exact: importing an
// export gives back the same ids, ETags, timestamps, sequences and documents.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emulator/control/json_input.h"
#include "store/store.h"

namespace cfl::control {

inline constexpr std::string_view kSnapshotFormat = "cloudfront-local/state";
inline constexpr int kSnapshotVersion = 1;
// Timestamps in a snapshot are at most 9999-12-31T23:59:59.999Z, sequences at
// most 2^53 (exact in every JSON reader; far from overflowing later creates).
inline constexpr std::int64_t kMaxSnapshotTimeMs = 253'402'300'799'999;
inline constexpr std::int64_t kMaxSnapshotSequence = std::int64_t{1} << 53;

// {"format", "version", "exported_at", "exported_at_ms", "resources": [...]};
// each resource's "status" is derived at now_ms (informational).
Json ExportSnapshot(const std::vector<store::Record>& records, std::int64_t now_ms);

Json RecordJson(const store::Record& record, std::int64_t now_ms);

// The same snapshot as ExportSnapshot, of the store's current records
// (Store::Current), written as JSON text piece by piece (about 64 KB each) to
// write, which returns false to stop early. The document is never built
// whole; each record's unique_keys and references are computed from its
// config, as an import computes them. Returns false if write stopped it.
bool WriteSnapshot(const std::vector<std::shared_ptr<const store::Record>>& records, std::int64_t now_ms,
                   const std::function<bool(std::string_view)>& write);

// Validates a snapshot fully and returns its records, or a message saying
// what is wrong and where ("resources[3].etag must be a non-empty string").
// Checked like API input: every kind known (snapshot_kinds.h); every config of
// its model shape and valid by the model's rules; metadata as the kind holds
// it (Tags valid, at most 50); unique keys and references those the config
// implies; parents and referenced records present in the snapshot (or
// AWS-managed); timestamps and sequences in range.
Result<std::vector<store::Record>, Problem> ParseSnapshot(const Json& snapshot);

// The same from JSON text or a file, read record by record: the document is
// never held whole (nor nested deeper than kMaxJsonDepth), so memory grows
// with the records, not with the text.
Result<std::vector<store::Record>, Problem> ReadSnapshot(std::string_view text);
Result<std::vector<store::Record>, Problem> ReadSnapshot(std::FILE* file);

// "Deployed"/"InProgress" ("Completed" for invalidations) at now_ms.
std::string DerivedStatus(const store::Record& record, std::int64_t now_ms);

// The members every record's JSON starts with (the control plane's listings
// and snapshots): account, kind, id, parent, etag and status at now_ms.
Json RecordHeadJson(const store::Record& record, std::int64_t now_ms);

}  // namespace cfl::control
