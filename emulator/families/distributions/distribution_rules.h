// The checks CloudFront makes of a DistributionConfig beyond the model's
// constraints (patterns, enums, ranges and required members are the codec's),
// each answering CloudFront's own error code: TTL order, the default root
// object, error pages, forwarded values, origins and their timeouts, origin
// groups, function associations, the viewer certificate, geo restrictions,
// the web ACL, staging. Pure functions over JSON; whether what the config
// names exists is the store's check (families/references.cpp).
//
// Where AWS's exact limits are not documented the choice is in README.md
// ("DistributionConfig validation").
#pragma once

#include "emulator/common/json.h"
#include <string>
#include <string_view>

#include "emulator/common/result.h"
#include "emulator/model/errors.h"

namespace cfl::families {

// Every check below, in the order CloudFront's answers suggest: the first
// failing one answers. config has its defaults filled in already.
Result<Ok, ApiError> CheckDistributionSettings(const cfl::Json& config);

// What CloudFront derives in the ViewerCertificate it echoes: the deprecated
// Certificate and CertificateSource members from the certificate named, and
// TLSv1 as the minimum protocol with the default certificate (CloudFront sets
// it whatever was sent). REQUIRES: CheckDistributionSettings passed.
void FillViewerCertificate(cfl::Json& config);

// A host name as an alias (CNAME) may be: letter, digit and hyphen labels,
// the first possibly "*" (a wildcard alias).
bool IsAlias(const std::string& alias);

// A WAFv2 web ACL's ARN in the global (CloudFront) scope; with
// or_classic_id, also a WAF Classic web ACL id (a UUID).
bool IsWebAclId(const std::string& id, bool or_classic_id = true);

// An ACM certificate's ARN in us-east-1 (where CloudFront takes them from).
bool IsAcmCertificateArn(const std::string& arn);

// An ISO 3166-1 alpha-2 country code, as geographic restrictions take them.
bool IsCountryCode(std::string_view code);

}  // namespace cfl::families
