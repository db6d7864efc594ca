// Builds a value of a model shape by picking its members from other values:
// a summary is the members of the resource and of its config that the summary
// shape names, so no summary is written out by hand.
#pragma once

#include <initializer_list>
#include "emulator/common/json.h"
#include <string_view>

namespace cfl::engine {

// For each member of shape_name, the first source that has it wins.
cfl::Json Project(std::string_view shape_name, std::initializer_list<const cfl::Json*> sources);

// Sets object[key] = value unless it already holds a non-null value (value
// is copied only then).
void SetDefault(cfl::Json& object, std::string_view key, const cfl::Json& value);

}  // namespace cfl::engine
