// The operations every versioned config resource shares (Create, Get,
// GetConfig, Update, Delete, List, and CreateWithTags where it exists),
// written once on the generic engine and registered per family.
#pragma once

#include "emulator/engine/versioned_resources.h"

namespace cfl::handlers {

struct CrudSpec {
  const ResourceFamily* family;
  std::string resource_member;  // output member and operation stem, e.g. "Distribution"
  std::string config_member;    // e.g. "DistributionConfig"
  std::string collection;       // URL collection for Location, e.g. "distribution"
  std::string list_operation;   // e.g. "ListDistributions"
  std::string list_member;      // e.g. "DistributionList"
  bool with_tags = false;       // Create…WithTags exists
  // The resource as Get answers it; just_changed forces Status InProgress.
  std::function<Json(const RequestContext&, const Resource&, bool just_changed)> render;
  std::function<Json(const RequestContext&, const Resource&)> summarize;
  // What render depends on besides the stored record and whether it has
  // settled (e.g. a distribution's in-progress invalidations), or null;
  // summarize depends on those two only. Get and List keep each version's
  // encoded answer under these.
  std::function<std::string(const RequestContext&, const store::Record&)> render_variant;
  DeletePrecondition may_delete;
  // The reference that, while any resource holds it, refuses a delete (InUse).
  std::function<std::string(const std::string& id)> delete_guard;
};

void RegisterCrud(HandlerTable& table, const CrudSpec& spec);

// Tags travel as {Items: [{Key, Value}]}; metadata keeps the Items list.
Json TagItems(const Json& tags);

}  // namespace cfl::handlers
