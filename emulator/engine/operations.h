// The engine's standard operations (family.h Verb), each derived from the
// model: which input member names the resource and its parent, where the
// config travels, which output member carries the answer, whether an ETag
// and a Location go with it.
#pragma once

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
  std::string config_member;      // with config_with_tags: the config's member in the payload
  std::string answer;             // the output member carrying the answer, "" if none
  model::ShapeId answer_shape = model::kNoShape;
  bool etag = false;      // the output has an ETag header
  bool location = false;  // the output has a Location header
};

// Throws std::logic_error when the operation is not in service's model.
OperationMembers MembersOf(std::string_view operation, model::ServiceId service = model::ServiceId::kCloudFront);

// The config an input carries for members (its payload, or its body members
// but Tags), and the Tags items it carries beside it (null when none).
Json ConfigOf(const OperationMembers& members, Json input);
Json TagsOf(const OperationMembers& members, const Json& input);

// Adds the handler of every operation of definition to table.
void AddHandlers(const FamilyDefinition& definition, HandlerTable& table);

}  // namespace cfl::engine
