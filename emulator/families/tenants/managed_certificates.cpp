// A distribution tenant's CloudFront-managed ACM certificate. The emulator
// cannot see DNS or the caller's web server, so validation is decided on its
// clock (README, "What the emulator decides for the world"): a certificate
// is pending-validation for the propagation delay in force when it was
// requested, then issued. Its validation tokens are derived from the
// certificate's ARN and the domain, so they are the same on every read.
#include <cstdint>
#include <cstdio>

#include "emulator/common/ids.h"
#include "emulator/engine/registry.h"
#include "emulator/engine/resources.h"
#include "emulator/families/tenants/distribution_tenants.h"
#include "emulator/families/tenants/multi_tenant.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: written in the engine's terms

// 32 hex digits from text (FNV-1a, twice): stable across runs and builds.
std::string TokenOf(const std::string& text) {
  std::string token;
  for (const std::uint64_t basis : {14695981039346656037ULL, 1099511628211ULL * 31}) {
    std::uint64_t hash = basis;
    for (const unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    token += hex;
  }
  return token;
}

}  // namespace

Json ManagedCertificate(const Json& tenant_metadata) {
  const Json& text = MemberOf(tenant_metadata, "ManagedCertificate");
  if (!text.is_string()) return Json();
  Json certificate = Json::parse(text.get<std::string>(), nullptr, false);
  return certificate.is_object() ? certificate : Json();
}

Json ManagedCertificateOf(const RequestContext& ctx, const Json& config, const Json& metadata) {
  const Json& request = MemberOf(config, "ManagedCertificateRequest");
  if (!request.is_object()) return {{"ManagedCertificate", nullptr}};
  const Json current = ManagedCertificate(metadata);
  if (MemberOf(current, "Request") == request) return Json::object();
  const Json certificate = {{"Arn", "arn:aws:acm:us-east-1:" + ctx.account + ":certificate/" + ids::Uuid()},
                            {"IssuedAtMs", ctx.now_ms + ctx.services.settings.propagation_delay_ms.load()},
                            {"Request", request}};
  // A string: snapshots hold metadata members as strings.
  return {{"ManagedCertificate", certificate.dump()}};
}

std::string ManagedCertificateState(const RequestContext& ctx, const Json& tenant_metadata) {
  const Json certificate = ManagedCertificate(tenant_metadata);
  if (!certificate.is_object()) return "";
  return ctx.now_ms < certificate.value("IssuedAtMs", std::int64_t{0}) ? "pending-validation" : "issued";
}

Result<Json, ApiError> GetManagedCertificateDetails(RequestContext& ctx, const Json& input) {
  const Family& tenants = Registry::Get().FindFamily(kTenantKind)->family;
  const std::string identifier = StringMember(input, "Identifier");
  auto tenant = LoadResource(ctx, tenants, FindByIdentifier(ctx, tenants, identifier).value_or(""));
  if (!tenant) return Fail(std::move(tenant).error());
  const Json& config = tenant->config();
  const Json certificate = ManagedCertificate(tenant->metadata);
  if (!certificate.is_object()) {
    return Fail(errors::EntityNotFound("The distribution tenant " + identifier + " has no managed certificate."));
  }
  const std::string arn = StringMember(certificate, "Arn");
  const std::string host = StringMember(MemberOf(config, "ManagedCertificateRequest"), "ValidationTokenHost");
  Json tokens = Json::array();
  for (const auto& item : MemberOf(config, "Domains")) {
    const std::string domain = StringMember(item, "Domain");
    const std::string path = "/.well-known/pki-validation/" + TokenOf(arn + "/" + domain) + ".txt";
    tokens.push_back({{"Domain", domain},
                      {"RedirectFrom", "http://" + domain + path},
                      {"RedirectTo", "validation.us-east-1.acm-validations.aws/" + ctx.account + path}});
  }
  Json details = {{"CertificateArn", arn},
                  {"CertificateStatus", ManagedCertificateState(ctx, tenant->metadata)},
                  {"ValidationTokenHost", host.empty() ? "cloudfront" : host},
                  {"ValidationTokenDetails", std::move(tokens)}};
  return Json{{"ManagedCertificateDetails", std::move(details)}};
}

}  // namespace cfl::families
