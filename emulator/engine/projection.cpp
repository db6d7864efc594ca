#include "emulator/engine/projection.h"

#include "emulator/model/model.h"

namespace cfl::engine {

nlohmann::json Project(std::string_view shape_name, std::initializer_list<const nlohmann::json*> sources) {
  nlohmann::json out = nlohmann::json::object();
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

void SetDefault(nlohmann::json& object, std::string_view key, const nlohmann::json& value) {
  auto it = object.find(key);
  if (it == object.end()) {
    object.emplace(key, value);
  } else if (it->is_null()) {
    *it = value;
  }
}

}  // namespace cfl::engine
