// Real-time log configs: Create, Get, Update, Delete, List (no ETags: changes
// are unconditional), named by Name or by ARN, and the distributions whose
// cache behaviors send to one (RealtimeLogConfigArn: a reference, so a config
// in use cannot be deleted).
#include "emulator/families/realtime_logs/realtime_log_configs.h"

#include <algorithm>
#include <regex>
#include <set>

#include "emulator/engine/family.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/references.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/policies/managed_policies.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kKind = "realtime-log-config";
constexpr std::string_view kArnType = "realtime-log-config";
// Quota: real-time log configurations per account.
constexpr std::int64_t kMaxConfigs = 150;

// Developer guide, "Real-time logs": the fields a real-time log record can hold.
bool IsField(const std::string& field) {
  static const std::set<std::string, std::less<>> kFields = {
      "timestamp", "c-ip", "s-ip", "time-to-first-byte", "sc-status", "sc-bytes", "cs-method", "cs-protocol",
      "cs-host", "cs-uri-stem", "cs-bytes", "x-edge-location", "x-edge-request-id", "x-host-header", "time-taken",
      "cs-protocol-version", "c-ip-version", "cs-user-agent", "cs-referer", "cs-cookie", "cs-uri-query",
      "x-edge-response-result-type", "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-result-type",
      "fle-encrypted-fields", "fle-status", "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end",
      "c-port", "x-edge-detailed-result-type", "c-country", "cs-accept-encoding", "cs-accept",
      "cache-behavior-path-pattern", "cs-headers", "cs-header-names", "cs-headers-count",
      "primary-distribution-id", "primary-distribution-dns-name", "origin-fbl", "origin-lbl", "asn"};
  return kFields.contains(field);
}

Result<Ok, ApiError> CheckEndPoints(const Json& config) {
  const auto endpoints = config.find("EndPoints");
  if (endpoints == config.end() || !endpoints->is_array() || endpoints->empty()) {
    return Fail(errors::InvalidArgument("A real-time log configuration needs an endpoint (a Kinesis data stream)."));
  }
  static const std::regex kRole(R"(arn:aws:iam::\d{12}:role/[\w+=,.@/-]{1,512})");
  static const std::regex kStream(R"(arn:aws:kinesis:[a-z0-9-]+:\d{12}:stream/[A-Za-z0-9_.-]{1,128})");
  for (const auto& endpoint : *endpoints) {
    const Json kinesis = endpoint.value("KinesisStreamConfig", Json::object());
    if (StringMember(endpoint, "StreamType") != "Kinesis" ||
        !std::regex_match(StringMember(kinesis, "RoleARN"), kRole) ||
        !std::regex_match(StringMember(kinesis, "StreamARN"), kStream)) {
      return Fail(errors::InvalidArgument(
          "An endpoint must be of StreamType Kinesis with the ARNs of an IAM role and of a Kinesis data stream."));
    }
  }
  return Ok{};
}

// The body names it by Name or ARN (NamedId); the config keeps its Name only.
Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource* current) {
  config.erase("ARN");
  if (current) config["Name"] = current->id();
  if (auto check = policy_rules::CheckName(config, "real-time log configuration"); !check) return check;
  const auto rate = config.find("SamplingRate");
  if (rate == config.end() || !rate->is_number_integer() || rate->get<std::int64_t>() < 1 ||
      rate->get<std::int64_t>() > 100) {
    return Fail(errors::InvalidArgument("The SamplingRate must be an integer between 1 and 100."));
  }
  const auto fields = config.find("Fields");
  if (fields == config.end() || !fields->is_array() || fields->empty()) {
    return Fail(errors::InvalidArgument("A real-time log configuration needs at least one field."));
  }
  for (const auto& field : *fields) {
    if (!field.is_string() || !IsField(field.get<std::string>())) {
      return Fail(errors::InvalidArgument("The field " + field.dump() + " is not a real-time log field."));
    }
  }
  return CheckEndPoints(config);
}

Json Render(const RequestContext& ctx, const Resource& resource) {
  Json config = resource.config();
  config["ARN"] = Arn(ctx.account, kArnType, resource.id());
  return config;
}

// The name a RealtimeLogConfigArn names in the account, nullopt if malformed
// or another account's.
std::optional<std::string> NameOf(const RequestContext& ctx, std::string_view arn) {
  const auto parsed = ParseArn(arn);
  if (!parsed || parsed->type != kArnType || parsed->account != ctx.account) return std::nullopt;
  return parsed->id;
}

bool SendsTo(const RequestContext& ctx, const Json& distribution, const std::string& name) {
  bool found = false;
  ForEachAtPath(distribution, "DefaultCacheBehavior.RealtimeLogConfigArn", [&](const std::string& arn) {
    found = found || NameOf(ctx, arn) == name;
  });
  ForEachAtPath(distribution, "CacheBehaviors.Items[].RealtimeLogConfigArn", [&](const std::string& arn) {
    found = found || NameOf(ctx, arn) == name;
  });
  return found;
}

Result<Json, ApiError> ListDistributionsByRealtimeLogConfig(RequestContext& ctx, const Json& input) {
  std::string name = StringMember(input, "RealtimeLogConfigName");
  if (const std::string arn = StringMember(input, "RealtimeLogConfigArn"); !arn.empty()) {
    const auto named = NameOf(ctx, arn);
    if (!named || (!name.empty() && name != *named)) {
      return Fail(errors::InvalidArgument("The RealtimeLogConfigArn is not the ARN of a real-time log configuration "
                                          "of this account, or names another one than RealtimeLogConfigName."));
    }
    name = *named;
  }
  if (name.empty()) return Fail(errors::InvalidArgument("The RealtimeLogConfigName or RealtimeLogConfigArn is required."));
  if (!ctx.services.store.Get(ctx.account, kKind, name)) {
    return Fail(errors::InvalidArgument("The real-time log configuration " + name + " does not exist."));
  }
  const auto* distributions = Registry::Get().FindFamily("distribution");
  return ListWhere(ctx, distributions->family, "ListDistributionsByRealtimeLogConfig", input,
                   [&](const Resource& distribution) { return SendsTo(ctx, distribution.config(), name); });
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKind;
  family.noun = "real-time log configuration";
  family.arn_type = kArnType;
  family.versioning = Versioning::kNone;
  family.errors = {.not_found = errors::NoSuchRealtimeLogConfig,
                   .already_exists = errors::RealtimeLogConfigAlreadyExists,
                   .limit = errors::TooManyRealtimeLogConfigs};
  family.id_member = "Name";
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return kMaxConfigs; };
  family.prepare = Prepare;
  family.render = [](const RequestContext& ctx, const Resource& resource, bool) { return Render(ctx, resource); };
  family.summarize = [](const RequestContext& ctx, const Resource& resource) { return Render(ctx, resource); };
  return {std::move(family),
          {{"CreateRealtimeLogConfig", Verb::kCreate},
           {"GetRealtimeLogConfig", Verb::kGet},
           {"UpdateRealtimeLogConfig", Verb::kUpdate},
           {"DeleteRealtimeLogConfig", Verb::kDelete},
           {"ListRealtimeLogConfigs", Verb::kList},
           {.name = "ListDistributionsByRealtimeLogConfig",
            .verb = Verb::kCustom,
            .custom = ListDistributionsByRealtimeLogConfig,
            .raises = {errors::InvalidArgument},
            .family_rules = false}},
          {errors::InvalidArgument}};
}

}  // namespace

// "arn:aws:cloudfront::ACCOUNT:realtime-log-config/NAME" → NAME (references.cpp).
std::optional<std::string> RealtimeLogConfigName(std::string_view arn) {
  const auto parsed = ParseArn(arn);
  if (!parsed || parsed->type != kArnType) return std::nullopt;
  return parsed->id;
}

const engine::FamilyDefinition& RealtimeLogConfigDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
