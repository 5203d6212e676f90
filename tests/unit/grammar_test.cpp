// The PEGTL grammar itself: analyze() finds no rule that can loop without
// consuming input or recurse without progress, and the recovery scanners
// behind its custom rules skip exactly what they promise.
#include <cstring>
#include <string_view>

#include <doctest/doctest.h>
#include <tao/pegtl/contrib/analyze.hpp>

#include "compiler/syntax/recovery.h"
#include "grammar/flow_grammar.h"

namespace {

// Offset where skip_member stops for `text`, starting at `from`.
size_t skip(std::string_view text, size_t from, bool stop_at_close = true) {
  const char* b = text.data();
  return static_cast<size_t>(flowc::syntax::skip_member(b, b + from, b + text.size(), stop_at_close) - b);
}

}  // namespace

TEST_CASE("the grammar has no problems found by tao::pegtl::analyze") {
  CHECK(tao::pegtl::analyze<flowc::grammar::file>(-1) == 0);
}

TEST_CASE("member recovery stops after the line, or before the block's closing brace") {
  CHECK(skip("a b c\nnext", 0) == 6);
  CHECK(skip("a b } rest", 0) == 4);
  CHECK(skip("a b } rest", 0, false) == 10);
  CHECK(skip("a = f(x,\n  y)\nnext", 0) == 14);       // newlines inside brackets continue
  CHECK(skip("a = \"x # ) }\" b\nnext", 0) == 16);    // brackets and `#` inside strings ignored
  CHECK(skip("a = 1 # ( [ {\nnext", 0) == 14);        // and inside comments
  CHECK(skip("t x y {\n  a = 1\n}\nnext", 0) == 18);  // a broken block header skips its body
}

TEST_CASE("member recovery skips strings with nested interpolations and text blocks") {
  CHECK(skip("a = \"${f(\"}\")}\" b\nnext", 0) == 18);
  CHECK(skip("a = \"\"\"\n  x ${y}\n  \"\"\"\nnext", 0) == 23);
  CHECK(skip("a = \"${ \"${ \"${\nnext", 0) == 16);  // an unterminated string ends with its line
}

TEST_CASE("an unclosed bracket ends at the first line indented no deeper than the member") {
  std::string_view text = "  a = f(x,\n      y\n  b = 2\n";
  CHECK(skip(text, 2) == text.find("  b"));
  std::string_view closing = "  a = f(x,\n  )\n  b = 2\n";  // a line that closes continues
  CHECK(skip(closing, 2) == closing.find("  b"));
}

TEST_CASE("deep nesting is skipped without recursion") {
  std::string text = "a = " + std::string(100000, '(') + "\nnext";
  CHECK(skip(text, 0) == text.size() - 4);
}

TEST_CASE("a top-level declaration starts at column 0 with a keyword and a name") {
  auto starts = [](std::string_view text, size_t at) {
    const char* b = text.data();
    return flowc::syntax::starts_toplevel_declaration(b, b + at, b + text.size());
  };
  CHECK(starts("workflow w {", 0));
  CHECK(starts("x\nroute r {", 2));
  CHECK(starts("x\nextern fn f() -> int", 2));
  CHECK_FALSE(starts("x\n  workflow w {", 4));      // indented
  CHECK_FALSE(starts("x\ntarget = warehouse", 2));  // an attribute, not a declaration
  CHECK_FALSE(starts("x\ntask t {", 2));            // a nested block kind
}

TEST_CASE("top-level recovery resumes at the next line that may start an item, past what the line opened") {
  auto skip_top = [](std::string_view text) {
    const char* begin = text.data();
    return static_cast<size_t>(flowc::syntax::skip_top_level(begin, begin, begin + text.size()) - begin);
  };
  CHECK(skip_top("garbage\nmore\nworkflow w {\n") == 8);  // `more` is reported too
  CHECK(skip_top("garbage\n## doc\nfn f() -> int\n") == 8);
  CHECK(skip_top("garbage\n  target = x\n") == 21);                // indented: not a top-level item
  CHECK(skip_top("workflow {\n  owner = x\n}\nroute r {") == 25);  // a broken header's body is skipped whole
  CHECK(skip_top("fn f(a: int\n# note\n}\nx") == 21);              // an unclosed `(`, a comment, a stray `}`
  // A broken header whose `}` is missing stops at the next declaration.
  CHECK(skip_top("workflow {\n  owner = x\n\nworkflow w {\n}\n") == 24);
}

TEST_CASE("a brace later on a block header line is found outside strings") {
  auto find = [](std::string_view text) {
    const char* brace = flowc::syntax::find_brace_on_line(text.data(), text.data() + text.size());
    return brace == nullptr ? -1 : static_cast<int>(brace - text.data());
  };
  CHECK(find("b c {") == 4);
  CHECK(find("\"{\" {") == 4);
  CHECK(find("b # {") == -1);
  CHECK(find("b\n{") == -1);
}
