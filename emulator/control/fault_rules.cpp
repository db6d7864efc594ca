#include "emulator/control/fault_rules.h"

#include <algorithm>
#include <map>

#include "emulator/model/model.h"

namespace cfl::control {
namespace {

constexpr std::int64_t kMaxDelayMs = 120'000;

// What CloudFront says with the errors tests inject most; others get a
// generic sentence naming the code.
std::string DefaultMessage(const std::string& code) {
  static const std::map<std::string, std::string, std::less<>> messages = {
      {"PreconditionFailed",
       "The request failed because it didn't meet the preconditions in one or more request-header fields."},
      {"InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource."},
      {"Throttling", "Rate exceeded"},
      {"InternalError", "We encountered an internal error. Please try again."},
      {"ServiceUnavailable", "The service is unavailable. Please try again later."},
      {"DistributionNotDisabled", "The distribution you are trying to delete has not been disabled."},
      {"StreamingDistributionNotDisabled",
       "The streaming distribution you are trying to delete has not been disabled."},
      {"NoSuchDistribution", "The specified distribution does not exist."},
      {"NoSuchStreamingDistribution", "The specified streaming distribution does not exist."},
      {"AccessDenied", "Access denied."},
      {"TooManyDistributions", "Your request contains more distributions than are allowed per AWS account."},
  };
  const auto it = messages.find(code);
  if (it != messages.end()) return it->second;
  return code + " (injected by a CloudFront Local fault rule).";
}

bool Matches(const FaultRule& rule, const api::FaultQuery& query) {
  const auto& spec = rule.spec;
  if (spec.operation != "*" && spec.operation != query.operation) return false;
  if (!spec.account.empty() && spec.account != query.account) return false;
  if (spec.resource_id.empty()) return true;
  return std::find(query.resource_ids.begin(), query.resource_ids.end(), spec.resource_id) !=
         query.resource_ids.end();
}

}  // namespace

Result<FaultRuleSpec, Problem> ParseFaultRule(const Json& body) {
  if (auto ok = OnlyMembers(body, {"operation", "error", "message", "count", "resource_id", "account", "delay_ms"});
      !ok) {
    return Fail(std::move(ok).error());
  }
  FaultRuleSpec spec;
  auto operation = OptionalString(body, "operation");
  if (!operation) return Fail(std::move(operation).error());
  if (!*operation) return Fail(BadRequest("\"operation\" is required: an operation name such as DeleteDistribution, or \"*\""));
  spec.operation = **operation;
  const auto services = model::Services();
  const bool known = std::any_of(services.begin(), services.end(), [&spec](const model::ServiceDef& service) {
    return model::FindOperation(service, spec.operation) != nullptr;
  });
  if (spec.operation != "*" && !known) {
    return Fail(BadRequest("unknown operation \"" + spec.operation + "\""));
  }
  auto error = OptionalString(body, "error");
  if (!error) return Fail(std::move(error).error());
  auto message = OptionalString(body, "message");
  if (!message) return Fail(std::move(message).error());
  auto count = OptionalInteger(body, "count", 1, 1'000'000'000);
  if (!count) return Fail(std::move(count).error());
  auto resource_id = OptionalString(body, "resource_id");
  if (!resource_id) return Fail(std::move(resource_id).error());
  auto account = OptionalAccount(body, "account");
  if (!account) return Fail(std::move(account).error());
  auto delay = OptionalInteger(body, "delay_ms", 0, kMaxDelayMs);
  if (!delay) return Fail(std::move(delay).error());
  if (*error) {
    if (!IsKnownErrorCode(**error)) return Fail(BadRequest("unknown error code \"" + **error + "\""));
    spec.error = MakeError(**error, message->value_or(DefaultMessage(**error)));
  } else if (*message) {
    return Fail(BadRequest("\"message\" needs \"error\""));
  }
  spec.count = count->value_or(1);
  spec.resource_id = resource_id->value_or("");
  spec.account = account->value_or("");
  spec.delay_ms = delay->value_or(0);
  if (!spec.error && spec.delay_ms == 0) {
    return Fail(BadRequest("a fault rule needs \"error\", \"delay_ms\" or both"));
  }
  return spec;
}

Json FaultRuleJson(const FaultRule& rule) {
  const auto& spec = rule.spec;
  Json json = {{"id", rule.id},
               {"operation", spec.operation},
               {"error", spec.error ? Json(spec.error->code) : Json()},
               {"status", spec.error ? Json(spec.error->status) : Json()},
               {"message", spec.error ? Json(spec.error->message) : Json()},
               {"count", spec.count},
               {"remaining", rule.remaining},
               {"fired", rule.fired},
               {"resource_id", spec.resource_id.empty() ? Json() : Json(spec.resource_id)},
               {"account", spec.account.empty() ? Json() : Json(spec.account)},
               {"delay_ms", spec.delay_ms}};
  return json;
}

std::string FaultRules::Add(FaultRuleSpec spec) {
  std::lock_guard lock(mutex_);
  FaultRule rule;
  rule.id = "fault-" + std::to_string(next_id_++);
  rule.remaining = spec.count;
  rule.spec = std::move(spec);
  rules_.push_back(rule);
  return rule.id;
}

std::vector<FaultRule> FaultRules::List() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

bool FaultRules::Remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(rules_.begin(), rules_.end(), [&](const FaultRule& rule) { return rule.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  return true;
}

void FaultRules::Clear(const std::optional<std::string>& account) {
  std::lock_guard lock(mutex_);
  if (!account) {
    rules_.clear();
    return;
  }
  std::erase_if(rules_, [&](const FaultRule& rule) { return rule.spec.account == *account; });
}

std::optional<api::FaultAction> FaultRules::Consult(const api::FaultQuery& query) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(rules_.begin(), rules_.end(), [&](const FaultRule& rule) { return Matches(rule, query); });
  if (it == rules_.end()) return std::nullopt;
  api::FaultAction action{it->id, std::chrono::milliseconds(it->spec.delay_ms), it->spec.error};
  ++it->fired;
  if (--it->remaining <= 0) rules_.erase(it);
  return action;
}

}  // namespace cfl::control
