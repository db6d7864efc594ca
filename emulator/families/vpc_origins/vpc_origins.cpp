// VPC origins (an Application or Network Load Balancer, or an EC2 instance,
// in a private subnet): Create, Get, Update, Delete, List, and the lists of the
// distributions that use one. Deploying → Deployed after the propagation
// delay; a distribution origin's VpcOriginConfig names one (a reference: it
// cannot be deleted while in use). ListDistributionsByOwnedResource answers
// for a VPC origin's ARN.
#include <algorithm>
#include <regex>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/projection.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kKind = "vpc-origin";
constexpr std::string_view kArnType = "vpcorigin";
// Quota: VPC origins per account.
constexpr std::int64_t kMaxVpcOrigins = 25;

bool IsPort(std::int64_t port) { return port == 80 || port == 443 || (port >= 1024 && port <= 65535); }

// An Application or Network Load Balancer, or an EC2 instance.
bool IsEndpointArn(const std::string& arn) {
  static const std::regex kArn(
      R"(arn:aws:(elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(app|net)/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}|)"
      R"(ec2:[a-z0-9-]+:\d{12}:instance/i-[0-9a-f]{8,17}))");
  return std::regex_match(arn, kArn);
}

Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource* current) {
  const std::string name = StringMember(config, "Name");
  if (name.empty() || name.size() > 64) return Fail(errors::InvalidArgument("The Name of a VPC origin must be 1 to 64 characters."));
  if (!IsEndpointArn(StringMember(config, "Arn"))) {
    return Fail(errors::InvalidArgument("The Arn of a VPC origin must be the ARN of an Application or Network Load "
                                        "Balancer or of an EC2 instance: " + StringMember(config, "Arn")));
  }
  if (current && StringMember(config, "Arn") != StringMember(current->config(), "Arn")) {
    return Fail(errors::IllegalUpdate("The update contains modifications that are not allowed: the Arn of a VPC origin "
                                      "can't be changed."));
  }
  for (const char* member : {"HTTPPort", "HTTPSPort"}) {
    if (!IsPort(config.value(member, std::int64_t{0}))) {
      return Fail(errors::InvalidArgument("The parameter " + std::string(member) +
                                          " must be 80, 443, or between 1024 and 65535."));
    }
  }
  SetDefault(config, "OriginSslProtocols", {{"Quantity", 1}, {"Items", {"TLSv1.2"}}});
  if (ItemsOf(config["OriginSslProtocols"]).empty()) {
    return Fail(errors::InvalidArgument("The parameter OriginSslProtocols must name at least one protocol."));
  }
  return Ok{};
}

Json Attributes(const RequestContext& ctx, const Resource& resource, std::string status) {
  return {{"Id", resource.id()},
          {"Arn", Arn(ctx.account, kArnType, resource.id())},
          {"AccountId", ctx.account},
          {"Status", std::move(status)},
          {"CreatedTime", FormatIso8601(resource.record.created_ms)},
          {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)}};
}

std::string Status(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  return !just_changed && resource.Settled(ctx.now_ms) ? "Deployed" : "Deploying";
}

Json Render(const RequestContext& ctx, const Resource& resource, std::string status) {
  Json origin = Attributes(ctx, resource, std::move(status));
  origin["VpcOriginEndpointConfig"] = resource.ConfigForAnswer();
  return origin;
}

// The distributions, of any account of the emulator, whose origins use the
// VPC origin the ARN names (ours only: VPC origins are not shared across accounts here).
Result<Json, ApiError> ListDistributionsByOwnedResource(RequestContext& ctx, const Json& input) {
  const std::string arn = StringMember(input, "ResourceArn");
  const auto parsed = ParseArn(arn);
  if (!parsed) return Fail(errors::InvalidArgument("The parameter ResourceArn is not a valid ARN: " + arn));
  if (parsed->type != kArnType) {
    return Fail(errors::UnsupportedOperation("Listing the distributions of a " + parsed->type +
                                             " is not supported: give the ARN of a VPC origin."));
  }
  if (parsed->account != ctx.account || !ctx.services.store.Get(ctx.account, kKind, parsed->id)) {
    return Fail(errors::EntityNotFound("The VPC origin does not exist: " + arn));
  }
  return DistributionListReferencing(ctx, kKind, parsed->id, input, [](const store::Record& user) {
    return Json{{"DistributionId", user.id}, {"OwnerAccountId", user.account}};
  });
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKind;
  family.noun = "VPC origin";
  family.arn_type = kArnType;
  family.errors = {.not_found = errors::EntityNotFound,
                   .already_exists = errors::EntityAlreadyExists,
                   .limit = errors::EntityLimitExceeded};
  family.unique_name_member = "Name";
  family.taggable = true;
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return kMaxVpcOrigins; };
  family.new_id = [] {
    return ids::Random("vo_", 22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
  };
  family.prepare = Prepare;
  family.render = [](const RequestContext& ctx, const Resource& resource, bool just_changed) {
    return Render(ctx, resource, Status(ctx, resource, just_changed));
  };
  family.render_deleted = [](const RequestContext& ctx, const Resource& resource) {
    return Render(ctx, resource, "Deleting");
  };
  family.summarize = [](const RequestContext& ctx, const Resource& resource) {
    Json summary = Attributes(ctx, resource, Status(ctx, resource, false));
    summary["Name"] = StringMember(resource.config(), "Name");
    summary["OriginEndpointArn"] = StringMember(resource.config(), "Arn");
    return summary;
  };
  return {std::move(family),
          {{"CreateVpcOrigin", Verb::kCreate},
           {"GetVpcOrigin", Verb::kGet},
           {"UpdateVpcOrigin", Verb::kUpdate, nullptr, {}, {errors::IllegalUpdate}},
           {"DeleteVpcOrigin", Verb::kDelete},
           {"ListVpcOrigins", Verb::kList},
           {.name = "ListDistributionsByOwnedResource",
            .verb = Verb::kCustom,
            .custom = ListDistributionsByOwnedResource,
            .raises = {errors::InvalidArgument, errors::UnsupportedOperation, errors::EntityNotFound},
            .family_rules = false}},
          {errors::InvalidArgument}};
}

}  // namespace

const engine::FamilyDefinition& VpcOriginDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
