// Trust stores (the CA certificates a distribution's viewer mTLS checks client
// certificates against): Create, Get, Update, Delete, List, and the list of
// the distributions that use one. pending → active after the propagation
// delay; a distribution's ViewerMtlsConfig.TrustStoreConfig.TrustStoreId names
// one (a reference: it cannot be deleted while in use, a distribution naming
// one that does not exist is refused).
//
// The CA bundle lives in S3, which the emulator does not reach: see
// ca_bundles.h for what it reads instead and what it decides without it.
#include <charconv>
#include <regex>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"
#include "emulator/families/trust_stores/ca_bundles.h"

namespace cfl::families {

const engine::FamilyDefinition& TrustStoreDefinition();

namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kKind = "trust-store";
constexpr std::string_view kArnType = "trust-store";
// The emulator's quota of trust stores per account (the documentation states none).
constexpr std::int64_t kMaxTrustStores = 10;
constexpr std::size_t kMaxNameLength = 128;

const Family& TrustStores();

// The id an Identifier names: an id, or the ARN of a trust store of the
// caller's account (nullopt: an ARN of something else, or of another account).
std::optional<std::string> IdOf(const RequestContext& ctx, const std::string& identifier) {
  if (!identifier.starts_with("arn:")) return identifier;
  const auto parsed = ParseArn(identifier);
  if (!parsed || parsed->type != kArnType || parsed->account != ctx.account) return std::nullopt;
  return parsed->id;
}

Result<Ok, ApiError> CheckName(const std::string& name) {
  static const std::regex kName(R"([A-Za-z0-9_.-]+)");
  if (name.empty() || name.size() > kMaxNameLength || !std::regex_match(name, kName)) {
    return Fail(errors::InvalidArgument("The Name of a trust store must be 1 to " + std::to_string(kMaxNameLength) +
                                        " letters, digits, '-', '_' or '.'."));
  }
  return Ok{};
}

// Create: Name, CaCertificatesBundleSource, UseClientCertificateOCSPEndpoint.
// Update sends the bundle source and the OCSP flag (a header) only: the rest
// is the current version's. The bundle is read (when the emulator can) on
// every write (ReadBundle), and what it holds kept in the metadata.
Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource* current) {
  if (current) {
    const Json& stored = current->config();
    config["Name"] = stored.at("Name");
    if (!config.contains("CaCertificatesBundleSource")) config["CaCertificatesBundleSource"] = stored.at("CaCertificatesBundleSource");
    if (!config.contains("UseClientCertificateOCSPEndpoint")) {
      config["UseClientCertificateOCSPEndpoint"] = stored.value("UseClientCertificateOCSPEndpoint", false);
    }
  }
  if (auto named = CheckName(StringMember(config, "Name")); !named) return named;
  const Json& location = MemberOf(MemberOf(config, "CaCertificatesBundleSource"), "CaCertificatesBundleS3Location");
  if (!location.is_object() || StringMember(location, "Bucket").empty() || StringMember(location, "Key").empty()) {
    return Fail(errors::InvalidArgument("The CaCertificatesBundleSource must name an S3 location (Bucket, Key, Region)."));
  }
  if (!config.contains("UseClientCertificateOCSPEndpoint")) config["UseClientCertificateOCSPEndpoint"] = false;
  return Ok{};
}

// What the bundle holds, read (when the emulator can) on every write and kept
// beside the config.
Result<Json, ApiError> ReadBundle(RequestContext& ctx, const Json& config) {
  const Json& location = MemberOf(MemberOf(config, "CaCertificatesBundleSource"), "CaCertificatesBundleS3Location");
  auto bundle = ReadCaBundle(ctx.services.s3_dir, location);
  if (!bundle) return Fail(std::move(bundle).error());
  // Metadata members are strings (snapshots hold them so).
  return Json{{"NumberOfCaCertificates", std::to_string(bundle->certificates)}};
}

std::int64_t CaCertificatesOf(const Resource& resource) {
  const std::string count = StringMember(resource.metadata, "NumberOfCaCertificates");
  std::int64_t value = 0;
  std::from_chars(count.data(), count.data() + count.size(), value);
  return value;
}

std::string Status(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  return !just_changed && resource.Settled(ctx.now_ms) ? "active" : "pending";
}

Json Render(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  const Json& config = resource.config();
  return {{"Id", resource.id()},
          {"Arn", Arn(ctx.account, kArnType, resource.id())},
          {"Name", config.at("Name")},
          {"Status", Status(ctx, resource, just_changed)},
          {"NumberOfCaCertificates", CaCertificatesOf(resource)},
          {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)},
          {"UseClientCertificateOCSPEndpoint", config.value("UseClientCertificateOCSPEndpoint", false)}};
}

// The model puts the OCSP flag of an update in a header and the bundle source
// in the payload, so the engine's Update (which takes the payload as the
// config) does not fit: this builds the config from both.
Result<Json, ApiError> UpdateTrustStore(RequestContext& ctx, Json input) {
  Json config = Json::object();
  if (auto source = input.find("CaCertificatesBundleSource"); source != input.end() && source->is_object()) {
    config["CaCertificatesBundleSource"] = std::move(*source);
  }
  if (auto ocsp = input.find("UseClientCertificateOCSPEndpoint"); ocsp != input.end() && ocsp->is_boolean()) {
    config["UseClientCertificateOCSPEndpoint"] = *ocsp;
  }
  auto updated = UpdateResource(ctx, TrustStores(), StringMember(input, "Id"), input.value("IfMatch", Json()),
                                std::move(config));
  if (!updated) return Fail(std::move(updated).error());
  return Json{{"TrustStore", Render(ctx, updated.value(), true)}, {"ETag", updated->etag()}};
}

Json Summarize(const RequestContext& ctx, const Resource& resource) {
  Json summary = Render(ctx, resource, false);
  summary.erase("UseClientCertificateOCSPEndpoint");
  summary["ETag"] = resource.etag();
  return summary;
}

// ListTrustStores answers no list envelope: the summaries and a NextMarker.
Result<Json, ApiError> ListTrustStores(RequestContext& ctx, const Json& input) {
  auto page = ListRecords(ctx, TrustStores(), input);
  if (!page) return Fail(std::move(page).error());
  Json items = Json::array();
  for (const auto& record : page->records) items.push_back(Summarize(ctx, ResourceOf(record)));
  Json output = {{"TrustStoreList", std::move(items)}};
  if (page->truncated) output["NextMarker"] = page->next_marker;
  return output;
}

// The distributions whose viewer mTLS uses the trust store (its id or ARN).
Result<Json, ApiError> ListDistributionsByTrustStore(RequestContext& ctx, const Json& input) {
  const auto id = IdOf(ctx, StringMember(input, "TrustStoreIdentifier"));
  if (!id) return Fail(errors::InvalidArgument("The TrustStoreIdentifier is not the id or ARN of a trust store of this account."));
  if (auto found = LoadRecord(ctx, TrustStores(), *id); !found) return Fail(std::move(found).error());
  const auto* distributions = Registry::Get().FindFamily("distribution");
  return DistributionListReferencing(ctx, kKind, *id, input, [&](const store::Record& user) {
    return distributions->family.summarize(ctx, ResourceOf(user));
  });
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKind;
  family.noun = "trust store";
  family.arn_type = kArnType;
  family.errors = {.not_found = errors::EntityNotFound,
                   .already_exists = errors::EntityAlreadyExists,
                   .limit = errors::EntityLimitExceeded};
  // Names are unique in an account; an update cannot change one, so it cannot collide.
  family.unique_keys = [](const Json& config) {
    return std::vector<std::string>{"trust-store-name:" + StringMember(config, "Name")};
  };
  family.taggable = true;
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return kMaxTrustStores; };
  family.new_id = [] {
    return ids::Random("ts_", 22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
  };
  // GetTrustStore's Identifier is an id or an ARN; an ARN of anything else names none.
  family.find_id = [](RequestContext& ctx, const std::string& key) { return IdOf(ctx, key); };
  family.prepare = Prepare;
  family.derive_metadata = [](RequestContext& ctx, const Json& config, const Json&) { return ReadBundle(ctx, config); };
  family.render = Render;
  family.summarize = Summarize;
  return {std::move(family),
          {{"CreateTrustStore", Verb::kCreate},
           {"GetTrustStore", Verb::kGet},
           {.name = "UpdateTrustStore",
            .verb = Verb::kCustom,
            .custom = UpdateTrustStore,
            .raises = {errors::EntityNotFound, errors::InvalidIfMatchVersion, errors::PreconditionFailed}},
           {"DeleteTrustStore", Verb::kDelete},
           {.name = "ListTrustStores",
            .verb = Verb::kCustom,
            .custom = ListTrustStores,
            .raises = {errors::InvalidArgument},
            .family_rules = false},
           {.name = "ListDistributionsByTrustStore",
            .verb = Verb::kCustom,
            .custom = ListDistributionsByTrustStore,
            .raises = {errors::InvalidArgument, errors::EntityNotFound},
            .family_rules = false}},
          {errors::InvalidArgument, errors::EntityNotFound}};
}

const Family& TrustStores() { return TrustStoreDefinition().family; }

}  // namespace

const engine::FamilyDefinition& TrustStoreDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
