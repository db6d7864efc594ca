#include "emulator/engine/deployed.h"

#include "emulator/engine/resource.h"

namespace cfl::engine {

void KeepDeployedConfig(const Family& family, const store::Record& current, std::int64_t now_ms, Json& next_metadata,
                        const std::string& next_etag) {
  if (!family.settle_delay_ms || !next_metadata.is_object()) return;
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
  next_metadata[kDeployedUntilMember] = next_etag;
}

const std::string* DeployedDocument(const store::Record& record, const Json& metadata, std::int64_t now_ms) {
  if (record.settles_at_ms <= now_ms) return &record.document;
  if (!metadata.is_object()) return nullptr;
  const auto kept = metadata.find(kDeployedConfigMember);
  const auto until = metadata.find(kDeployedUntilMember);
  if (kept == metadata.end() || !kept->is_string()) return nullptr;
  // Kept for an older version: this one is a renewal (its config is the
  // deployed one's, only its dependents changed).
  if (until == metadata.end() || !until->is_string() || *until != record.etag) return &record.document;
  return &kept->get_ref<const std::string&>();
}

}  // namespace cfl::engine
