#include "emulator/engine/deployed.h"

#include "emulator/engine/resource.h"

namespace cfl::engine {

void KeepDeployedConfig(const Family& family, const store::Record& current, const store::Record& next,
                        std::int64_t now_ms, Json& next_metadata) {
  if (!family.settle_delay_ms || !next_metadata.is_object()) return;
  if (next.settles_at_ms <= now_ms) {
    next_metadata.erase(kDeployedConfigMember);
    next_metadata.erase(kDeployedUntilMember);
    return;
  }
  if (current.settles_at_ms <= now_ms) {
    next_metadata[kDeployedConfigMember] = current.document;
  } else {
    // Still propagating: what viewers get is what they got before it.
    const auto current_metadata = ParsedMetadata(current.metadata);
    const std::string* deployed = DeployedDocument(current, *current_metadata, now_ms);
    if (!deployed) {
      next_metadata.erase(kDeployedConfigMember);
      next_metadata.erase(kDeployedUntilMember);
      return;
    }
    next_metadata[kDeployedConfigMember] = *deployed;
  }
  next_metadata[kDeployedUntilMember] = next.etag;
}

namespace {

// Whether a record with no kept config is a renewal (a policy it uses
// changed) of a version that had deployed: it was created, then renewed
// (only renewals change a record without keeping a config) no sooner than
// its creation had settled, the settling delay being the renewal's.
bool RenewalOfDeployed(const store::Record& record) {
  if (record.modified_ms <= record.created_ms) return false;
  const std::int64_t delay_ms = record.settles_at_ms - record.modified_ms;
  return record.created_ms + delay_ms <= record.modified_ms;
}

}  // namespace

const std::string* DeployedDocument(const store::Record& record, const Json& metadata, std::int64_t now_ms) {
  if (record.settles_at_ms <= now_ms) return &record.document;
  const auto kept = metadata.is_object() ? metadata.find(kDeployedConfigMember) : metadata.end();
  if (kept == metadata.end() || !kept->is_string()) {
    // Created and never changed but by renewals: its config is the created one.
    return RenewalOfDeployed(record) ? &record.document : nullptr;
  }
  const auto until = metadata.find(kDeployedUntilMember);
  // Kept for an older version: this one is a renewal (its config is the
  // deployed one's, only its dependents changed).
  if (until == metadata.end() || !until->is_string() || *until != record.etag) return &record.document;
  return &kept->get_ref<const std::string&>();
}

}  // namespace cfl::engine
