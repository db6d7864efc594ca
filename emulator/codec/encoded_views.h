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

#include "emulator/engine/versioned_resources.h"
#include "emulator/model/model.h"

namespace cfl::handlers {

// PreEncodedXml of the content of shape that render makes of record: encoded
// once per stored state, settling state and variant (what else render reads,
// e.g. a distribution's in-progress invalidations).
Json EncodedView(const RequestContext& ctx, const store::Record& record, model::ShapeId shape, std::string_view variant,
                 const std::function<Json(const Resource&)>& render);

// Whole list pages, for renders that depend only on each record and whether
// it has settled. A page is good while the store's generation is the one it
// was read at and until one of its records settles.
class EncodedPages {
 public:
  // The key of the page that input asks operation for, at the store's
  // current generation. Read it before reading the page.
  static std::string Key(const RequestContext& ctx, std::string_view operation, const Json& input);

  // PreEncodedXml of the page's content, if one kept under key is good at ctx's time.
  static std::optional<Json> Find(const RequestContext& ctx, const std::string& key);

  // Keeps content, the page read at ctx's time from records, under key.
  static void Keep(const RequestContext& ctx, std::string key, const std::vector<store::Record>& records,
                   std::string content);
};

}  // namespace cfl::handlers
