#include "emulator/control/snapshot_kinds.h"

#include <array>

#include "emulator/families/distributions/distribution_references.h"
#include "emulator/families/distributions/distributions.h"
#include "emulator/families/distributions/invalidations.h"
#include "emulator/families/origin_access/origin_access_controls.h"
#include "emulator/families/origin_access/origin_access_identities.h"
#include "emulator/families/policies/cache_policies.h"
#include "emulator/families/policies/managed_policies.h"
#include "emulator/families/policies/origin_request_policies.h"
#include "emulator/families/policies/response_headers_policies.h"
#include "emulator/families/signing_keys/key_groups.h"
#include "emulator/families/signing_keys/public_keys.h"
#include "emulator/families/streaming/streaming_distributions.h"
#include "emulator/model/model.h"

namespace cfl::control {
namespace {

using model::ShapeType;

const std::vector<SnapshotKind>& Kinds() {
  static const std::vector<SnapshotKind> kinds = [] {
    std::vector<SnapshotKind> made = {
        {"distribution", "DistributionConfig", "", true, {"DomainName"}, &handlers::DistributionFamily()},
        {"streaming-distribution", "StreamingDistributionConfig", "", true, {"DomainName"},
         &handlers::StreamingDistributionFamily()},
        {"invalidation", "InvalidationBatch", "distribution", false, {}, &handlers::InvalidationFamily()},
        {"origin-access-identity", "CloudFrontOriginAccessIdentityConfig", "", false, {"S3CanonicalUserId"},
         &handlers::OriginAccessIdentityFamily()},
        {"origin-access-control", "OriginAccessControlConfig", "", false, {},
         &handlers::OriginAccessControlFamily()},
        {"cache-policy", "CachePolicyConfig", "", false, {}, &handlers::CachePolicyFamily()},
        {"origin-request-policy", "OriginRequestPolicyConfig", "", false, {},
         &handlers::OriginRequestPolicyFamily()},
        {"response-headers-policy", "ResponseHeadersPolicyConfig", "", false, {},
         &handlers::ResponseHeadersPolicyFamily()},
        {"public-key", "PublicKeyConfig", "", false, {}, &handlers::PublicKeyFamily()},
        {"key-group", "KeyGroupConfig", "", false, {}, &handlers::KeyGroupFamily()},
    };
    return made;
  }();
  return kinds;
}

struct Prefix {
  std::string_view prefix;
  std::string_view kind;
};

constexpr std::array kReferencePrefixes = {
    Prefix{handlers::reference::kOriginAccessIdentity, "origin-access-identity"},
    Prefix{handlers::reference::kOriginAccessControl, "origin-access-control"},
    Prefix{handlers::reference::kCachePolicy, "cache-policy"},
    Prefix{handlers::reference::kOriginRequestPolicy, "origin-request-policy"},
    Prefix{handlers::reference::kResponseHeadersPolicy, "response-headers-policy"},
    Prefix{handlers::reference::kKeyGroup, "key-group"},
    Prefix{handlers::reference::kPublicKey, "public-key"},
};

std::string Join(const std::string& path, std::string_view member) {
  return path.empty() ? std::string(member) : path + "." + std::string(member);
}

// Type checks only: required members, enums and bounds are model::Validate's.
class TypeChecker {
 public:
  std::optional<std::string> Check(const Json& value, model::ShapeId id, const std::string& path) {
    const model::ShapeDef& shape = model::Shape(id);
    switch (shape.type) {
      case ShapeType::kStructure:
        if (!value.is_object()) return Must(path, "be an object");
        for (const auto& [name, member_value] : value.items()) {
          const model::MemberDef* member = model::FindMember(shape, name);
          if (!member) return Join(path, name) + " is not a member of " + std::string(shape.name);
          if (auto problem = Check(member_value, member->shape, Join(path, name))) return problem;
        }
        return std::nullopt;
      case ShapeType::kList:
        if (!value.is_array()) return Must(path, "be an array");
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (auto problem = Check(value[i], shape.list_member, path + "[" + std::to_string(i) + "]")) {
            return problem;
          }
        }
        return std::nullopt;
      case ShapeType::kString:
      case ShapeType::kBlob:
      case ShapeType::kTimestamp:
        return Unless(value.is_string(), path, "be a string");
      case ShapeType::kInteger:
      case ShapeType::kLong:
        return Unless(value.is_number_integer(), path, "be an integer");
      case ShapeType::kBoolean:
        return Unless(value.is_boolean(), path, "be true or false");
      case ShapeType::kDouble:
      case ShapeType::kFloat:
        return Unless(value.is_number(), path, "be a number");
      case ShapeType::kMap:
        return Must(path, "not be a map");  // CloudFront configs have none
    }
    return std::nullopt;
  }

 private:
  static std::optional<std::string> Unless(bool fits, const std::string& path, std::string_view what) {
    if (fits) return std::nullopt;
    return Must(path, what);
  }
  static std::string Must(const std::string& path, std::string_view what) {
    return (path.empty() ? std::string("the value") : path) + " must " + std::string(what);
  }
};

}  // namespace

const SnapshotKind* FindSnapshotKind(std::string_view kind) {
  for (const auto& known : Kinds()) {
    if (known.kind == kind) return &known;
  }
  return nullptr;
}

std::string KnownSnapshotKinds() {
  std::string text;
  for (const auto& known : Kinds()) text += (text.empty() ? "" : ", ") + std::string(known.kind);
  return text;
}

std::optional<ReferenceTarget> ResolveReference(std::string_view reference) {
  for (const auto& [prefix, kind] : kReferencePrefixes) {
    if (reference.starts_with(prefix) && reference.size() > prefix.size()) {
      return ReferenceTarget{kind, std::string(reference.substr(prefix.size()))};
    }
  }
  return std::nullopt;
}

bool IsManaged(std::string_view kind, std::string_view id) {
  if (kind == "cache-policy") return handlers::FindManaged(handlers::ManagedCachePolicies(), id) != nullptr;
  if (kind == "origin-request-policy") {
    return handlers::FindManaged(handlers::ManagedOriginRequestPolicies(), id) != nullptr;
  }
  if (kind == "response-headers-policy") {
    return handlers::FindManaged(handlers::ManagedResponseHeadersPolicies(), id) != nullptr;
  }
  return false;
}

std::optional<std::string> ShapeTypeProblem(const Json& value, std::string_view shape_name, const std::string& path) {
  const auto shape = model::FindShape(shape_name);
  if (!shape) return "the model has no shape " + std::string(shape_name);
  return TypeChecker().Check(value, *shape, path);
}

}  // namespace cfl::control
