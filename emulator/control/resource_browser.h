// What the dashboard (and tests) browse: the accounts that hold resources,
// pages of resources across accounts and kinds, and one resource in full
// (its config as JSON and as the XML the API answers). Kinds are the store's:
// a new family shows up here without a change.
//
// Thread safety: stateless; safe wherever the store is.
#pragma once

#include <cstdint>
#include <string>

#include "emulator/control/json_input.h"
#include "store/store.h"

namespace cfl::control {

// {"accounts": [{"account", "resources": {kind: n}, "total", "default"}],
//  "kinds": [{"kind", "count"}], "default_account"}, accounts and kinds sorted;
// the default account is listed even when empty.
Result<Json, Problem> AccountsJson(store::Store& store, const std::string& default_account);

inline constexpr std::size_t kDefaultBrowseLimit = 50;
inline constexpr std::size_t kMaxBrowseLimit = 500;

// ?account=&kind=&status=&search=&marker=&limit= → one page:
// {"resources": [...], "next_marker": "ACCOUNT/KIND/ID" or null, "total"
// (null when filtered by status or search), "now_ms"}. Pages run in
// (account, kind, creation) order; status is InProgress or settled; search
// matches a substring of the id, the parent id, the Name or the Comment.
// Cost: a page reads at most one store page per (account, kind) it crosses,
// plus, when filtered, the records it skips.
Result<Json, Problem> BrowseResources(store::Store& store, const QueryMap& query, std::int64_t now_ms);

// GET /resources/{id}?account=&kind=: the record as snapshots write it, plus
// "config_xml" (the config as GetXConfig answers it; "" when the model has no
// shape for the kind), "config_root", "label" and "tags". Without account or
// kind every (account, kind) holding records is looked in; an id found in
// several is 409 naming them.
Result<Json, Problem> DescribeResource(store::Store& store, const std::string& id, const QueryMap& query,
                                       std::int64_t now_ms);

// The model's shape for a kind's stored config: "distribution" →
// DistributionConfig, "origin-access-identity" →
// CloudFrontOriginAccessIdentityConfig, "invalidation" → InvalidationBatch;
// "" when none fits.
std::string ConfigShapeName(std::string_view kind);

}  // namespace cfl::control
