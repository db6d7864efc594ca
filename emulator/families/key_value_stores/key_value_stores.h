// Key value stores on both planes: the control plane (CloudFront's
// Create/Describe/Update/Delete/ListKeyValueStores, a family of kind
// "key-value-store" whose id is the UUID in its ARN) and the data plane
// (service cloudfront-keyvaluestore: the store's keys under their own ETag,
// kept in a companion record of kind "key-value-store-data" with the same id,
// and one record of kind "key-value-store-key" per key; all three go when the
// store is deleted). Functions read a store's data through LoadKeyValueData.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emulator/engine/handler.h"
#include "emulator/runtime/function_executor.h"

namespace cfl::families {

inline constexpr std::string_view kKeyValueStoreKind = "key-value-store";
inline constexpr std::string_view kKeyValueStoreDataKind = "key-value-store-data";
inline constexpr std::string_view kKeyValueStoreKeyKind = "key-value-store-key";

// The id (UUID) of a key value store's ARN in account; nullopt when arn is
// not a key value store ARN of that account.
std::optional<std::string> KeyValueStoreIdOf(std::string_view arn, std::string_view account);

// Snapshots: whether a record of the data plane (its state, of kind
// kKeyValueStoreDataKind, or a key, kKeyValueStoreKeyKind) is one the data
// plane could have written: nullopt when it is, else what is wrong with it.
// (Family::check_stored of both families.)
std::optional<std::string> CheckStoredDataPlaneRecord(const store::Record& record, const cfl::Json& config);

// The store's keys and values as a function reads them, in key order;
// nullopt when the account has no store with that id.
std::optional<runtime::KeyValueData> LoadKeyValueData(const engine::RequestContext& ctx, const std::string& id);

}  // namespace cfl::families
