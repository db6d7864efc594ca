// Fault injection: rules that make the next matching API requests fail with
// a chosen CloudFront error (or wait first), before any handler runs.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/api/dispatcher.h"
#include "emulator/control/json_input.h"

namespace cfl::control {

struct FaultRuleSpec {
  std::string operation;         // an operation name of the model, or "*" for every operation
  std::optional<ApiError> error; // nullopt: only delay
  std::int64_t count = 1;        // how many requests it answers before it is removed
  std::string resource_id;       // "" = any resource
  std::string account;           // "" = any account
  std::int64_t delay_ms = 0;
};

struct FaultRule {
  std::string id;
  FaultRuleSpec spec;
  std::int64_t remaining = 0;
  std::int64_t fired = 0;
};

// Reads a POST /_emulator/faults body. Accepts any modeled error code plus
// the real unmodeled ones (Throttling, InternalError, ServiceUnavailable, ...).
Result<FaultRuleSpec, Problem> ParseFaultRule(const Json& body);

Json FaultRuleJson(const FaultRule& rule);

// The rules, in the order they were added; the first that matches a request
// answers it. Thread-safe: every method takes one mutex, so a rule with count
// N answers exactly N requests however many arrive at once.
class FaultRules final : public api::FaultHook {
 public:
  std::string Add(FaultRuleSpec spec);  // returns the new rule's id
  std::vector<FaultRule> List() const;
  bool Remove(std::string_view id);
  // Removes every rule, or only those scoped to account.
  void Clear(const std::optional<std::string>& account = std::nullopt);

  std::optional<api::FaultAction> Consult(const api::FaultQuery& query) override;

 private:
  mutable std::mutex mutex_;
  std::vector<FaultRule> rules_;
  std::int64_t next_id_ = 1;
};

}  // namespace cfl::control
