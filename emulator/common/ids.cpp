#include "emulator/common/ids.h"

#include <cstdint>
#include <random>

namespace cfl::ids {
namespace {

constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kHex = "0123456789abcdef";

std::mt19937_64& Generator() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator;
}

}  // namespace

std::string Random(std::string_view prefix, std::size_t length, std::string_view alphabet) {
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  auto& generator = Generator();
  std::string id(prefix.size() + length, '\0');
  prefix.copy(id.data(), prefix.size());
  for (std::size_t i = prefix.size(); i < id.size(); ++i) id[i] = alphabet[pick(generator)];
  return id;
}

std::string DistributionId() { return Random("E", 13, kUpperAlnum); }
std::string ETag() { return Random("E", 13, kUpperAlnum); }
std::string DomainLabel(char prefix) { return Random(std::string(1, prefix), 13, kLowerAlnum); }
std::string LowerHex(std::size_t length) { return Random("", length, kHex); }

// Version 4, variant 1, from two 64-bit draws: every request needs one.
std::string Uuid() {
  const std::uint64_t draws[2] = {Generator()(), Generator()()};
  std::string uuid(36, '-');
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    uuid[i] = kHex[(draws[nibble / 16] >> (4 * (nibble % 16))) & 0xF];
    ++nibble;
  }
  uuid[14] = '4';
  uuid[19] = kHex[8 + (draws[1] >> 62)];
  return uuid;
}

std::string RequestId() { return Uuid(); }

}  // namespace cfl::ids
