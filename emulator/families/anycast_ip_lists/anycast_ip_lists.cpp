// Anycast static IP lists: Create, Get, Update, Delete, List, and the list of
// the distributions that use one (ListDistributionsByAnycastIpListId is the
// distribution family's). Deploying → Deployed after the propagation delay; a
// distribution's AnycastIpListId names one (a reference: it cannot be deleted
// while in use, a distribution naming one that does not exist is refused).
//
// The addresses a list gets are what the real service learns from its own
// address pools; the emulator derives them from the list's id, in the
// documentation ranges (RFC 5737 for IPv4, RFC 3849 for IPv6), so the same
// list always shows the same addresses. With IPAM CIDR configs (bring your own
// IP), each config's address is the first of its CIDR, and those are the list's.
#include <arpa/inet.h>

#include <array>
#include <cstdio>
#include <regex>

#include "emulator/common/clock.h"
#include "emulator/common/ids.h"
#include "emulator/engine/family.h"
#include "emulator/engine/operations.h"
#include "emulator/engine/resource_naming.h"
#include "emulator/engine/resources.h"

namespace cfl::families {
namespace {

using namespace engine;  // NOLINT: a family is written in the engine's terms

constexpr std::string_view kKind = "anycast-ip-list";
constexpr std::string_view kArnType = "anycast-ip-list";
// The emulator's quota of lists per account (the real one is set per account on request).
constexpr std::int64_t kMaxLists = 10;
constexpr std::size_t kMaxIpamCidrConfigs = 21;

// FNV-1a: a stable hash of the id, the same on every platform and run.
std::uint32_t StableHash(std::string_view text) {
  std::uint32_t hash = 2166136261U;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619U;
  }
  return hash;
}

// count consecutive addresses of the three IPv4 documentation /24s (hosts 1..254
// of each), starting at a block the id picks.
std::vector<std::string> Ipv4Addresses(std::string_view id, std::int64_t count) {
  static constexpr std::array<std::string_view, 3> kRanges = {"192.0.2.", "198.51.100.", "203.0.113."};
  constexpr std::int64_t kHostsPerRange = 254;
  const std::int64_t blocks = kHostsPerRange * static_cast<std::int64_t>(kRanges.size()) / count;
  const std::int64_t first = static_cast<std::int64_t>(StableHash(id) % static_cast<std::uint32_t>(blocks)) * count;
  std::vector<std::string> addresses;
  for (std::int64_t n = first; n < first + count; ++n) {
    addresses.push_back(std::string(kRanges[static_cast<std::size_t>(n / kHostsPerRange)]) +
                        std::to_string(n % kHostsPerRange + 1));
  }
  return addresses;
}

// count addresses of one /64 of 2001:db8::/32 that the id picks.
std::vector<std::string> Ipv6Addresses(std::string_view id, std::int64_t count) {
  const std::uint32_t hash = StableHash(id);
  std::vector<std::string> addresses;
  for (std::int64_t n = 1; n <= count; ++n) {
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "2001:db8:%x:%x::%llx", (hash >> 16U) & 0xffffU, hash & 0xffffU,
                  static_cast<unsigned long long>(n));  // NOLINT(google-runtime-int): printf's type
    addresses.emplace_back(text.data());
  }
  return addresses;
}

// The network address of a CIDR ("203.0.113.0/24" → "203.0.113.0"), canonical;
// nullopt when it is no CIDR. family is set to AF_INET or AF_INET6.
std::optional<std::string> NetworkAddress(const std::string& cidr, int& family) {
  const auto slash = cidr.find('/');
  if (slash == std::string::npos || slash + 1 == cidr.size() || cidr.size() - slash > 4) return std::nullopt;
  const std::string address = cidr.substr(0, slash);
  const std::string length = cidr.substr(slash + 1);
  if (length.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::array<unsigned char, 16> bytes{};
  family = address.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (inet_pton(family, address.c_str(), bytes.data()) != 1) return std::nullopt;
  const int bits = std::stoi(length);
  const int width = family == AF_INET ? 32 : 128;
  if (bits < 1 || bits > width) return std::nullopt;
  for (int bit = bits; bit < width; ++bit) bytes[static_cast<std::size_t>(bit / 8)] &= ~(0x80U >> (bit % 8));
  std::array<char, INET6_ADDRSTRLEN> text{};
  inet_ntop(family, bytes.data(), text.data(), text.size());
  return std::string(text.data());
}

bool IsIpamPoolArn(const std::string& arn) {
  static const std::regex kArn(R"(arn:aws:ec2:[a-z0-9-]*:\d{12}:ipam-pool/ipam-pool-[0-9a-f]{8,17})");
  return std::regex_match(arn, kArn);
}

// Keeps each config's Cidr and IpamPoolArn (its address and status are the
// emulator's to answer), checked against the list's address type.
Result<Ok, ApiError> PrepareIpamConfigs(Json& config) {
  const auto found = config.find("IpamCidrConfigs");
  if (found == config.end() || found->is_null()) return Ok{};
  if (!found->is_array() || found->empty() || found->size() > kMaxIpamCidrConfigs) {
    return Fail(errors::InvalidArgument("IpamCidrConfigs must hold 1 to " + std::to_string(kMaxIpamCidrConfigs) +
                                        " IPAM CIDR configurations."));
  }
  const std::string type = StringMember(config, "IpAddressType");
  Json kept = Json::array();
  for (const Json& item : *found) {
    const std::string cidr = StringMember(item, "Cidr");
    int family = 0;
    if (!NetworkAddress(cidr, family)) return Fail(errors::InvalidArgument("The Cidr is not a valid CIDR block: " + cidr));
    if ((type == "ipv4" && family != AF_INET) || (type == "ipv6" && family != AF_INET6)) {
      return Fail(errors::InvalidArgument("The Cidr " + cidr + " does not match the IpAddressType " + type + "."));
    }
    const std::string pool = StringMember(item, "IpamPoolArn");
    if (!IsIpamPoolArn(pool)) return Fail(errors::InvalidArgument("The IpamPoolArn is not the ARN of an IPAM pool: " + pool));
    kept.push_back({{"Cidr", cidr}, {"IpamPoolArn", pool}});
  }
  *found = std::move(kept);
  return Ok{};
}

// Create: Name, IpCount, IpAddressType, IpamCidrConfigs. Update sends only
// IpAddressType and IpamCidrConfigs: the rest is the current version's.
Result<Ok, ApiError> Prepare(RequestContext&, Json& config, const Resource* current) {
  if (current) {
    const Json& stored = current->config();
    config["Name"] = stored.at("Name");
    config["IpCount"] = stored.at("IpCount");
    if (!config.contains("IpAddressType")) config["IpAddressType"] = stored.at("IpAddressType");
    if (!config.contains("IpamCidrConfigs") && stored.contains("IpamCidrConfigs")) {
      config["IpamCidrConfigs"] = stored.at("IpamCidrConfigs");
    }
  }
  const std::int64_t count = config.value("IpCount", std::int64_t{0});
  if (count != 3 && count != 21) {
    return Fail(errors::InvalidArgument("The IpCount of an Anycast static IP list must be 3 or 21."));
  }
  if (StringMember(config, "IpAddressType").empty()) config["IpAddressType"] = "ipv4";
  return PrepareIpamConfigs(config);
}

// The IPAM configs as answered: each with its address and, once the list has
// deployed, advertised.
Json IpamConfig(const Json& configs, bool deployed) {
  Json items = Json::array();
  for (const Json& item : configs) {
    int family = 0;
    Json answered = item;
    answered["AnycastIp"] = NetworkAddress(StringMember(item, "Cidr"), family).value_or("");
    answered["Status"] = deployed ? "advertised" : "provisioning";
    items.push_back(std::move(answered));
  }
  return {{"Quantity", items.size()}, {"IpamCidrConfigs", std::move(items)}};
}

std::vector<std::string> AnycastIps(const Resource& resource) {
  const Json& config = resource.config();
  if (const auto ipam = config.find("IpamCidrConfigs"); ipam != config.end() && ipam->is_array()) {
    std::vector<std::string> addresses;
    for (const Json& item : *ipam) {
      int family = 0;
      addresses.push_back(NetworkAddress(StringMember(item, "Cidr"), family).value_or(""));
    }
    return addresses;
  }
  const std::int64_t count = config.value("IpCount", std::int64_t{3});
  const std::string type = StringMember(config, "IpAddressType");
  std::vector<std::string> addresses;
  if (type != "ipv6") addresses = Ipv4Addresses(resource.id(), count);
  if (type != "ipv4") {
    for (auto& address : Ipv6Addresses(resource.id(), count)) addresses.push_back(std::move(address));
  }
  return addresses;
}

std::string Status(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  return !just_changed && resource.Settled(ctx.now_ms) ? "Deployed" : "Deploying";
}

// The members a list and its summary share.
Json Attributes(const RequestContext& ctx, const Resource& resource, const std::string& status) {
  const Json& config = resource.config();
  Json list = {{"Id", resource.id()},
               {"Name", config.at("Name")},
               {"Status", status},
               {"Arn", Arn(ctx.account, kArnType, resource.id())},
               {"IpAddressType", config.at("IpAddressType")},
               {"IpCount", config.at("IpCount")},
               {"LastModifiedTime", FormatIso8601(resource.record.modified_ms)}};
  if (const auto ipam = config.find("IpamCidrConfigs"); ipam != config.end() && ipam->is_array()) {
    list["IpamConfig"] = IpamConfig(*ipam, status == "Deployed");
  }
  return list;
}

Json Render(const RequestContext& ctx, const Resource& resource, bool just_changed) {
  Json list = Attributes(ctx, resource, Status(ctx, resource, just_changed));
  list["AnycastIps"] = AnycastIps(resource);
  return list;
}

FamilyDefinition MakeDefinition() {
  Family family;
  family.kind = kKind;
  family.noun = "Anycast static IP list";
  family.arn_type = kArnType;
  family.errors = {.not_found = errors::EntityNotFound,
                   .already_exists = errors::EntityAlreadyExists,
                   .limit = errors::EntityLimitExceeded};
  // Names are unique in an account; an update cannot change one, so it cannot collide.
  family.unique_keys = [](const Json& config) {
    return std::vector<std::string>{"anycast-ip-list-name:" + StringMember(config, "Name")};
  };
  family.taggable = true;
  family.settle_delay_ms = [](const RequestContext& ctx) { return ctx.services.settings.propagation_delay_ms.load(); };
  family.max_per_account = [](const RequestContext&) -> std::optional<std::int64_t> { return kMaxLists; };
  family.new_id = [] {
    return ids::Random("aip_", 22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
  };
  family.prepare = Prepare;
  family.render = Render;
  family.summarize = [](const RequestContext& ctx, const Resource& resource) {
    Json summary = Attributes(ctx, resource, Status(ctx, resource, false));
    summary["ETag"] = resource.etag();
    return summary;
  };
  return {std::move(family),
          {{"CreateAnycastIpList", Verb::kCreate},
           {"GetAnycastIpList", Verb::kGet},
           {"UpdateAnycastIpList", Verb::kUpdate},
           {"DeleteAnycastIpList", Verb::kDelete},
           {"ListAnycastIpLists", Verb::kList}},
          {errors::InvalidArgument}};
}

}  // namespace

const engine::FamilyDefinition& AnycastIpListDefinition() {
  static const engine::FamilyDefinition definition = MakeDefinition();
  return definition;
}

}  // namespace cfl::families
