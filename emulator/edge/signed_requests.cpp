#include "emulator/edge/signed_requests.h"

#include <arpa/inet.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>

#include "emulator/codec/wire_text.h"
#include "emulator/common/openssl_handles.h"
#include "emulator/edge/behaviors.h"
#include "emulator/edge/deployed_configs.h"

namespace cfl::edge {
namespace {

using Json = cfl::Json;

constexpr std::string_view kUrlParameters[] = {"Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"};
// A signed value longer than this is not a CloudFront policy or signature.
constexpr std::size_t kMaxSignedValue = 8192;

bool IsSigningParameter(std::string_view name) {
  return std::find(std::begin(kUrlParameters), std::end(kUrlParameters), name) != std::end(kUrlParameters);
}

std::string Decoded(std::string_view text) {
  if (text.size() > kMaxSignedValue) return "";
  return model::PercentDecode(text).value_or("");
}

// Calls visit(name, value) for each name=value of a list split by separator.
template <typename Visit>
void ForEachPair(std::string_view list, char separator, Visit visit) {
  while (!list.empty()) {
    const auto end = list.find(separator);
    std::string_view pair = list.substr(0, end);
    while (pair.starts_with(' ')) pair.remove_prefix(1);
    const auto equals = pair.find('=');
    visit(pair.substr(0, equals), equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
}

std::optional<std::int64_t> EpochMember(const Json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end()) return std::nullopt;
  if (found->is_number_integer()) return found->get<std::int64_t>();
  return std::nullopt;
}

// The 4 or 16 bytes of an address; nullopt when it is neither.
std::optional<std::array<unsigned char, 16>> AddressBytes(std::string_view text, std::size_t& length) {
  const std::string address(text);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, address.c_str(), bytes.data()) == 1) {
    length = 4;
    return bytes;
  }
  if (inet_pton(AF_INET6, address.c_str(), bytes.data()) != 1) return std::nullopt;
  constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(std::begin(kMappedPrefix), std::end(kMappedPrefix), bytes.begin())) {
    std::copy(bytes.begin() + 12, bytes.end(), bytes.begin());  // ::ffff:a.b.c.d is a.b.c.d
    length = 4;
    return bytes;
  }
  length = 16;
  return bytes;
}

}  // namespace

SignedParameters SignedParametersOf(std::string_view query, std::string_view cookie_header) {
  // The cookies' names are the URL's with "CloudFront-" before them.
  const auto collect = [](std::string_view list, char separator, std::string_view prefix) {
    SignedParameters found;
    ForEachPair(list, separator, [&](std::string_view name, std::string_view value) {
      if (!name.starts_with(prefix)) return;
      name.remove_prefix(prefix.size());
      if (name == "Key-Pair-Id") found.key_pair_id = Decoded(value);
      else if (name == "Signature") found.signature = Decoded(value);
      else if (name == "Policy") found.policy = Decoded(value);
      else if (name == "Expires") found.expires = Decoded(value);
      else if (name == "Hash-Algorithm") found.hash_algorithm = Decoded(value);
    });
    return found;
  };
  SignedParameters from_url = collect(query, '&', "");
  if (!from_url.key_pair_id.empty() || !from_url.signature.empty() || !from_url.policy.empty()) return from_url;
  SignedParameters from_cookies = collect(cookie_header, ';', "CloudFront-");
  if (!from_cookies.key_pair_id.empty() || !from_cookies.signature.empty()) return from_cookies;
  return from_url;
}

std::string WithoutSigningParameters(std::string_view query) {
  std::string kept;
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    if (!IsSigningParameter(pair.substr(0, pair.find('=')))) {
      if (!kept.empty()) kept += '&';
      kept += pair;
    }
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return kept;
}

std::optional<std::string> DecodeCloudFrontBase64(std::string_view text) {
  if (text.empty() || text.size() > kMaxSignedValue) return std::nullopt;
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '=';
    else if (c == '~') c = '/';
  }
  return model::Base64Decode(standard);
}

std::optional<SignedPolicy> ParseSignedPolicy(std::string_view json) {
  const Json policy = Json::parse(json, nullptr, false);
  if (!policy.is_object()) return std::nullopt;
  const auto statements = policy.find("Statement");
  if (statements == policy.end() || !statements->is_array() || statements->empty() ||
      !(*statements)[0].is_object()) {
    return std::nullopt;
  }
  const Json& statement = (*statements)[0];
  SignedPolicy parsed;
  if (const auto resource = statement.find("Resource"); resource != statement.end()) {
    if (!resource->is_string()) return std::nullopt;
    parsed.resource = resource->get<std::string>();
  }
  const auto condition = statement.find("Condition");
  if (condition == statement.end() || !condition->is_object()) return std::nullopt;
  const auto less_than = condition->find("DateLessThan");
  if (less_than == condition->end() || !less_than->is_object()) return std::nullopt;
  const auto expires = EpochMember(*less_than, "AWS:EpochTime");
  if (!expires) return std::nullopt;
  parsed.date_less_than = *expires;
  if (const auto greater_than = condition->find("DateGreaterThan"); greater_than != condition->end()) {
    if (!greater_than->is_object()) return std::nullopt;
    parsed.date_greater_than = EpochMember(*greater_than, "AWS:EpochTime");
    if (!parsed.date_greater_than) return std::nullopt;
  }
  if (const auto ip = condition->find("IpAddress"); ip != condition->end()) {
    if (!ip->is_object()) return std::nullopt;
    const auto source = ip->find("AWS:SourceIp");
    if (source == ip->end() || !source->is_string()) return std::nullopt;
    parsed.source_ip = source->get<std::string>();
  }
  return parsed;
}

std::string CannedPolicy(std::string_view url, std::int64_t expires) {
  // Json::dump escapes the URL as the signers' JSON encoders do (quotes,
  // backslashes, control characters); a URL has nothing else to escape.
  return R"({"Statement":[{"Resource":)" + Json(std::string(url)).dump() +
         R"(,"Condition":{"DateLessThan":{"AWS:EpochTime":)" + std::to_string(expires) + "}}}]}";
}

bool ResourceMatches(std::string_view pattern, std::string_view url) { return WildcardMatches(pattern, url); }

bool AddressInCidr(std::string_view address, std::string_view cidr) {
  const auto slash = cidr.find('/');
  std::size_t network_length = 0, address_length = 0;
  const auto network = AddressBytes(cidr.substr(0, slash), network_length);
  const auto viewer = AddressBytes(address, address_length);
  if (!network || !viewer || network_length != address_length) return false;
  std::size_t bits = network_length * 8;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = cidr.substr(slash + 1);
    const auto parsed = std::from_chars(prefix.data(), prefix.data() + prefix.size(), bits);
    if (prefix.empty() || parsed.ec != std::errc() || parsed.ptr != prefix.data() + prefix.size() ||
        bits > network_length * 8) {
      return false;
    }
  }
  for (std::size_t bit = 0; bit < bits; ++bit) {
    const unsigned char mask = static_cast<unsigned char>(0x80u >> (bit % 8));
    if (((*network)[bit / 8] & mask) != ((*viewer)[bit / 8] & mask)) return false;
  }
  return true;
}

bool SignatureVerifies(std::string_view public_key_pem, std::string_view message, std::string_view signature,
                       bool sha256) {
  const openssl::Key key = openssl::PublicKeyFromPem(public_key_pem);
  if (!key) return false;
  const int type = EVP_PKEY_base_id(key.get());
  if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) return false;  // what CloudFront takes
  openssl::DigestContext context(EVP_MD_CTX_new());
  if (!context ||
      EVP_DigestVerifyInit(context.get(), nullptr, sha256 ? EVP_sha256() : EVP_sha1(), nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::optional<SignatureDenial> JudgeSignedRequest(const SignedParameters& signed_parameters,
                                                  const SignedRequestFacts& facts, const TrustedKeyLookup& trusted) {
  if (signed_parameters.key_pair_id.empty()) return kMissingKey;
  const auto public_key = trusted(signed_parameters.key_pair_id);
  if (!public_key) return kUnknownKey;
  const auto signature = DecodeCloudFrontBase64(signed_parameters.signature);
  if (!signature) return kMalformedSignature;

  std::string policy_text;
  if (!signed_parameters.policy.empty()) {
    const auto decoded = DecodeCloudFrontBase64(signed_parameters.policy);
    if (!decoded) return kMalformedPolicy;
    policy_text = *decoded;
  } else {
    std::int64_t expires = 0;
    const std::string& text = signed_parameters.expires;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), expires);
    if (text.empty() || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) return kMalformedPolicy;
    policy_text = CannedPolicy(facts.url, expires);
  }
  const auto policy = ParseSignedPolicy(policy_text);
  if (!policy) return kMalformedPolicy;

  const std::string& algorithm = signed_parameters.hash_algorithm;
  if (!algorithm.empty() && algorithm != "SHA1" && algorithm != "SHA256") return kAccessDenied;
  if (!SignatureVerifies(*public_key, policy_text, *signature, algorithm == "SHA256")) return kAccessDenied;

  if (facts.NowSeconds() >= policy->date_less_than) return kAccessDenied;
  if (policy->date_greater_than && facts.NowSeconds() < *policy->date_greater_than) return kAccessDenied;
  if (!policy->source_ip.empty() && !AddressInCidr(facts.viewer_ip, policy->source_ip)) return kAccessDenied;
  if (!ResourceMatches(policy->resource, facts.url)) return kAccessDenied;
  return std::nullopt;
}

ViewerResponse SignatureDenialPage(const SignatureDenial& denial) {
  ViewerResponse response;
  response.status = 403;
  response.body = R"(<?xml version="1.0" encoding="UTF-8"?>)" "\n<Error><Code>" + std::string(denial.code) +
                  "</Code><Message>" + std::string(denial.message) + "</Message></Error>";
  response.headers = {{"Content-Type", "text/xml"}, {"Server", "CloudFront"}, {"X-Cache", "Error from cloudfront"}};
  return response;
}

namespace {

bool Enabled(const Json& behavior, const char* member) {
  const auto found = behavior.find(member);
  return found != behavior.end() && found->is_object() && found->value("Enabled", false);
}

std::vector<std::string> ItemStrings(const Json& behavior, const char* member) {
  std::vector<std::string> items;
  const auto found = behavior.find(member);
  if (found == behavior.end() || !found->is_object()) return items;
  const auto list = found->find("Items");
  if (list == found->end() || !list->is_array()) return items;
  for (const auto& item : *list) {
    if (item.is_string()) items.push_back(item.get<std::string>());
  }
  return items;
}

// A public key's EncodedKey can't change (UpdatePublicKey changes only its
// comment), so its current version is read.
std::optional<std::string> EncodedKeyOf(store::Store& store, const std::string& account, const std::string& id) {
  const auto record = store.Get(account, "public-key", id);
  if (!record) return std::nullopt;
  const auto config = CurrentConfig(*record);
  if (!config) return std::nullopt;
  const auto key = config->find("EncodedKey");
  if (key == config->end() || !key->is_string()) return std::nullopt;
  return key->get<std::string>();
}

}  // namespace

bool RestrictsViewerAccess(const Json& behavior) {
  return Enabled(behavior, "TrustedKeyGroups") || Enabled(behavior, "TrustedSigners");
}

TrustedKeyLookup TrustedKeysOf(store::Store& store, const std::string& account, const Json& behavior,
                               std::int64_t now_ms) {
  std::vector<std::string> groups, signers;
  if (Enabled(behavior, "TrustedKeyGroups")) groups = ItemStrings(behavior, "TrustedKeyGroups");
  if (Enabled(behavior, "TrustedSigners")) {
    for (auto& signer : ItemStrings(behavior, "TrustedSigners")) signers.push_back(signer == "self" ? account : signer);
  }
  return [&store, account, now_ms, groups = std::move(groups),
          signers = std::move(signers)](const std::string& key_pair_id) -> std::optional<std::string> {
    if (key_pair_id.size() > 128) return std::nullopt;
    for (const auto& group_id : groups) {
      // A key group's change reaches the edges with the distributions it renews.
      const auto group = store.Get(account, "key-group", group_id);
      const auto config = group ? DeployedOnly(*group, now_ms) : nullptr;
      if (!config) continue;
      const auto keys = config->find("Items");
      if (keys == config->end() || !keys->is_array()) continue;
      if (std::find(keys->begin(), keys->end(), key_pair_id) != keys->end()) {
        return EncodedKeyOf(store, account, key_pair_id);
      }
    }
    for (const auto& signer : signers) {
      if (auto key = EncodedKeyOf(store, signer, key_pair_id)) return key;
    }
    return std::nullopt;
  };
}

std::optional<ViewerResponse> RefusedSignedRequest(store::Store& store, const std::string& account,
                                                   const Json& behavior, const ViewerRequest& request,
                                                   std::string_view query, const SignedRequestFacts& facts) {
  const auto denial = JudgeSignedRequest(SignedParametersOf(query, HeaderValue(request.headers, "Cookie")), facts,
                                         TrustedKeysOf(store, account, behavior, facts.now_ms));
  if (!denial) return std::nullopt;
  return SignatureDenialPage(*denial);
}

}  // namespace cfl::edge
