#include "emulator/codec/pattern.h"

#include <locale.h>
#include <wctype.h>

#include <cstdint>
#include <vector>

namespace cfl::model {
namespace {

// Character classes a set may name, as bits.
enum ClassBit : std::uint8_t {
  kAnyChar = 1 << 0,    // .
  kDigit = 1 << 1,      // \d
  kWord = 1 << 2,       // \w
  kSpace = 1 << 3,      // \s
  kLetter = 1 << 4,     // \p{L}
  kNumber = 1 << 5,     // \p{N}
  kSeparator = 1 << 6,  // \p{Z}
};

locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

bool IsUnicodeSeparator(char32_t c) {
  return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }

bool IsAlphabetic(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  const locale_t locale = Utf8Locale();
  if (!locale) return true;  // no classification at hand: accept rather than refuse
  return iswalpha_l(static_cast<wint_t>(c), locale) != 0;
}

bool InClass(std::uint8_t bit, char32_t c) {
  switch (bit) {
    case kAnyChar: return c != '\n' && c != '\r';
    case kDigit: return IsAsciiDigit(c);
    case kWord: return IsAsciiDigit(c) || c == '_' || (c < 0x80 && IsAlphabetic(c));
    case kSpace: return c == ' ' || (c >= '\t' && c <= '\r');
    case kLetter: return IsAlphabetic(c) && !IsAsciiDigit(c);
    case kNumber: return IsAsciiDigit(c) || (c >= 0x80 && IsAlphabetic(c) && !IsUnicodeSeparator(c));
    case kSeparator: return IsUnicodeSeparator(c);
    default: return false;
  }
}

struct CharSet {
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;
  std::uint8_t classes = 0;
  std::uint8_t negated_classes = 0;  // \D \W \S \P{..}

  bool Contains(char32_t c) const {
    bool found = false;
    for (const auto& [low, high] : ranges) found = found || (c >= low && c <= high);
    for (std::uint8_t bit = 1; bit != 0 && !found; bit <<= 1) {
      if ((classes & bit) && InClass(bit, c)) found = true;
      if ((negated_classes & bit) && !InClass(bit, c)) found = true;
    }
    return found != negated;
  }
};

struct Sequence;

struct Item {
  bool is_group = false;
  CharSet set;                        // !is_group
  std::vector<Sequence> alternatives; // is_group
  int min = 1;
  int max = 1;  // -1: unbounded
};

struct Sequence {
  std::vector<Item> items;
};

}  // namespace

struct Pattern::Node {
  std::vector<Sequence> alternatives;
};

namespace {

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3
                                                : (lead & 0xF8) == 0xF0 ? 4 : 0;
    if (length == 0 || i + length > text.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t code = length == 1 ? lead : lead & (0x7F >> length);
    bool valid = true;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = valid && (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    out.push_back(valid ? code : 0xFFFD);
    i += valid ? length : 1;
  }
  return out;
}

// Recursive descent over the pattern's code points; failed() when it meets
// syntax it does not support.
class Parser {
 public:
  // A leading "^" and a trailing (unescaped) "$" say what matching does anyway.
  explicit Parser(std::u32string_view pattern) {
    if (!pattern.empty() && pattern.front() == '^') pattern.remove_prefix(1);
    const std::size_t size = pattern.size();
    if (size > 0 && pattern[size - 1] == '$' && (size < 2 || pattern[size - 2] != '\\')) pattern.remove_suffix(1);
    text_ = std::u32string(pattern);
  }

  std::optional<std::vector<Sequence>> Parse() {
    auto alternatives = ParseAlternatives(0);
    if (failed_ || pos_ != text_.size()) return std::nullopt;
    return alternatives;
  }

 private:
  static constexpr int kMaxNesting = 32;

  bool AtEnd() const { return pos_ >= text_.size(); }
  char32_t Peek() const { return AtEnd() ? 0 : text_[pos_]; }

  std::vector<Sequence> ParseAlternatives(int depth) {
    std::vector<Sequence> alternatives(1);
    if (depth > kMaxNesting) {
      failed_ = true;
      return alternatives;
    }
    while (!AtEnd() && !failed_) {
      const char32_t c = Peek();
      if (c == ')') break;
      if (c == '|') {
        ++pos_;
        alternatives.emplace_back();
        continue;
      }
      auto item = ParseAtom(depth);
      if (failed_) break;
      ParseQuantifier(item);
      alternatives.back().items.push_back(std::move(item));
    }
    return alternatives;
  }

  Item ParseAtom(int depth) {
    Item item;
    const char32_t c = text_[pos_++];
    if (c == '(') {
      if (Peek() == '?') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == ':') {
          pos_ += 2;
        } else {
          failed_ = true;  // lookarounds, named groups
          return item;
        }
      }
      item.is_group = true;
      item.alternatives = ParseAlternatives(depth + 1);
      if (Peek() != ')') failed_ = true;
      ++pos_;
    } else if (c == '[') {
      ParseClass(item.set);
    } else if (c == '.') {
      item.set.classes = kAnyChar;
    } else if (c == '\\') {
      ParseEscape(item.set);
    } else if (c == '*' || c == '+' || c == '?' || c == ')') {
      failed_ = true;
    } else {
      item.set.ranges.emplace_back(c, c);
    }
    return item;
  }

  // After a backslash: a class escape or an escaped character, into set.
  // Returns the character for a literal escape, 0 for a class.
  char32_t ParseEscape(CharSet& set) {
    if (AtEnd()) {
      failed_ = true;
      return 0;
    }
    const char32_t c = text_[pos_++];
    switch (c) {
      case 'd': set.classes |= kDigit; return 0;
      case 'w': set.classes |= kWord; return 0;
      case 's': set.classes |= kSpace; return 0;
      case 'D': set.negated_classes |= kDigit; return 0;
      case 'W': set.negated_classes |= kWord; return 0;
      case 'S': set.negated_classes |= kSpace; return 0;
      case 'p':
      case 'P': {
        const auto bit = ParseCategory();
        (c == 'p' ? set.classes : set.negated_classes) |= bit;
        return 0;
      }
      case 'n': set.ranges.emplace_back('\n', '\n'); return '\n';
      case 't': set.ranges.emplace_back('\t', '\t'); return '\t';
      case 'r': set.ranges.emplace_back('\r', '\r'); return '\r';
      default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsAsciiDigit(c)) {
          failed_ = true;  // \b, \u, back references, ...
          return 0;
        }
        set.ranges.emplace_back(c, c);
        return c;
    }
  }

  // "{L}", "{Lu}", "L", ... after \p: the class bit.
  std::uint8_t ParseCategory() {
    std::u32string name;
    if (Peek() == '{') {
      ++pos_;
      while (!AtEnd() && Peek() != '}') name.push_back(text_[pos_++]);
      if (AtEnd()) failed_ = true;
      ++pos_;
    } else if (!AtEnd()) {
      name.push_back(text_[pos_++]);
    }
    if (name.empty()) {
      failed_ = true;
      return 0;
    }
    switch (name.front()) {
      case 'L': return kLetter;
      case 'N': return kNumber;
      case 'Z': return kSeparator;
      default: failed_ = true; return 0;
    }
  }

  void ParseClass(CharSet& set) {
    if (Peek() == '^') {
      set.negated = true;
      ++pos_;
    }
    bool first = true;
    while (!AtEnd() && (Peek() != ']' || first)) {
      first = false;
      char32_t low = text_[pos_++];
      if (low == '\\') {
        low = ParseEscape(set);
        if (low == 0) continue;  // a class escape
        set.ranges.pop_back();   // added as a single character; may start a range
      } else if (low == '[') {
        failed_ = true;  // nested classes, [[:alpha:]]
        return;
      }
      if (Peek() == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] != ']') {
        ++pos_;
        char32_t high = text_[pos_++];
        if (high == '\\') {
          CharSet scratch;
          high = ParseEscape(scratch);
          if (high == 0) {
            failed_ = true;
            return;
          }
        }
        if (high < low) {
          failed_ = true;
          return;
        }
        set.ranges.emplace_back(low, high);
        if (Peek() == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] != ']') {
          set.ranges.emplace_back('-', '-');  // "[0-9-_]": a dash after a range is itself
          ++pos_;
        }
      } else {
        set.ranges.emplace_back(low, low);
      }
    }
    if (AtEnd()) failed_ = true;
    ++pos_;  // ]
  }

  void ParseQuantifier(Item& item) {
    if (AtEnd()) return;
    const char32_t c = Peek();
    if (c == '?' || c == '*' || c == '+') {
      ++pos_;
      item.min = c == '+' ? 1 : 0;
      item.max = c == '?' ? 1 : -1;
    } else if (c == '{') {
      const std::size_t start = pos_;
      ++pos_;
      const auto low = ParseNumber();
      std::optional<int> high = low;
      if (low && Peek() == ',') {
        ++pos_;
        high = Peek() == '}' ? std::optional<int>(-1) : ParseNumber();
      }
      if (!low || !high || Peek() != '}' || (*high >= 0 && *high < *low)) {
        pos_ = start;  // not a quantifier: "{" is a literal, read as the next atom
        return;
      }
      ++pos_;
      item.min = *low;
      item.max = *high;
    } else {
      return;
    }
    if (Peek() == '?' || Peek() == '+') ++pos_;  // lazy or possessive: the same set of matches
  }

  std::optional<int> ParseNumber() {
    int value = 0;
    std::size_t digits = 0;
    while (!AtEnd() && IsAsciiDigit(Peek()) && digits < 6) {
      value = value * 10 + static_cast<int>(Peek() - '0');
      ++pos_;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
  }

  std::u32string text_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

// Backtracking in continuation-passing style: the stack grows with the
// pattern's items, not with the text (runs of one set are counted in a loop).
class Matcher {
 public:
  explicit Matcher(const std::u32string& text) : text_(text) {}

  bool MatchAll(const std::vector<Sequence>& alternatives) {
    for (const auto& sequence : alternatives) {
      if (MatchSequence(&sequence, 0, 0, nullptr)) return true;
    }
    return false;
  }

 private:
  static constexpr int kStepBudget = 200'000;
  static constexpr int kMaxDepth = 2'000;

  // What remains to match: the rest of a sequence, or more repetitions of a group.
  struct Continuation {
    const struct Sequence* sequence = nullptr;
    std::size_t item = 0;
    const Item* group = nullptr;  // set: repeat this group (count so far, started at)
    int count = 0;
    std::size_t started = 0;
    const Continuation* next = nullptr;
  };

  // Past the budget or the depth, give up and accept (see pattern.h).
  bool OutOfBudget() { return --steps_ < 0 || depth_ > kMaxDepth; }

  bool Continue(const Continuation* next, std::size_t pos) {
    if (!next) return pos == text_.size();
    if (next->group) return Repeat(*next->group, next->count, next->started, pos, next->next);
    return MatchSequence(next->sequence, next->item, pos, next->next);
  }

  bool MatchSequence(const struct Sequence* sequence, std::size_t index, std::size_t pos, const Continuation* next) {
    if (OutOfBudget()) return true;
    if (index == sequence->items.size()) return Continue(next, pos);
    struct Depth {
      int& depth;
      explicit Depth(int& d) : depth(++d) {}
      ~Depth() { --depth; }
    } guard(depth_);
    const Item& item = sequence->items[index];
    const Continuation rest{sequence, index + 1, nullptr, 0, 0, next};
    if (item.is_group) return Repeat(item, 0, pos, pos, &rest);
    std::size_t count = 0;
    const std::size_t limit = item.max < 0 ? text_.size() - pos : static_cast<std::size_t>(item.max);
    while (count < limit && pos + count < text_.size() && item.set.Contains(text_[pos + count])) ++count;
    for (std::size_t take = count + 1; take-- > static_cast<std::size_t>(item.min);) {
      if (Continue(&rest, pos + take)) return true;
      if (steps_ < 0) return true;
    }
    return false;
  }

  // count repetitions of group done, the last one started at started.
  bool Repeat(const Item& group, int count, std::size_t started, std::size_t pos, const Continuation* next) {
    if (OutOfBudget()) return true;
    const bool progressed = count == 0 || pos != started;
    if ((group.max < 0 || count < group.max) && progressed) {
      const Continuation again{nullptr, 0, &group, count + 1, pos, next};
      for (const auto& alternative : group.alternatives) {
        if (MatchSequence(&alternative, 0, pos, &again)) return true;
      }
    }
    if (count >= group.min || !progressed) return Continue(next, pos);
    return false;
  }

  const std::u32string& text_;
  int steps_ = kStepBudget;
  int depth_ = 0;
};

}  // namespace

std::optional<Pattern> Pattern::Compile(std::string_view pattern) {
  const std::u32string code_points = DecodeUtf8(pattern);
  Parser parser(code_points);
  auto alternatives = parser.Parse();
  if (!alternatives) return std::nullopt;
  auto node = std::make_shared<Node>();
  node->alternatives = std::move(*alternatives);
  return Pattern(std::move(node));
}

bool Pattern::Matches(std::string_view text) const {
  return Matcher(DecodeUtf8(text)).MatchAll(root_->alternatives);
}

const Pattern* PatternOf(const ShapeDef& shape) {
  // Every pattern of the models, compiled on first use (thread-safe static init).
  static const std::vector<std::optional<Pattern>> compiled = [] {
    std::vector<std::optional<Pattern>> made(Shapes().size());
    for (const auto& each : Shapes()) {
      if (!each.pattern.empty()) made[IdOf(each)] = Pattern::Compile(each.pattern);
    }
    return made;
  }();
  const auto& pattern = compiled[IdOf(shape)];
  return pattern ? &*pattern : nullptr;
}

}  // namespace cfl::model
