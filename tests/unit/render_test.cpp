// The human (rustc-style) renderer: exact text for single-line, multi-line and
// empty ranges, non-ASCII text, tabs, CRLF files, notes, colour.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "compiler/diagnostics/render.h"
#include "tests/unit/render_test_support.h"

using namespace flowc;
using render_test::find;
using render_test::make;
using render_test::point;

namespace {

std::string human(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                  bool color = false) {
  std::ostringstream out;
  render_human(diagnostics, sources, out, RenderOptions{color});
  return out.str();
}

// 41 comment lines, then the line the examples point at (line 42).
std::string kpi_text() {
  std::string text;
  for (int i = 1; i <= 41; ++i) text += "# line " + std::to_string(i) + "\n";
  text += "    after = [stage_ordrs]\n}\n";
  return text;
}

}  // namespace

TEST_CASE("human: unknown name with a help, gutter sized by a two-digit line") {
  SourceManager sources;
  FileId f = sources.add("examples/daily_kpi/kpi.flow", kpi_text());
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "stage_ordrs"), "unknown task `stage_ordrs`");
  d.helps.push_back("did you mean `stage_orders`?");
  CHECK(human({d}, sources) ==
        "error[E0101]: unknown task `stage_ordrs`\n"
        "  --> examples/daily_kpi/kpi.flow:42:14\n"
        "   |\n"
        "42 |     after = [stage_ordrs]\n"
        "   |              ^^^^^^^^^^^\n"
        "   |\n"
        "   = help: did you mean `stage_orders`?\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("human: a zero-width range gets one caret, also past the end of the line") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "task x {\n  a = 1\n");
  uint32_t end_of_first_line = 8;
  Diagnostic d = make(DiagKind::UnclosedBracket, point(f, end_of_first_line), "`{` is never closed");
  CHECK(human({d}, sources) ==
        "error[E0007]: `{` is never closed\n"
        " --> a.flow:1:9\n"
        "  |\n"
        "1 | task x {\n"
        "  |         ^\n"
        "\n"
        "error: 1 error emitted\n");
  Diagnostic at_start = make(DiagKind::ExpectedSyntax, point(f, 0), "expected a declaration");
  CHECK(human({at_start}, sources).find("1 | task x {\n  | ^\n") != std::string::npos);
}

TEST_CASE("human: a range over two lines underlines both, without the indentation") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "x = [a,\n     b]\ny = 1\n");
  SourceRange range{f, 4, 15};  // "[a,\n     b]"
  Diagnostic d = make(DiagKind::TypeMismatch, range, "expected `string`, found `list<column>`");
  CHECK(human({d}, sources) ==
        "error[E0201]: expected `string`, found `list<column>`\n"
        " --> a.flow:1:5\n"
        "  |\n"
        "1 | x = [a,\n"
        "  |     ^^^\n"
        "2 |      b]\n"
        "  |      ^^\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("human: a range ending at a line start does not show the next line") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "abc\ndef\n");
  Diagnostic d = make(DiagKind::InvalidCharacter, SourceRange{f, 1, 4}, "bad");
  CHECK(human({d}, sources) ==
        "error[E0001]: bad\n"
        " --> a.flow:1:2\n"
        "  |\n"
        "1 | abc\n"
        "  |  ^^\n"
        "\n"
        "error: 1 error emitted\n");
  Diagnostic whole_line = make(DiagKind::InvalidCharacter, SourceRange{f, 0, 4}, "bad");
  CHECK(human({whole_line}, sources).find("1 | abc\n  | ^^^\n\n") != std::string::npos);
}

TEST_CASE("human: a long range shows its first and last line with `...` between") {
  SourceManager sources;
  std::string text = "sql = \"\"\"\n";
  for (int i = 0; i < 8; ++i) text += "  select " + std::to_string(i) + "\n";
  text += "\"\"\"\n";
  FileId f = sources.add("long.flow", text);
  SourceRange range{f, 6, static_cast<uint32_t>(text.size() - 1)};  // the text block
  Diagnostic d = make(DiagKind::UnterminatedString, range, "text block");
  CHECK(human({d}, sources) ==
        "error[E0003]: text block\n"
        "  --> long.flow:1:7\n"
        "   |\n"
        " 1 | sql = \"\"\"\n"
        "   |       ^^^\n"
        "...\n"
        "10 | \"\"\"\n"
        "   | ^^^\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("human: non-ASCII text lines up by display column, not byte") {
  SourceManager sources;
  // "é" is 2 bytes and 1 column; "日本" is 6 bytes and 4 columns.
  FileId f = sources.add("u.flow", "a = \"é日本\" + zz\n");
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "zz"), "unknown name `zz`");
  Diagnostic wide = make(DiagKind::UnknownName, find(sources, f, "日本"), "wide");
  std::string out = human({d, wide}, sources);
  CHECK(out ==
        "error[E0101]: unknown name `zz`\n"
        " --> u.flow:1:18\n"  // the arrow keeps byte columns, like the json output
        "  |\n"
        "1 | a = \"é日本\" + zz\n"
        "  |               ^^\n"
        "\n"
        "error[E0101]: wide\n"
        " --> u.flow:1:8\n"
        "  |\n"
        "1 | a = \"é日本\" + zz\n"
        "  |       ^^^^\n"
        "\n"
        "error: 2 errors emitted\n");
}

TEST_CASE("human: a combining mark takes no column") {
  SourceManager sources;
  FileId f = sources.add("m.flow", "x = \"e\u0301\" + zz\n");  // "é" written as e + U+0301
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "zz"), "unknown name `zz`");
  CHECK(human({d}, sources).find(" --> m.flow:1:13\n  |\n1 | x = \"e\u0301\" + zz\n  |           ^^\n") !=
        std::string::npos);
}

TEST_CASE("human: a tab is four columns in the line and under it") {
  SourceManager sources;
  FileId f = sources.add("t.flow", "\tx\t= y\n");
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "y"), "unknown name `y`");
  CHECK(human({d}, sources) ==
        "error[E0101]: unknown name `y`\n"
        " --> t.flow:1:6\n"
        "  |\n"
        "1 |     x    = y\n"
        "  |            ^\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("human: CRLF line ends leave no carriage return in the output") {
  SourceManager sources;
  FileId f = sources.add("w.flow", "a = 1\r\nb = zz\r\n");
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "zz"), "unknown name `zz`");
  std::string out = human({d}, sources);
  CHECK(out.find('\r') == std::string::npos);
  CHECK(out ==
        "error[E0101]: unknown name `zz`\n"
        " --> w.flow:2:5\n"
        "  |\n"
        "2 | b = zz\n"
        "  |     ^^\n"
        "\n"
        "error: 1 error emitted\n");
  // A range running into the CRLF underlines only the visible text.
  Diagnostic to_eol = make(DiagKind::UnknownName, SourceRange{f, 4, 6}, "x");
  CHECK(human({to_eol}, sources).find("1 | a = 1\n  |     ^\n") != std::string::npos);
}

TEST_CASE("human: notes with and without locations, fix-it titles as helps") {
  SourceManager sources;
  std::string text;
  for (int i = 1; i <= 120; ++i) text += i == 3 ? "task orders {}\n" : i == 100 ? "task orders {}\n" : "\n";
  FileId f = sources.add("a.flow", text);
  Diagnostic d = make(DiagKind::DuplicateName, find(sources, f, "orders", 1), "duplicate task `orders`");
  d.notes.push_back(DiagNote{find(sources, f, "orders", 0), "first defined here"});
  d.notes.push_back(DiagNote{SourceRange{}, "names are global to the project"});
  d.helps.push_back("rename one of them");
  d.fixits.push_back(FixIt{find(sources, f, "orders", 1), "orders_2", "rename to `orders_2`"});
  d.fixits.push_back(FixIt{find(sources, f, "orders", 1), "x", ""});  // untitled: not shown
  // The gutter is three wide for every snippet because line 100 is shown.
  CHECK(human({d}, sources) ==
        "error[E0102]: duplicate task `orders`\n"
        "   --> a.flow:100:6\n"
        "    |\n"
        "100 | task orders {}\n"
        "    |      ^^^^^^\n"
        "    |\n"
        "    = note: names are global to the project\n"
        "    = help: rename one of them\n"
        "    = help: rename to `orders_2`\n"
        "note: first defined here\n"
        "   --> a.flow:3:6\n"
        "    |\n"
        "  3 | task orders {}\n"
        "    |      ^^^^^^\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("human: a note with a location follows the snippet after an empty gutter") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "task a {}\ntask a {}\n");
  FileId g = sources.add("b.flow", "\n\n\n\n\n\n\n\n\n\ntask a {}\n");
  Diagnostic d = make(DiagKind::DuplicateName, SourceRange{f, 15, 16}, "duplicate task `a`");
  d.notes.push_back(DiagNote{find(sources, g, "a", 1), "first defined here"});
  CHECK(human({d}, sources) ==
        "error[E0102]: duplicate task `a`\n"
        "  --> a.flow:2:6\n"
        "   |\n"
        " 2 | task a {}\n"
        "   |      ^\n"
        "   |\n"
        "note: first defined here\n"
        "  --> b.flow:11:6\n"
        "   |\n"
        "11 | task a {}\n"
        "   |      ^\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("human: a diagnostic without a file prints its header and its trailer only") {
  SourceManager sources;
  Diagnostic bare = make(DiagKind::InvalidUtf8, SourceRange{}, "cannot read `x.flow`");
  CHECK(human({bare}, sources) == "error[E0006]: cannot read `x.flow`\n\nerror: 1 error emitted\n");
  bare.helps.push_back("check the path");
  CHECK(human({bare}, sources) ==
        "error[E0006]: cannot read `x.flow`\n"
        "  |\n"
        "  = help: check the path\n"
        "\n"
        "error: 1 error emitted\n");
  Diagnostic unknown_file = make(DiagKind::InvalidUtf8, SourceRange{FileId{7}, 0, 1}, "gone");
  CHECK(human({unknown_file}, sources) == "error[E0006]: gone\n\nerror: 1 error emitted\n");
}

TEST_CASE("human: summary counts errors and warnings, nothing for no diagnostics") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "x\n");
  Diagnostic e = make(DiagKind::UnknownName, SourceRange{f, 0, 1}, "e");
  Diagnostic w = make(DiagKind::UnusedOutput, SourceRange{f, 0, 1}, "w");
  CHECK(human({}, sources).empty());
  std::string both = human({e, e, w}, sources);
  CHECK(both.ends_with("\n\nerror: 2 errors, 1 warning emitted\n"));
  CHECK(both.starts_with("error[E0101]: e\n"));
  CHECK(both.find("warning[W0404]: w\n") != std::string::npos);
  CHECK(human({w, w}, sources).ends_with("\n\nwarning: 2 warnings emitted\n"));
}

TEST_CASE("human: colour only when asked, rustc's palette") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "x = y\n");
  Diagnostic d = make(DiagKind::NoReadiness, find(sources, f, "y"), "no `ready`");
  d.helps.push_back("add one");
  CHECK(human({d}, sources).find('\x1b') == std::string::npos);
  const std::string bold = "\x1b[1m";
  const std::string reset = "\x1b[0m";
  auto paint = [&](std::string_view code, std::string_view text) {
    return bold + "\x1b[" + std::string(code) + "m" + std::string(text) + reset;
  };
  std::string expected = paint("93", "warning[W0401]") + bold + ": no `ready`" + reset + "\n" +   //
                         " " + paint("94", "-->") + " a.flow:1:5\n" +                             //
                         "  " + paint("94", "|") + "\n" +                                         //
                         paint("94", "1 |") + " x = y\n" +                                        //
                         "  " + paint("94", "|") + "     " + paint("93", "^") + "\n" +            //
                         "  " + paint("94", "|") + "\n" +                                         //
                         "  " + paint("94", "=") + " " + bold + "help" + reset + ": add one\n" +  //
                         "\n" +                                                                   //
                         paint("93", "warning") + bold + ": 1 warning emitted" + reset + "\n";
  CHECK(human({d}, sources, true) == expected);
}

TEST_CASE("human: control characters and bad UTF-8 are shown as symbols") {
  SourceManager sources;
  FileId f = sources.add("c.flow", std::string("a\x01\xff z\n"));
  Diagnostic d = make(DiagKind::InvalidUtf8, SourceRange{f, 2, 3}, "bad byte");
  CHECK(human({d}, sources).find("1 | a\u2401\uFFFD z\n  |   ^\n") != std::string::npos);
}

TEST_CASE("human: C1 controls in a source line are shown as the replacement character, each one column") {
  // U+009B is a CSI to some terminals: `\u009b31m` would turn the output red.
  SourceManager sources;
  FileId f = sources.add("c.flow", std::string("a \u009b31m \u0085 z\n"));
  Diagnostic d = make(DiagKind::InvalidCharacter, find(sources, f, "z"), "bad");
  std::string out = human({d}, sources);
  CHECK(out.find("\u009b") == std::string::npos);
  CHECK(out.find("\u0085") == std::string::npos);
  CHECK(out.find("1 | a \uFFFD31m \uFFFD z\n  |          ^\n") != std::string::npos);
}

TEST_CASE("human: control characters in messages, notes and helps are shown as symbols, not sent") {
  // Messages quote source text (a time zone, an invalid character); an escape
  // sequence in it must not reach the terminal, nor a line break that would
  // make a fake line of output.
  SourceManager sources;
  FileId f = sources.add("c.flow", "x = 1\n");
  Diagnostic d = make(DiagKind::InvalidSchedule, find(sources, f, "x"), "unknown time zone `\x1b[2J\x07\x7f`");
  d.notes.push_back(DiagNote{SourceRange{}, "plain \x1b]0;title\x07"});
  d.notes.push_back(DiagNote{find(sources, f, "1"), "located \r\x1b[31m"});
  d.helps.push_back("two\nlines\x1b\t");
  std::string out = human({d}, sources);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find('\x07') == std::string::npos);
  CHECK(out.find('\r') == std::string::npos);
  CHECK(out.find("unknown time zone `\u241B[2J\u2407\u2421`") != std::string::npos);
  CHECK(out.find("= note: plain \u241B]0;title\u2407") != std::string::npos);
  CHECK(out.find("note: located \u240D\u241B[31m") != std::string::npos);
  CHECK(out.find("= help: two\u240Alines\u241B\u2409\n") != std::string::npos);
}

TEST_CASE("human: a line break quoted from a string cannot make a fake line") {
  SourceManager sources;
  FileId f = sources.add("new\nline.flow", "x = 1\n");
  Diagnostic d = make(DiagKind::InvalidSchedule, find(sources, f, "x"),
                      "unknown time zone `x\n\nerror: 0 errors emitted\r`");
  CHECK(human({d}, sources) ==
        "error[E0204]: unknown time zone `x\u240A\u240Aerror: 0 errors emitted\u240D`\n"
        " --> new\u240Aline.flow:1:1\n"
        "  |\n"
        "1 | x = 1\n"
        "  | ^\n"
        "\n"
        "error: 1 error emitted\n");
}
