// Encoded answers kept by what they depend on, so reading resources that have
// not changed costs a lookup instead of parsing, rendering and encoding them
// again (most of a Get, nearly all of a List). Entries never go stale: their
// keys name the stored state, and time enters only through settling.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/common/json.h"

#include "emulator/model/model.h"
#include "store/store.h"

namespace cfl::model {

using Json = cfl::Json;

// PreEncodedXml of the content of shape that render makes of record at
// now_ms: encoded once per stored state, settling state and variant (what
// else render reads, e.g. a distribution's in-progress invalidations).
Json EncodedView(std::int64_t now_ms, const store::Record& record, ShapeId shape, std::string_view variant,
                 const std::function<Json()>& render);

// Whole list pages, for renders that depend only on each record and whether
// it has settled. A page is good while the store's generation is the one it
// was read at and until one of its records settles.
class EncodedPages {
 public:
  // The key of the page that input asks operation for in account, at the
  // store's generation (read it before reading the page).
  static std::string Key(std::uint64_t generation, std::string_view account, std::string_view operation,
                         const Json& input);

  // PreEncodedXml of the page's content, if one kept under key is good at now_ms.
  static std::optional<Json> Find(std::int64_t now_ms, const std::string& key);

  // Keeps content, the page read at now_ms from records, under key.
  static void Keep(std::int64_t now_ms, std::string key, const std::vector<store::Record>& records,
                   std::string content);
};

}  // namespace cfl::model
