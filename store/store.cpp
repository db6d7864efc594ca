#include "store/store.h"

namespace cfl::store {
namespace {

// The one record a one-step Transact returns, or its error.
StoreResult<Record> Only(StoreResult<std::vector<Record>> result) {
  if (auto* error = std::get_if<StoreError>(&result)) return std::move(*error);
  return std::move(std::get<std::vector<Record>>(result).front());
}

}  // namespace

std::string ReferenceTo(std::string_view kind, std::string_view id) {
  std::string reference;
  reference.reserve(kind.size() + 1 + id.size());
  return reference.append(kind).append(":").append(id);
}

StoreResult<Record> Store::Insert(Record record, InsertRules rules) {
  std::vector<WriteStep> steps;
  steps.emplace_back(InsertStep{std::move(record), std::move(rules)});
  return Only(Transact(std::move(steps)));
}

StoreResult<Record> Store::Replace(Record next, ReplaceRules rules) {
  std::vector<WriteStep> steps;
  steps.emplace_back(ReplaceStep{std::move(next), std::move(rules)});
  return Only(Transact(std::move(steps)));
}

StoreResult<Record> Store::Delete(std::string_view account, std::string_view kind, std::string_view id,
                                  DeleteRules rules) {
  std::vector<WriteStep> steps;
  steps.emplace_back(DeleteStep{std::string(account), std::string(kind), std::string(id), std::move(rules)});
  return Only(Transact(std::move(steps)));
}

StoreResult<Record> Store::SetMetadata(std::string_view account, std::string_view kind, std::string_view id,
                                       std::string metadata) {
  std::vector<WriteStep> steps;
  steps.emplace_back(SetMetadataStep{std::string(account), std::string(kind), std::string(id), std::move(metadata)});
  return Only(Transact(std::move(steps)));
}

}  // namespace cfl::store
