#include "emulator/families/distributions/distribution_rules.h"

#include <doctest/doctest.h>

#include "emulator/engine/handler_test_fixture.h"
#include "emulator/families/distributions/distribution_defaults.h"

namespace cfl::families {
namespace {

using Json = cfl::Json;

Json Filled(Json config) {
  FillDistributionDefaults(config);
  return config;
}

std::string CodeOf(const Json& config) {
  auto checked = CheckDistributionSettings(Filled(config));
  return checked ? "" : checked.error().code;
}

TEST_CASE("a minimal config passes, and each broken rule answers its own code") {
  const Json valid = engine::MinimalDistributionConfig("rules");
  CHECK(CodeOf(valid) == "");

  Json ttl = valid;
  ttl["DefaultCacheBehavior"].erase("CachePolicyId");
  ttl["DefaultCacheBehavior"]["ForwardedValues"] = {{"QueryString", false}, {"Cookies", {{"Forward", "none"}}}};
  ttl["DefaultCacheBehavior"]["MinTTL"] = 100;
  ttl["DefaultCacheBehavior"]["DefaultTTL"] = 10;
  CHECK(CodeOf(ttl) == "InvalidTTLOrder");

  Json root = valid;
  root["DefaultRootObject"] = "/index.html";
  CHECK(CodeOf(root) == "InvalidDefaultRootObject");

  Json geo = valid;
  geo["Restrictions"] = {{"GeoRestriction", {{"RestrictionType", "whitelist"}, {"Quantity", 2}, {"Items", {"US", "ZZ"}}}}};
  CHECK(CodeOf(geo) == "InvalidLocationCode");
  geo["Restrictions"]["GeoRestriction"]["Items"] = {"US", "DE"};
  CHECK(CodeOf(geo) == "");

  Json aliases = valid;
  aliases["Aliases"] = {{"Quantity", 1}, {"Items", {"www.example.com"}}};
  CHECK(CodeOf(aliases) == "InvalidViewerCertificate");
}

TEST_CASE("a multi-tenant distribution: TenantConfig only there, and none of what its tenants hold") {
  Json multi = engine::MinimalDistributionConfig("multi-tenant");
  multi["ConnectionMode"] = "tenant-only";
  const Json definition = {{"Name", "origin"}, {"Definition", {{"StringSchema", {{"Required", true}}}}}};
  multi["TenantConfig"] = {{"ParameterDefinitions", {definition}}};
  CHECK(CodeOf(multi) == "");

  Json direct = multi;
  direct["ConnectionMode"] = "direct";
  CHECK(CodeOf(direct) == "InvalidArgument");
  direct.erase("TenantConfig");
  CHECK(CodeOf(direct) == "");

  Json twice = multi;
  twice["TenantConfig"]["ParameterDefinitions"].push_back(definition);
  CHECK(CodeOf(twice) == "InvalidArgument");

  Json anycast = multi;
  anycast["AnycastIpListId"] = "aip_example";
  CHECK(CodeOf(anycast) == "InvalidArgument");

  Json aliases = multi;
  aliases["Aliases"] = {{"Quantity", 1}, {"Items", {"www.example.com"}}};
  aliases["ViewerCertificate"] = {{"ACMCertificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"},
                                  {"SSLSupportMethod", "sni-only"}};
  CHECK(CodeOf(aliases) == "InvalidArgument");
}

TEST_CASE("aliases and web ACL ids by their form") {
  CHECK(IsAlias("www.example.com"));
  CHECK(IsAlias("*.example.com"));
  CHECK_FALSE(IsAlias("www.*.example.com"));
  CHECK_FALSE(IsAlias("exa mple.com"));
  CHECK_FALSE(IsAlias("localhost"));
  const std::string arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/473e64fd-f30b-4765-81a0-62ad96dd167a";
  CHECK(IsWebAclId(arn));
  CHECK(IsWebAclId("473e64fd-f30b-4765-81a0-62ad96dd167a"));
  CHECK_FALSE(IsWebAclId("473e64fd-f30b-4765-81a0-62ad96dd167a", false));
  CHECK_FALSE(IsWebAclId("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/site/473e64fd-f30b-4765-81a0-62ad96dd167a"));
}

TEST_CASE("the viewer certificate is echoed with what CloudFront derives") {
  Json config = Filled(engine::MinimalDistributionConfig("certificate"));
  config["ViewerCertificate"] = {{"CloudFrontDefaultCertificate", true}, {"MinimumProtocolVersion", "TLSv1.2_2021"}};
  FillViewerCertificate(config);
  CHECK(config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1");
  CHECK(config["ViewerCertificate"]["CertificateSource"] == "cloudfront");
  config["ViewerCertificate"] = {{"IAMCertificateId", "ASCAEXAMPLE"}, {"SSLSupportMethod", "sni-only"}};
  FillViewerCertificate(config);
  CHECK(config["ViewerCertificate"]["Certificate"] == "ASCAEXAMPLE");
  CHECK(config["ViewerCertificate"]["CertificateSource"] == "iam");
  CHECK(config["ViewerCertificate"]["CloudFrontDefaultCertificate"] == false);
}

}  // namespace
}  // namespace cfl::families
