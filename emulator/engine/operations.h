// The engine's standard operations (family.h Verb), each derived from the
// model: which input member names the resource and its parent, where the
// config travels, which output member carries the answer, whether an ETag
// and a Location go with it.
#pragma once

#include <functional>
#include <string>

#include "emulator/engine/family.h"
#include "emulator/model/model.h"

namespace cfl::engine {

// What the model says of one operation of a family, looked up once.
struct OperationMembers {
  const model::OperationDef* operation = nullptr;
  std::string key;                // the input member naming the resource (the path's last label), "" if none
  std::string parent;             // the input member naming its parent (the label before it), "" if none
  std::string config;             // the input payload member holding the config, "" when the body members are it
  bool config_with_tags = false;  // the payload holds the config member and Tags (Create…WithTags)
  // With config_with_tags: the config's member in the payload. Without a
  // payload, when the body members are {XConfig, Tags}: XConfig.
  std::string config_member;
  std::string answer;             // the output member carrying the answer, "" if none
  model::ShapeId answer_shape = model::kNoShape;
  // An XML answer's body member of the shape of the input's config, if it
  // has one: where a create's or an update's render puts the config.
  model::ShapeId answer_config_shape = model::kNoShape;
  bool etag = false;      // the output has an ETag header
  bool location = false;  // the output has a Location header
};

// Throws std::logic_error when the operation is not in service's model.
OperationMembers MembersOf(std::string_view operation, model::ServiceId service = model::ServiceId::kCloudFront);

// The config an input carries for members (its payload, or its body members
// but Tags), and the Tags items it carries beside it (null when none).
Json ConfigOf(const OperationMembers& members, Json input);
Json TagsOf(const OperationMembers& members, const Json& input);

// Tags items a request adds (a create's Tags, TagResource's): what is wrong
// with them — more than 50, a key given twice, a key in the reserved "aws:"
// prefix (any case) — or nullopt. The model's own rules (lengths, pattern)
// are the codec's.
std::optional<std::string> TagsProblem(const Json& items);

// The answer of a list operation (a DistributionList, a DistributionIdList,
// ..., or the newer lists' items with NextMarker beside them) holding the
// family's records for which matches holds, in creation order,
// Marker/MaxItems paged: for custom lists such as
// ListDistributionsByWebACLId. Reads every record of the family in the
// account (from memory).
Result<Json, ApiError> ListWhere(RequestContext& ctx, const Family& family, std::string_view operation,
                                 const Json& input, const std::function<bool(const Resource&)>& matches);

// The account's records of kind for which matches holds, in creation order
// (read from memory).
std::vector<store::Record> RecordsWhere(RequestContext& ctx, std::string_view kind,
                                        const std::function<bool(const Resource&)>& matches);

// The list envelope (resources.h ListEnvelope) of one page of records, in
// their order, after the input's Marker and at most its MaxItems, each
// answered as item says.
Result<Json, ApiError> PageAfterMarker(const Json& input, const std::vector<store::Record>& records,
                                       const std::function<Json(const store::Record&)>& item);

// The account's records of user_kind that reference the target_kind record
// id, in creation order.
Result<std::vector<store::Record>, ApiError> RecordsReferencing(RequestContext& ctx, std::string_view user_kind,
                                                                std::string_view target_kind, const std::string& id);

// The answer of operation, a list of the account's user_kind records that
// reference the target_kind record id, in creation order, Marker/MaxItems
// paged: their summaries, or their ids when the list holds strings (what
// kListReferencing answers, for lists whose model names the target other
// than by a path label: ListDistributionsByConnectionFunction's query).
Result<Json, ApiError> ListRecordsReferencing(RequestContext& ctx, std::string_view operation,
                                              std::string_view user_kind, std::string_view target_kind,
                                              const std::string& id, const Json& input);

// The answer {DistributionList: page} of the distributions that reference the
// target_kind record id, in creation order, Marker/MaxItems paged, each
// answered as item says (ListDistributionsByOwnedResource, ListDistributionsByTrustStore).
Result<Json, ApiError> DistributionListReferencing(RequestContext& ctx, std::string_view target_kind,
                                                   const std::string& id, const Json& input,
                                                   const std::function<Json(const store::Record&)>& item);

// Adds the handler of every operation of definition to table.
void AddHandlers(const FamilyDefinition& definition, HandlerTable& table);

}  // namespace cfl::engine
