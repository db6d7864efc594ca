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
  if (!object.is_object()) {  // null becomes an object; anything else throws, as emplace does
    object.emplace(key, value);
    return;
  }
  // One search: where the member is or would go.
  auto& members = object.get_ref<cfl::Json::object_t&>();
  const auto at = members.lower_bound(key);
  if (at == members.end() || members.key_comp()(key, at->first)) {
    members.emplace_hint(at, std::string(key), value);
  } else if (at->second.is_null()) {
    at->second = value;
  }
}

}  // namespace cfl::engine
