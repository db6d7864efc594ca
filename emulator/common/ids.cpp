#include "emulator/common/ids.h"

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
  std::string id(prefix);
  for (std::size_t i = 0; i < length; ++i) id += alphabet[pick(Generator())];
  return id;
}

std::string DistributionId() { return Random("E", 13, kUpperAlnum); }
std::string ETag() { return Random("E", 13, kUpperAlnum); }
std::string DomainLabel(char prefix) { return Random(std::string(1, prefix), 13, kLowerAlnum); }
std::string LowerHex(std::size_t length) { return Random("", length, kHex); }

std::string Uuid() {
  std::string hex = LowerHex(32);
  hex[12] = '4';
  hex[16] = kHex[8 + (hex[16] % 4)];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

std::string RequestId() { return Uuid(); }

}  // namespace cfl::ids
