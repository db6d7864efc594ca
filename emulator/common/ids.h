// Identifiers in the formats CloudFront uses. Random, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cfl::ids {

// prefix + length characters drawn from alphabet.
std::string Random(std::string_view prefix, std::size_t length, std::string_view alphabet);

std::string DistributionId();   // E + 13 uppercase alphanumerics: E3S4CW6FECBL7Y...
std::string ETag();             // E + 13 uppercase alphanumerics, unquoted in the header
std::string DomainLabel(char prefix);  // d/s + 13 lowercase alphanumerics
std::string RequestId();        // 8-4-4-4-12 lowercase hex, like AWS request ids
std::string Uuid();             // random v4 UUID
std::string LowerHex(std::size_t length);

}  // namespace cfl::ids
