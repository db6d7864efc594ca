// The regular expressions of the models' `pattern` traits, matched as the
// service matches them: against the whole value, code point by code point.
//
// std::regex is not used: it works on bytes (no \p{L}) and recurses once per
// character, so a long value can overflow the stack. The models' patterns are
// simple; this matcher supports what they use and a little more:
//   literals, ".", escapes (\d \w \s \D \W \S, \p{L} \p{N} \p{Z} and their
//   one-letter subcategories, \P{..}, escaped punctuation), classes
//   ("[a-zA-Z0-9-_]", "[^...]"), groups with alternatives ("(-cn)?",
//   "(?:a|b)"), quantifiers ? * + {n} {n,} {n,m} (lazy forms match the same),
//   and a leading "^" / trailing "$" (the match is always whole).
// \p{L} and \p{N} use glibc's C.UTF-8 classification (alphabetic, digit);
// \p{Z} is the Unicode space separators. Matching backtracks within a fixed
// step budget; a value that exhausts it is taken as matching, so a limit of
// ours never rejects a value the service would accept.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/model/model.h"

namespace cfl::model {

class Pattern {
 public:
  // nullopt when pattern uses syntax the matcher does not support.
  static std::optional<Pattern> Compile(std::string_view pattern);

  // Whether all of text (UTF-8) matches. Thread-safe.
  bool Matches(std::string_view text) const;

  struct Node;

 private:
  explicit Pattern(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const Node> root_;
};

// The compiled pattern trait of shape (every model pattern is compiled once,
// on first use); nullptr when it has none or it does not compile (then
// nothing is checked: pattern_test.cpp checks that every model pattern compiles).
const Pattern* PatternOf(const ShapeDef& shape);

}  // namespace cfl::model
