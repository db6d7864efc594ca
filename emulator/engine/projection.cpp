#include "emulator/engine/projection.h"

#include "emulator/model/model.h"

namespace cfl::engine {

cfl::Json Project(std::string_view shape_name, std::initializer_list<const cfl::Json*> sources) {
  cfl::Json out = cfl::Json::object();
  const auto id = model::FindShape(shape_name);
  if (!id) return out;
  for (const auto& member : model::Shape(*id).members) {
    for (const auto* source : sources) {
      const auto it = source->find(member.name);
      if (it != source->end() && !it->is_null()) {
        out[std::string(member.name)] = *it;
        break;
      }
    }
  }
  return out;
}

void SetDefault(cfl::Json& object, std::string_view key, const cfl::Json& value) {
  auto it = object.find(key);
  if (it == object.end()) {
    object.emplace(key, value);
  } else if (it->is_null()) {
    *it = value;
  }
}

}  // namespace cfl::engine
