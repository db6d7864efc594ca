// The emulator's JSON value: nlohmann::json, with object keys compared inline.
//
// Why not nlohmann::json itself: its objects are std::maps under std::less<>,
// which compares keys through a call to memcmp. Configs are looked up member
// by member, and those calls were a tenth of an update's instructions. The
// order is std::less<>'s (bytes as unsigned, then length), so iteration,
// dump() and DumpJson write the same text as before.
//
// Thread safety: as nlohmann::json (a value; const access from many threads).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

namespace cfl {

// std::less<>'s order over anything that views as a string, without a call.
struct JsonKeyLess {
  using is_transparent = void;
  static_assert(std::endian::native == std::endian::little, "Less reads words as little-endian");

  static bool Less(std::string_view a, std::string_view b) noexcept {
    const std::size_t common = a.size() < b.size() ? a.size() : b.size();
    std::size_t i = 0;
    // Eight bytes at a time, compared as big-endian words (the bytes' order):
    // members often share a prefix (Origin..., Default...).
    for (; i + 8 <= common; i += 8) {
      std::uint64_t x;
      std::uint64_t y;
      std::memcpy(&x, a.data() + i, 8);
      std::memcpy(&y, b.data() + i, 8);
      if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y);
    }
    for (; i < common; ++i) {
      const auto x = static_cast<unsigned char>(a[i]);
      const auto y = static_cast<unsigned char>(b[i]);
      if (x != y) return x < y;
    }
    return a.size() < b.size();
  }

  // Constrained: nlohmann asks whether a type compares with keys to decide
  // whether it may be used as one (an int indexes arrays, not objects).
  template <typename A, typename B>
    requires std::is_convertible_v<const A&, std::string_view> && std::is_convertible_v<const B&, std::string_view>
  bool operator()(const A& a, const B& b) const noexcept {
    const std::string_view x(a);
    const std::string_view y(b);
    // Most keys of an object differ in their first byte: decided here, inline.
    if (!x.empty() && !y.empty() && x.front() != y.front()) {
      return static_cast<unsigned char>(x.front()) < static_cast<unsigned char>(y.front());
    }
    return Less(x, y);
  }
};

// The object type nlohmann::basic_json instantiates: it passes its own
// comparator, which is set aside for JsonKeyLess.
template <class Key, class Value, class IgnoredLess = void,
          class Allocator = std::allocator<std::pair<const Key, Value>>>
class JsonObject : public std::map<Key, Value, JsonKeyLess, Allocator> {
 public:
  using std::map<Key, Value, JsonKeyLess, Allocator>::map;
};

using Json = nlohmann::basic_json<JsonObject>;

}  // namespace cfl
