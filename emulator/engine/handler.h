// A handler serves one operation: it takes the decoded input (a JSON object
// keyed by the model's member names; its own, so it may move parts out) and
// returns the output the same way.
#pragma once

#include <functional>
#include "emulator/common/json.h"
#include <string>
#include <string_view>
#include <unordered_map>

#include "emulator/api/context.h"
#include "emulator/common/result.h"
#include "emulator/model/errors.h"
#include "emulator/model/model.h"

namespace cfl::engine {

using Json = cfl::Json;
using api::RequestContext;
// Handlers own their input: a create or update moves the config out of it.
using Handler = std::function<Result<Json, ApiError>(RequestContext&, Json input)>;

// The handlers of the implemented operations, keyed by the model's operation:
// operation names are unique within a service only (the KeyValueStore data
// plane's DescribeKeyValueStore is not CloudFront's).
// Thread safety: filled before the first request; reads only afterwards.
class HandlerTable {
 public:
  // Replaces any handler the operation had.
  void Add(const model::OperationDef& operation, Handler handler) { handlers_[&operation] = std::move(handler); }

  // The operation's handler, or nullptr when it has none.
  const Handler* Find(const model::OperationDef& operation) const {
    const auto found = handlers_.find(&operation);
    return found == handlers_.end() ? nullptr : &found->second;
  }

  // The handler of the operation of that name in service; throws
  // std::out_of_range when there is none (for tests).
  const Handler& At(std::string_view name, model::ServiceId service = model::ServiceId::kCloudFront) const;

  std::size_t size() const { return handlers_.size(); }

 private:
  std::unordered_map<const model::OperationDef*, Handler> handlers_;
};

}  // namespace cfl::engine
