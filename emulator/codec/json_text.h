// JSON text of stored documents, written faster than nlohmann's dump: the
// engine writes a config and its metadata (which holds the deployed config's
// text as one string) on every update, and dump escapes byte by byte through
// a UTF-8 decoder. Thread-safe (no state).
#pragma once

#include <string>

#include "emulator/common/json.h"

namespace cfl::model {

// Exactly value.dump(-1, ' ', false, cfl::Json::error_handler_t::replace):
// the same bytes, so texts written before and after compare equal. Runs of
// plain ASCII are copied whole; strings with other bytes, floating-point
// numbers and binary values are written by nlohmann's serializer.
std::string DumpJson(const cfl::Json& value);

}  // namespace cfl::model
