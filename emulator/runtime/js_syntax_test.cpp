#include "emulator/runtime/js_syntax.h"

#include <doctest/doctest.h>

namespace cfl::runtime {
namespace {

std::string Found(std::string_view code) {
  return FindUnsupportedSyntax(code, FunctionRuntime::kJs1).value_or("");
}

TEST_CASE("cloudfront-js-1.0 refuses const, let, async functions, await and import; 2.0 has them") {
  CHECK(Found("function handler(e) {\n  const x = 1;\n  return e.request;\n}") ==
        "SyntaxError: Token \"const\" not supported in cloudfront-js-1.0 in 2");
  CHECK(Found("let a = 1;").find("\"let\"") != std::string::npos);
  CHECK(Found("async function handler(e) { return e.request }").find("\"async\"") != std::string::npos);
  CHECK(Found("function h(e) { await x }").find("\"await\"") != std::string::npos);
  CHECK(Found("import cf from 'cloudfront';").find("\"import\"") != std::string::npos);
  CHECK_FALSE(FindUnsupportedSyntax("const x = 1; let y; async function f() { await g(); }", FunctionRuntime::kJs2));
}

TEST_CASE("the scan skips comments, strings, templates, regular expressions and property names") {
  CHECK(Found("// const in a comment\nvar a = 1; /* let me\n explain */ var b = 'const';") == "");
  CHECK(Found("var s = \"let \\\"const\\\"\"; var t = `const ${a + '}'} let`;") == "");
  CHECK(Found("var r = /const|let/g; var q = a / b / c; var o = {}; o.let = 1; o.const = 2;") == "");
  CHECK(Found("var async = 1; async(2);") == "");  // a variable named async is allowed
  CHECK(Found("var t = `a ${ {x: `b ${c}`}.x } d`; const after = 1;").find("\"const\"") != std::string::npos);
  CHECK(Found("var t = `line\nline ${x}`;\nvar r = /[/]const/; \nlet z;") ==
        "SyntaxError: Token \"let\" not supported in cloudfront-js-1.0 in 4");
  CHECK(Found("return /x/.test(a) ? 1 : 2; let z;").find("\"let\"") != std::string::npos);
}

}  // namespace
}  // namespace cfl::runtime
