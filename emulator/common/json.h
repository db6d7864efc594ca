// The emulator's JSON value: nlohmann::json, with object keys compared inline.
//
// Why not nlohmann::json itself: its objects are std::maps under std::less<>,
// which compares keys through a call to memcmp. Configs are looked up member
// by member, and those calls were a tenth of an update's instructions. The
// order is std::less<>'s (bytes as unsigned, then length), so iteration,
// dump() and DumpJson write the same text as before.
//
// Why its values are freed differently: nlohmann frees an object or array by
// first moving every descendant onto a stack on the heap (so a deeply nested
// value cannot overflow the thread's stack); that was a sixth of an update's
// instructions. cfl::Json's containers free their children through their own
// destructors, recursively, down to kMaxRecursiveFreeDepth levels, and
// flatten the same way only below it. This replaces, by an explicit
// specialization, nlohmann's json_value::destroy for cfl::Json alone.
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
#include <vector>

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

// The member `key` of `object`; null when object is not an object or has no
// such member. One map search and no iterators: Json::find builds and compares
// nlohmann's iterators around the search, which cost as much as the search
// itself for the few members of a config object, looked up hundreds of times
// per request.
inline const Json* FindJsonMember(const Json& object, std::string_view key) noexcept {
  const auto* members = object.get_ptr<const Json::object_t*>();
  if (members == nullptr) return nullptr;
  const auto found = members->find(key);
  return found == members->end() ? nullptr : &found->second;
}

// The same, to change the member in place. Unlike object[key], a lookup that
// finds nothing adds nothing (and operator[] builds a map node, and a key
// string, before it finds out whether the member exists).
inline Json* FindJsonMember(Json& object, std::string_view key) noexcept {
  return const_cast<Json*>(FindJsonMember(std::as_const(object), key));
}

// Values nested deeper than this below the one being freed are freed
// nlohmann's way: ~300 bytes of stack per level, far from a worker's 8 MB.
inline constexpr int kMaxRecursiveFreeDepth = 64;

}  // namespace cfl

// Declared here, before any use of cfl::Json can instantiate nlohmann's own.
// The same outcome as nlohmann's: the value's storage freed, with its children.
template <>
inline void cfl::Json::json_value::destroy(nlohmann::detail::value_t t) {
  static_assert(std::is_same_v<allocator_type, std::allocator<basic_json>>, "frees as nlohmann allocated");
  const auto free_one = [](auto* storage) {
    std::allocator<std::remove_pointer_t<decltype(storage)>> allocator;
    std::allocator_traits<decltype(allocator)>::destroy(allocator, storage);
    std::allocator_traits<decltype(allocator)>::deallocate(allocator, storage, 1);
  };
  switch (t) {
    case nlohmann::detail::value_t::object:
    case nlohmann::detail::value_t::array: {
      if (t == nlohmann::detail::value_t::object ? object == nullptr : array == nullptr) return;
      static thread_local int depth = 0;
      if (depth >= cfl::kMaxRecursiveFreeDepth) {
        // Too deep to recurse: children moved out onto a stack until none is
        // left with children of its own, then each freed as a leaf.
        std::vector<basic_json> stack;
        const auto move_children = [&stack](json_value& value, nlohmann::detail::value_t type) {
          if (type == nlohmann::detail::value_t::array) {
            for (auto& item : *value.array) stack.push_back(std::move(item));
            value.array->clear();
          } else if (type == nlohmann::detail::value_t::object) {
            for (auto& member : *value.object) stack.push_back(std::move(member.second));
            value.object->clear();
          }
        };
        move_children(*this, t);
        while (!stack.empty()) {
          basic_json item(std::move(stack.back()));
          stack.pop_back();
          move_children(item.m_value, item.m_type);
        }
      }
      ++depth;
      if (t == nlohmann::detail::value_t::object) {
        free_one(object);
      } else {
        free_one(array);
      }
      --depth;
      return;
    }
    case nlohmann::detail::value_t::string:
      if (string != nullptr) free_one(string);
      return;
    case nlohmann::detail::value_t::binary:
      if (binary != nullptr) free_one(binary);
      return;
    default:  // null, boolean, numbers, discarded: nothing stored apart
      return;
  }
}
