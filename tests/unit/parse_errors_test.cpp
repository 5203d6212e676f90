// The parser on broken and hostile input: one diagnostic per error with what
// was expected, recovery that keeps the rest of the file, no PEGTL internals
// in messages, bounded nesting, linear time, and encoding checks.
#include <chrono>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "tests/unit/parse_dump.h"

using flowc::Diagnostic;
using flowc::FixIt;
using flowc::test::dump;
using flowc::test::parse_text;
using flowc::test::Parsed;
using namespace flowc::syntax;

namespace {

std::vector<std::string> codes(const Parsed& p) { return p.codes(); }

const Diagnostic& only(const Parsed& p) {
  REQUIRE(p.diagnostics.diagnostics().size() == 1);
  return p.diagnostics.diagnostics()[0];
}

// No diagnostic may show PEGTL's default text or internal rule names.
void check_clean_messages(const Parsed& p) {
  for (const Diagnostic& d : p.diagnostics.diagnostics()) {
    CHECK(d.message.find("pegtl") == std::string::npos);
    CHECK(d.message.find("grammar::") == std::string::npos);
    CHECK(d.message.find("parse error matching") == std::string::npos);
    CHECK(d.range.end <= p.text().size());
    CHECK(d.range.begin <= d.range.end);
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("five independent syntax errors give five diagnostics and the rest of the file is kept") {
  auto p = parse_text(
      "workflow w {\n"
      "  owner \"analytics\"\n"  // 1: missing `=`
      "  target =\n"             // 2: missing value
      "  retries = 3 4\n"        // 3: junk after the value
      "  task broken {\n"
      "    x = f(a, b\n"  // 4: unclosed call
      "  }\n"
      "  label = \"unterminated\n"  // 5: unterminated string
      "  task later {\n"
      "    writes = \"later\"\n"
      "  }\n"
      "}\n"
      "route r { owner = \"x\" }\n");
  CHECK(codes(*p) == std::vector<std::string>{"E0002", "E0002", "E0002", "E0007", "E0003"});
  check_clean_messages(*p);
  // Broken attributes stay as Error placeholders, so the checker does not
  // report them missing; good blocks and members are intact.
  CHECK(dump(p->tree) ==
        "workflow w {owner=<error>; target=<error>; retries=int:3; task broken {x=<error>}; label=<error>; "
        "task later {writes=(str 'later')}}\n"
        "route r {owner=(str 'x')}");
}

TEST_CASE("errors say what was expected, with the offending token's range") {
  auto p = parse_text("workflow w {\n  owner \"analytics\"\n}\n");
  const Diagnostic& d = only(*p);
  CHECK(d.code() == "E0002");
  CHECK(d.message == "expected `=` after attribute name `owner`");
  CHECK(p->at(d.range) == "\"");
  CHECK(p->sources.buffer(p->file).line_col(d.range.begin).column == 9);

  auto q = parse_text("workflow w {\n  owner =\n}\n");
  CHECK(only(*q).message == "expected a value after `owner =`");
  CHECK(q->at(only(*q).range).empty());  // at the end of the line
  // The same with CRLF and `\r\r\n` line ends: at the end of the line, not after its CRs.
  for (const char* ending : {"\r\n", "\r\r\n"}) {
    const std::string e = ending;
    auto crlf = parse_text("workflow w {" + e + "  owner =" + e + "}" + e);
    CHECK(crlf->sources.buffer(crlf->file).line_col(only(*crlf).range.begin).column ==
          q->sources.buffer(q->file).line_col(only(*q).range.begin).column);
    CHECK(crlf->sources.buffer(crlf->file).line_col(only(*crlf).range.begin).line == 2);
  }

  CHECK(only(*parse_text("task {\n}\n")).message == "expected a name after `task`");
  CHECK(only(*parse_text("workflow w {\n  param : int\n}\n")).message ==
        "expected a parameter name after `param`");
  CHECK(only(*parse_text("workflow w {\n  param ds date\n}\n")).message ==
        "expected `:` and a type after parameter name `ds`");
  CHECK(only(*parse_text("workflow w {\n  expect\n}\n")).message == "expected a condition after `expect`");
  CHECK(only(*parse_text("workflow w {\n  expect a else maybe\n}\n")).message ==
        "expected `warn` or `fail` after `else`");
  CHECK(only(*parse_text("workflow w {\n  expect a as b\n}\n")).message ==
        "expected a string label after `as`");
  CHECK(only(*parse_text("workflow w {\n  x = a and\n}\n")).message == "expected an expression after `and`");
  CHECK(only(*parse_text("workflow w {\n  x = a <\n}\n")).message == "expected an expression after `<`");
  CHECK(only(*parse_text("workflow w {\n  x = a change 5\n}\n")).message ==
        "expected a comparison operator (`<`, `<=`, `>`, `>=`, `==` or `!=`) after `change`");
  CHECK(only(*parse_text("workflow w {\n  x = a.\n}\n")).message == "expected a name after `.`");
  CHECK(only(*parse_text("workflow w {\n  x = f(tz = )\n}\n")).message ==
        "expected a value for argument `tz` after `=`");
  CHECK(only(*parse_text("workflow w {\n  x = f(a b)\n}\n")).message ==
        "expected `,` or `)` after the argument of `f`");
  CHECK(only(*parse_text("workflow w {\n  x = [a b]\n}\n")).message ==
        "expected `,` or `]` after the list element");
  CHECK(only(*parse_text("fn f(a: int) int\n")).message ==
        "expected `->` and a result type after the parameters of `f`");
  CHECK(only(*parse_text("extern row_count() -> int\n")).message == "expected `fn` after `extern`");
  CHECK(only(*parse_text("fn f(a) -> int\n")).message == "expected `:` and a type after parameter name `a`");
  CHECK(only(*parse_text("fn f() -> list<int\n")).code() == "E0007");
  CHECK(only(*parse_text("x = 1\n")).message ==
        "expected a declaration (`workflow`, `target`, `route`, `legacy`, `project`, `fn` or `extern fn`)");
}

TEST_CASE("a lone CR ends a comment: what follows it is read, on the line an editor shows, never ignored") {
  auto p = parse_text("workflow w {\n  timeout = 5m  # the default\r  retry = retry(0)\n}\n");
  const Diagnostic& d = only(*p);
  CHECK(d.code() == "E0002");
  CHECK(p->at(d.range) == "retry");
  flowc::LineCol at = p->sources.buffer(p->file).line_col(d.range.begin);
  CHECK(at.line == 3);  // the editor's line 3: the CR ended line 2
  CHECK(at.column == 3);
}

TEST_CASE("a missing `}` is E0007 at the spot with a note at the opening brace") {
  auto p = parse_text("workflow w {\n  a = 1\nroute r {\n}\n");
  const Diagnostic& d = only(*p);
  CHECK(d.code() == "E0007");
  CHECK(d.message == "expected `}` to close the `workflow` block opened here");
  CHECK(p->at(d.range) == "route");  // a declaration at column 0 ends the open block
  REQUIRE(d.notes.size() == 1);
  CHECK(p->at(d.notes[0].range) == "{");
  CHECK(d.notes[0].range.begin == 11);
  CHECK(dump(p->tree) == "workflow w {!a=int:1}\nroute r {}");
  CHECK_FALSE(p->tree.block(p->tree.decls[0].block).closed);

  auto eof = parse_text("workflow w {\n  task t {\n    a = 1\n");
  const Diagnostic& e = only(*eof);  // one diagnostic for both unclosed blocks
  CHECK(e.message == "expected `}` to close the `task` block opened here");
  CHECK(e.range.begin == eof->text().size());
}

TEST_CASE("indentation tells which block lost its `}`") {
  // The `}` at column 0 closes `task t`, but was meant for the workflow.
  auto p = parse_text("workflow w {\n  task t {\n    a = 1\n}\nroute r {\n}\n");
  const Diagnostic& d = only(*p);
  CHECK(d.message == "expected `}` to close the `task` block opened here");
  CHECK(p->at(d.range) == "}");
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].range.begin == 22);  // the task's `{`
  CHECK(dump(p->tree) == "workflow w {!task t {a=int:1}}\nroute r {}");

  // A member indented like the task's keyword is where its `}` was expected.
  auto q =
      parse_text("workflow w {\n  task a {\n    x = 1\n  task b {\n    y = 2\n  }\n  task c {\n  }\n}\n");
  const Diagnostic& e = only(*q);
  CHECK(e.message == "expected `}` to close the `task` block opened here");
  CHECK(q->at(e.range) == "task");
  CHECK(q->sources.buffer(q->file).line_col(e.range.begin).line == 4);
  CHECK(q->sources.buffer(q->file).line_col(e.notes.at(0).range.begin).line == 2);

  // Without an error, indentation means nothing.
  auto flat = parse_text("workflow w {\ntask t {\nx = 1\n}\n}\n");
  CHECK(flat->diagnostics.diagnostics().empty());
}

TEST_CASE("unclosed and stray brackets") {
  auto p = parse_text("workflow w {\n  a = f(x\n  b = 2\n}\n");
  const Diagnostic& d = only(*p);
  CHECK(d.code() == "E0007");
  CHECK(d.message == "expected `)` to close the call to `f`");
  CHECK(p->at(d.range) == "b");
  REQUIRE(d.notes.size() == 1);
  CHECK(p->at(d.notes[0].range) == "(");
  CHECK(dump(p->tree) == "workflow w {a=<error>; b=int:2}");

  auto stray = parse_text("workflow w {\n  a = (b))\n  ]\n}\n}\n");
  CHECK(codes(*stray) == std::vector<std::string>{"E0009", "E0009", "E0009"});
  CHECK(stray->diagnostics.diagnostics()[0].message == "unexpected `)`: it closes nothing");
  CHECK(dump(stray->tree) == "workflow w {a=(paren b)}");
}

TEST_CASE("invalid characters are E0001 over the whole character") {
  auto p = parse_text("workflow w {\n  a = @b\n  c = 1 ; \n  é = 2\n}\n");
  CHECK(codes(*p) == std::vector<std::string>{"E0001", "E0001", "E0001"});
  CHECK(p->diagnostics.diagnostics()[0].message ==
        "expected a value after `a =`, found invalid character `@`");
  CHECK(p->at(p->diagnostics.diagnostics()[2].range) == "é");
  CHECK(dump(p->tree) == "workflow w {a=<error>; c=int:1}");
}

TEST_CASE("string errors: unterminated (E0003), bad escapes (E0004), bad interpolations (E0008)") {
  auto p = parse_text("workflow w {\n  a = \"abc\n  b = 1\n}\n");
  CHECK(only(*p).code() == "E0003");
  CHECK(p->at(only(*p).range) == "\"abc");
  CHECK(dump(p->tree) == "workflow w {a=<error>; b=int:1}");

  auto tb = parse_text("workflow w {\n  a = \"\"\"\n  select\n}\n");
  CHECK(only(*tb).code() == "E0003");
  CHECK(tb->at(only(*tb).range) == "\"\"\"");

  auto esc = parse_text("workflow w {\n  a = \"\\q \\u{D800} \\u{110000} ok\"\n}\n");
  CHECK(codes(*esc) == std::vector<std::string>{"E0004", "E0004", "E0004"});
  CHECK(esc->at(esc->diagnostics.diagnostics()[0].range) == "\\q");
  CHECK(esc->diagnostics.diagnostics()[0].message ==
        "unknown escape `\\q` (valid escapes: `\\\"`, `\\\\`, `\\n`, `\\t`, `\\u{HEX}`)");
  CHECK(esc->diagnostics.diagnostics()[1].message ==
        "invalid escape `\\u{D800}`: not a Unicode scalar value");
  // An unknown escape's fix doubles the backslash (a regex's `\d`); a bad
  // `\u{...}` gets none: its backslash was meant as an escape.
  REQUIRE(esc->diagnostics.diagnostics()[0].fixits.size() == 1);
  const FixIt& doubled = esc->diagnostics.diagnostics()[0].fixits[0];
  CHECK(esc->at(doubled.range) == "\\q");
  CHECK(doubled.replacement == "\\\\q");
  CHECK(doubled.title == "write `\\\\q`");
  CHECK(esc->diagnostics.diagnostics()[1].fixits.empty());
  CHECK(esc->diagnostics.diagnostics()[2].fixits.empty());
  auto nul = parse_text("workflow w {\n  a = \"x\\u{0}y \\u{000000}\"\n}\n");
  CHECK(codes(*nul) == std::vector<std::string>{"E0004", "E0004"});
  CHECK(nul->at(nul->diagnostics.diagnostics()[0].range) == "\\u{0}");
  CHECK(nul->diagnostics.diagnostics()[0].message ==
        "invalid escape `\\u{0}`: a string cannot hold a NUL character");

  auto empty = parse_text("workflow w {\n  a = \"x ${} y\"\n}\n");
  CHECK(only(*empty).code() == "E0008");
  CHECK(only(*empty).message == "empty interpolation: write an expression inside `${}`");
  auto unclosed = parse_text("workflow w {\n  a = \"x ${y z\"\n}\n");
  CHECK(only(*unclosed).code() == "E0008");
  CHECK(only(*unclosed).message == "expected `}` to close the interpolation opened here");
  REQUIRE(only(*unclosed).notes.size() == 1);
  CHECK(unclosed->at(only(*unclosed).notes[0].range) == "${");
}

TEST_CASE("junk before a block's `{` is reported and the block is still parsed") {
  auto p = parse_text("workflow w {\n  task a b {\n    x = 1\n  }\n}\n");
  CHECK(only(*p).message == "expected `{` after `task a`");
  CHECK(p->at(only(*p).range) == "b");
  CHECK(dump(p->tree) == "workflow w {task a {x=int:1}}");
}

TEST_CASE("top-level recovery resumes at the next declaration") {
  auto p = parse_text("workflow {\n  a = 1\n}\nroute r {}\n)\nfn f( -> int\nroute s {}\n");
  CHECK(codes(*p) == std::vector<std::string>{"E0002", "E0009", "E0002"});
  // The broken `fn` is kept by its name (FnDecl::recovered), without types.
  CHECK(dump(p->tree) == "route r {}\nfn f()->_\nroute s {}");
  CHECK(p->tree.fns.front().recovered);
  check_clean_messages(*p);
}

TEST_CASE("messages never leak PEGTL internals and parse never throws, whatever the damage") {
  const std::string good =
      "workflow w {\n  owner = \"a\"\n  x = f(a, [1, 2], \"s ${b.c} t\", k = (d or not e) < 5%)\n"
      "  param p: list<int> = [1]\n  expect g(h) in 1 .. 2 else warn as \"l\"\n"
      "  task t {\n    sql = \"\"\"\n      select ${s}\n    \"\"\"\n  }\n}\n"
      "extern fn g(a: column...) -> metric<int>\n";
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    std::string text = good;
    for (int k = 0; k < 3; ++k) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1 + rng() % 3); break;
        case 1: text.insert(at, 1, "(){}[]\"$#=.,<>:\n@x1"[rng() % 19]); break;
        default: std::swap(text[at], text[rng() % text.size()]); break;
      }
    }
    auto p = parse_text(text);
    check_clean_messages(*p);
  }
}

TEST_CASE("nesting 10,000 deep is one E0002, not a stack overflow") {
  const int n = 10000;
  const std::vector<std::string> values = {
      std::string(n, '(') + "a" + std::string(n, ')'),
      std::string(n, '[') + std::string(n, ']'),
      [&] {
        std::string s;
        for (int i = 0; i < n; ++i) s += "not ";
        return s + "a";
      }(),
      [&] {
        std::string s;
        for (int i = 0; i < n; ++i) s += "f(";
        return s + std::string(n, ')');
      }(),
      [&] {
        std::string s = "\"";
        for (int i = 0; i < n; ++i) s += "${\"";
        return s;
      }(),
  };
  for (const std::string& v : values) {
    auto p = parse_text("workflow w {\n  x = " + v + "\n  y = 1\n}\n");
    const Diagnostic& d = only(*p);
    CHECK(d.code() == "E0002");
    CHECK(d.message == "nesting is too deep: more than 200 levels of brackets, blocks or `not`");
    CHECK(dump(p->tree) == "workflow w {x=<error>; y=int:1}");
  }
  std::string types = "fn f(a: ";
  for (int i = 0; i < n; ++i) types += "list<";
  auto t = parse_text(types + "int" + std::string(n, '>') + ") -> int\nroute r {}\n");
  CHECK(codes(*t) == std::vector<std::string>{"E0002"});
  CHECK(dump(t->tree) == "fn f()->_\nroute r {}");  // kept by name; the too deep parameter is not
  std::string blocks;
  for (int i = 0; i < n; ++i) blocks += "task t" + std::to_string(i) + " {\n";
  auto b = parse_text(blocks);  // recovery swallows the rest: the missing `}`s are not reported again
  CHECK(codes(*b) == std::vector<std::string>{"E0002"});
}

TEST_CASE("a chain of 20,000 operators is one E0002 at the operator past the limit, not a stack overflow") {
  // Left-associative chains nest one level per operator without brackets.
  const int n = 20000;
  auto chain = [&](std::string_view first, std::string_view link) {
    std::string s(first);
    for (int i = 1; i < n; ++i) s.append(link).append(first);
    return s;
  };
  const std::vector<std::string> values = {
      chain("row_count() > 0", " or "),
      chain("a", " and "),
      "(" + chain("a", "\n      or ") + ")",  // newlines inside brackets
      "a" + chain("", ".b"),
      "f" + chain("", "()"),
      "\"${" + chain("a", " or ") + "}\"",
  };
  for (const std::string& v : values) {
    auto p = parse_text("workflow w {\n  x = " + v + "\n  y = 1\n}\n");
    const Diagnostic& d = only(*p);
    CHECK(d.code() == "E0002");
    CHECK(d.message ==
          "expression is too deep: more than 1000 levels of operators (`or`, `and`, `.`, calls) and brackets");
    CHECK(dump(p->tree) == "workflow w {x=<error>; y=int:1}");
  }
  // The caret is on the operator that went past the limit.
  auto p = parse_text("workflow w {\n  x = " + chain("a", " or ") + "\n}\n");
  const Diagnostic& d = only(*p);
  CHECK(p->at(d.range) == "or");
  // Brackets and chains add up: 150 levels of brackets around chains of 10.
  std::string nested = "a";
  for (int i = 0; i < 150; ++i) nested = "(" + nested + " or a or a or a or a or a or a or a or a or a)";
  auto q = parse_text("workflow w {\n  x = " + nested + "\n}\n");
  CHECK(codes(*q) == std::vector<std::string>{"E0002"});
}

TEST_CASE("a chain of 900 operators parses") {
  std::string s = "a";
  for (int i = 0; i < 900; ++i) s += " or a";
  auto p = parse_text("workflow w {\n  x = " + s + "\n}\n");
  CHECK(p->diagnostics.diagnostics().empty());
}

TEST_CASE("nesting within the limit parses") {
  auto p = parse_text("workflow w {\n  x = " + std::string(150, '(') + "a" + std::string(150, ')') + "\n}\n");
  CHECK(p->diagnostics.diagnostics().empty());
}

TEST_CASE("a 10 MB line parses in linear time") {
  std::string big_string(10'000'000, 'x');
  auto start = std::chrono::steady_clock::now();
  auto p = parse_text("workflow w {\n  sql = \"" + big_string + "\"\n  y = 1\n}\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(p->tree.string_parts.at(0).text.size() == big_string.size());
  std::string list = "workflow w {\n  x = [";
  while (list.size() < 10'000'000) list += "\"abcdefghij\", ";
  auto q = parse_text(list + "]\n}\n");
  CHECK(q->diagnostics.diagnostics().empty());
  std::string junk = "workflow w {\n  x = a";
  while (junk.size() < 10'000'000) junk += " b(";
  auto r = parse_text(junk + "\n  y = 1\n}\n");
  CHECK(codes(*r) == std::vector<std::string>{"E0002"});
  CHECK(dump(r->tree) == "workflow w {x=a; y=int:1}");
  CHECK(seconds_since(start) < 20.0);  // generous for a loaded machine; quadratic would take hours
}

TEST_CASE("a 50,000-line file parses in linear time") {
  std::string text = "workflow w {\n";
  for (int i = 0; i < 50000; ++i) text += "  a" + std::to_string(i) + " = f(x, \"y ${z}\") and b < 5%  # c\n";
  text += "}\n";
  auto start = std::chrono::steady_clock::now();
  auto p = parse_text(text);
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(p->tree.block(p->tree.decls[0].block).members.size() == 50000);
  CHECK(p->tree.comments.size() == 50000);
  CHECK(seconds_since(start) < 10.0);
}

TEST_CASE("invalid UTF-8 or a NUL byte: one E0006 at the first bad byte and an empty tree") {
  auto p = parse_text("workflow w {\n  a = \"caf\xC3\"\n  b = \"\xFF\"\n}\n");
  const Diagnostic& d = only(*p);
  CHECK(d.code() == "E0006");
  CHECK(d.range.begin == 23);
  CHECK(p->tree.decls.empty());
  CHECK(p->tree.exprs.empty());

  std::string binary = "workflow w {\n  a = 1\n}\n";
  const size_t first_nul = binary.size();
  binary += std::string(3, '\0') + "\xFF";
  auto nul = parse_text(binary);
  CHECK(only(*nul).code() == "E0006");
  CHECK(only(*nul).range.begin == first_nul);
  CHECK(nul->tree.decls.empty());

  auto overlong = parse_text("# \xC0\xAF\n");
  CHECK(only(*overlong).code() == "E0006");
  CHECK(only(*overlong).range.begin == 2);
}
