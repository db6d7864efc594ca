#include "emulator/runtime/js_syntax.h"

#include <array>
#include <vector>

namespace cfl::runtime {
namespace {

bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentifierPart(char c) { return IsIdentifierStart(c) || (c >= '0' && c <= '9'); }

// Words after which a "/" starts a regular expression, not a division.
bool KeywordBeforeExpression(std::string_view word) {
  static constexpr std::array<std::string_view, 11> kWords = {"return", "typeof", "case", "do", "else", "in",
                                                              "of", "new", "delete", "void", "throw"};
  for (const auto keyword : kWords) {
    if (word == keyword) return true;
  }
  return false;
}

// Tokens of cloudfront-js-2.0 that cloudfront-js-1.0 lacks.
bool Unsupported1(std::string_view word) {
  return word == "const" || word == "let" || word == "async" || word == "await" || word == "import" ||
         word == "export";
}

class Scanner {
 public:
  explicit Scanner(std::string_view code) : code_(code) {}

  // The first identifier that is unsupported, and its line.
  std::optional<std::pair<std::string, int>> Find() {
    while (at_ < code_.size()) {
      const char c = code_[at_];
      if (c == '\n') {
        ++line_;
        ++at_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++at_;
      } else if (c == '/' && Next() == '/') {
        SkipUntil('\n');
      } else if (c == '/' && Next() == '*') {
        SkipBlockComment();
      } else if (c == '\'' || c == '"') {
        SkipString(c);
        expression_ends_ = true;
      } else if (c == '`') {
        ++at_;
        templates_.push_back(0);
        SkipTemplateText();
      } else if (c == '/') {
        if (expression_ends_) {
          ++at_;
          expression_ends_ = false;
        } else {
          SkipRegex();
          expression_ends_ = true;
        }
      } else if (IsIdentifierStart(c)) {
        const std::size_t start = at_;
        while (at_ < code_.size() && IsIdentifierPart(code_[at_])) ++at_;
        const std::string_view word = code_.substr(start, at_ - start);
        const bool property = start > 0 && code_[start - 1] == '.';
        if (!property && Unsupported1(word) && (word != "async" || FollowedBy("function"))) {
          return std::pair{std::string(word), line_};
        }
        expression_ends_ = !KeywordBeforeExpression(word);
      } else if (c >= '0' && c <= '9') {
        while (at_ < code_.size() && (IsIdentifierPart(code_[at_]) || code_[at_] == '.')) ++at_;
        expression_ends_ = true;
      } else if (c == '{' && !templates_.empty()) {
        ++templates_.back();
        ++at_;
        expression_ends_ = false;
      } else if (c == '}' && !templates_.empty() && templates_.back() == 0) {
        ++at_;  // the end of a ${…} substitution: back in the template's text
        SkipTemplateText();
      } else {
        if (c == '}' && !templates_.empty()) --templates_.back();
        expression_ends_ = c == ')' || c == ']' || c == '}';
        ++at_;
      }
    }
    return std::nullopt;
  }

 private:
  char Next() const { return at_ + 1 < code_.size() ? code_[at_ + 1] : '\0'; }

  // Whether the next word after blanks is word ("async function", not a variable named async).
  bool FollowedBy(std::string_view word) const {
    std::size_t next = at_;
    while (next < code_.size() && (code_[next] == ' ' || code_[next] == '\t')) ++next;
    return code_.substr(next, word.size()) == word &&
           (next + word.size() == code_.size() || !IsIdentifierPart(code_[next + word.size()]));
  }

  void SkipUntil(char end) {
    while (at_ < code_.size() && code_[at_] != end) ++at_;
  }

  void SkipBlockComment() {
    at_ += 2;
    while (at_ < code_.size() && !(code_[at_] == '*' && Next() == '/')) {
      if (code_[at_] == '\n') ++line_;
      ++at_;
    }
    at_ += 2;
  }

  void SkipString(char quote) {
    ++at_;
    while (at_ < code_.size() && code_[at_] != quote && code_[at_] != '\n') {
      if (code_[at_] == '\\') ++at_;
      ++at_;
    }
    ++at_;
  }

  // Inside a template literal's text: up to its closing ` or the next ${.
  void SkipTemplateText() {
    while (at_ < code_.size()) {
      const char c = code_[at_];
      if (c == '\\') {
        at_ += 2;
      } else if (c == '`') {
        ++at_;
        templates_.pop_back();
        expression_ends_ = true;
        return;
      } else if (c == '$' && Next() == '{') {
        at_ += 2;
        expression_ends_ = false;
        return;
      } else {
        if (c == '\n') ++line_;
        ++at_;
      }
    }
  }

  void SkipRegex() {
    ++at_;
    bool in_class = false;
    while (at_ < code_.size() && code_[at_] != '\n') {
      const char c = code_[at_];
      if (c == '\\') {
        at_ += 2;
        continue;
      }
      ++at_;
      if (c == '[') in_class = true;
      if (c == ']') in_class = false;
      if (c == '/' && !in_class) break;
    }
    while (at_ < code_.size() && IsIdentifierPart(code_[at_])) ++at_;  // flags
  }

  std::string_view code_;
  std::size_t at_ = 0;
  int line_ = 1;
  bool expression_ends_ = false;  // a "/" here divides
  std::vector<int> templates_;    // per open template literal: the braces open in its current substitution
};

}  // namespace

std::optional<std::string> FindUnsupportedSyntax(std::string_view code, FunctionRuntime runtime) {
  if (runtime != FunctionRuntime::kJs1) return std::nullopt;
  auto found = Scanner(code).Find();
  if (!found) return std::nullopt;
  return "SyntaxError: Token \"" + found->first + "\" not supported in cloudfront-js-1.0 in " +
         std::to_string(found->second);
}

}  // namespace cfl::runtime
