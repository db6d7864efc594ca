// The version of a propagating resource that is deployed now. While an
// update propagates (InProgress), the edge must keep serving the config that
// was deployed before it, as CloudFront's edges do; so an update of a family
// that settles (family.settle_delay_ms) keeps that config in the record's
// metadata until the next update (two metadata strings, which snapshots carry
// like any other attribute).
#pragma once

#include <string>

#include "emulator/engine/family.h"
#include "store/store.h"

namespace cfl::engine {

// Metadata members that hold the deployed config while an update propagates.
inline constexpr const char* kDeployedConfigMember = "DeployedConfig";
// The etag of the version whose propagation the kept config stands for: a
// later version (a renewal by a policy update) makes it stale.
inline constexpr const char* kDeployedUntilMember = "DeployedUntilVersion";

// Sets the metadata (a JSON object) of next, the version replacing current:
// when current is deployed at now_ms its document is kept; when it is still
// propagating the config kept for it stays. When next itself is deployed on
// being written (no propagation delay), nothing is kept: viewers get next.
// Does nothing for a family that does not settle.
void KeepDeployedConfig(const Family& family, const store::Record& current, const store::Record& next,
                        std::int64_t now_ms, Json& next_metadata);

// The config document (JSON text) deployed at now_ms: the record's own once
// it has settled, else the one kept by its last update (in metadata, which
// must be the record's, parsed); null when no version has been deployed yet
// (created and still InProgress). A record renewed by a change of what it
// uses, with no update of its own, serves its own document once its creation
// had settled. Points into record or metadata.
const std::string* DeployedDocument(const store::Record& record, const Json& metadata, std::int64_t now_ms);

}  // namespace cfl::engine
