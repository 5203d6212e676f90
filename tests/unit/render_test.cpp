#include "compiler/diagnostics/render.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

using namespace flowc;

namespace {

// The range of the `occurrence`-th appearance of `needle` in `file`.
SourceRange find(const SourceManager& sources, FileId file, std::string_view needle, int occurrence = 0) {
  std::string_view text = sources.buffer(file).text();
  size_t at = text.find(needle);
  for (int i = 0; i < occurrence; ++i) at = text.find(needle, at + 1);
  REQUIRE(at != std::string_view::npos);
  return SourceRange{file, static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())};
}

SourceRange point(FileId file, uint32_t offset) { return SourceRange{file, offset, offset}; }

Diagnostic make(DiagKind kind, SourceRange range, std::string message) {
  Diagnostic d;
  d.kind = kind;
  d.severity = info(kind).severity;
  d.range = range;
  d.message = std::move(message);
  return d;
}

std::string human(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, bool color = false) {
  std::ostringstream out;
  render_human(diagnostics, sources, out, RenderOptions{color});
  return out.str();
}

std::string github(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources) {
  std::ostringstream out;
  render_github(diagnostics, sources, out);
  return out.str();
}

nlohmann::json json_of(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources) {
  std::ostringstream out;
  render_json(diagnostics, sources, out);
  return nlohmann::json::parse(out.str());
}

nlohmann::json sarif_of(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources) {
  std::ostringstream out;
  render_sarif(diagnostics, sources, out);
  return nlohmann::json::parse(out.str());
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
  SourceRange range{f, 4, 14};  // "[a,\n     b]"
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
        "  |              ^^\n"
        "\n"
        "error[E0101]: wide\n"
        " --> u.flow:1:8\n"
        "  |\n"
        "1 | a = \"é日本\" + zz\n"
        "  |       ^^^^\n"
        "\n"
        "error: 2 errors emitted\n");
}

TEST_CASE("human: a tab is four columns in the line and under it") {
  SourceManager sources;
  FileId f = sources.add("t.flow", "\tx\t= y\n");
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "y"), "unknown name `y`");
  CHECK(human({d}, sources) ==
        "error[E0101]: unknown name `y`\n"
        " --> t.flow:1:5\n"
        "  |\n"
        "1 |     x    = y\n"
        "  |           ^\n"
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

TEST_CASE("human: summary counts errors and warnings; nothing for no diagnostics") {
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

TEST_CASE("human: a multi-line help or note lines up under its first line") {
  SourceManager sources;
  Diagnostic d = make(DiagKind::DependencyCycle, SourceRange{}, "dependency cycle");
  d.notes.push_back(DiagNote{SourceRange{}, "a -> b\nb -> a"});
  CHECK(human({d}, sources) ==
        "error[E0301]: dependency cycle\n"
        "  |\n"
        "  = note: a -> b\n"
        "          b -> a\n"
        "\n"
        "error: 1 error emitted\n");
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
  std::string expected = paint("93", "warning[W0401]") + bold + ": no `ready`" + reset + "\n" +  //
                         " " + paint("94", "-->") + " a.flow:1:5\n" +                                //
                         "  " + paint("94", "|") + "\n" +                                            //
                         paint("94", "1 |") + " x = y\n" +                                           //
                         "  " + paint("94", "|") + "     " + paint("93", "^") + "\n" +               //
                         "  " + paint("94", "|") + "\n" +                                            //
                         "  " + paint("94", "=") + " " + bold + "help" + reset + ": add one\n" +     //
                         "\n" +                                                                      //
                         paint("93", "warning") + bold + ": 1 warning emitted" + reset + "\n";
  CHECK(human({d}, sources, true) == expected);
}

TEST_CASE("human: control characters and bad UTF-8 are shown as symbols") {
  SourceManager sources;
  FileId f = sources.add("c.flow", std::string("a\x01\xff z\n"));
  Diagnostic d = make(DiagKind::InvalidUtf8, SourceRange{f, 2, 3}, "bad byte");
  CHECK(human({d}, sources).find("1 | a\u2401\uFFFD z\n  |   ^\n") != std::string::npos);
}

TEST_CASE("json: fields, positions in bytes and UTF-16, notes, helps, fix-its") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "x = \"😀\" + zz\n");
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "zz"), "unknown name `zz`");
  d.notes.push_back(DiagNote{find(sources, f, "x"), "declared here"});
  d.notes.push_back(DiagNote{SourceRange{}, "no location"});
  d.helps.push_back("did you mean `x`?");
  d.fixits.push_back(FixIt{find(sources, f, "zz"), "x", "replace with `x`"});
  Diagnostic bare = make(DiagKind::BroadRetry, SourceRange{}, "broad");

  nlohmann::json out = json_of({d, bare}, sources);
  REQUIRE(out.is_array());
  REQUIRE(out.size() == 2);
  const nlohmann::json& first = out[0];
  CHECK(first["code"] == "E0101");
  CHECK(first["severity"] == "error");
  CHECK(first["message"] == "unknown name `zz`");
  CHECK(first["file"] == "a.flow");
  CHECK(first["line"] == 1);
  CHECK(first["column"] == 14);  // "x = \"" 5 bytes + 4-byte emoji + "\" + " 4 bytes
  CHECK(first["end_line"] == 1);
  CHECK(first["end_column"] == 16);
  CHECK(first["utf16"]["column"] == 12);  // the emoji is two UTF-16 units
  CHECK(first["utf16"]["end_column"] == 14);
  REQUIRE(first["notes"].size() == 2);
  CHECK(first["notes"][0]["message"] == "declared here");
  CHECK(first["notes"][0]["line"] == 1);
  CHECK(first["notes"][0]["column"] == 1);
  CHECK(first["notes"][1]["file"].is_null());
  CHECK(first["helps"] == nlohmann::json::array({"did you mean `x`?"}));
  REQUIRE(first["fixits"].size() == 1);
  CHECK(first["fixits"][0]["column"] == 14);
  CHECK(first["fixits"][0]["end_column"] == 16);
  CHECK(first["fixits"][0]["replacement"] == "x");
  CHECK(first["fixits"][0]["title"] == "replace with `x`");
  CHECK(out[1]["severity"] == "warning");
  CHECK(out[1]["line"].is_null());
  CHECK(out[1]["utf16"].is_null());
}

TEST_CASE("json: keys in a stable order, empty input is an empty array") {
  SourceManager sources;
  std::ostringstream empty;
  render_json({}, sources, empty);
  CHECK(empty.str() == "[]\n");
  FileId f = sources.add("a.flow", "x\n");
  std::ostringstream out;
  render_json({make(DiagKind::UnknownName, SourceRange{f, 0, 1}, "m")}, sources, out);
  std::string text = out.str();
  std::vector<std::string> keys = {"\"code\"",       "\"severity\"", "\"message\"", "\"file\"",
                                   "\"line\"",       "\"column\"",   "\"end_line\"", "\"end_column\"",
                                   "\"utf16\"",      "\"notes\"",    "\"helps\"",    "\"fixits\""};
  size_t at = 0;
  for (const std::string& key : keys) {
    size_t next = text.find(key, at);
    CHECK_MESSAGE(next != std::string::npos, key);
    at = next;
  }
}

TEST_CASE("json: invalid UTF-8 in a message does not throw") {
  SourceManager sources;
  std::ostringstream out;
  render_json({make(DiagKind::InvalidUtf8, SourceRange{}, std::string("bad \xff"))}, sources, out);
  CHECK(nlohmann::json::parse(out.str())[0]["message"] == "bad \uFFFD");
}

TEST_CASE("sarif: a 2.1.0 log with every rule, results, related locations and fixes") {
  SourceManager sources;
  FileId f = sources.add("dir with space/é.flow", "x = \"😀\" + zz\nyy\n");
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "zz"), "unknown name `zz`");
  d.notes.push_back(DiagNote{find(sources, f, "yy"), "similar here"});
  d.notes.push_back(DiagNote{SourceRange{}, "names are global"});
  d.helps.push_back("did you mean `x`?");
  d.fixits.push_back(FixIt{find(sources, f, "zz"), "x", "replace with `x`"});
  Diagnostic w = make(DiagKind::UnusedOutput, SourceRange{}, "unused");
  FileId abs = sources.add("/abs/p.flow", "q\n");
  Diagnostic a = make(DiagKind::UnknownName, SourceRange{abs, 0, 1}, "abs");

  nlohmann::json log = sarif_of({d, w, a}, sources);
  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const nlohmann::json& run = log["runs"][0];
  CHECK(run["columnKind"] == "utf16CodeUnits");
  const nlohmann::json& driver = run["tool"]["driver"];
  CHECK(driver["name"] == "flowc");
  CHECK(driver["informationUri"].get<std::string>().starts_with("https://"));
  REQUIRE(driver["rules"].size() == all_kinds().size());
  for (size_t i = 0; i < all_kinds().size(); ++i) {
    CHECK(driver["rules"][i]["id"] == std::string(all_kinds()[i].code));
    CHECK(driver["rules"][i]["name"] == std::string(all_kinds()[i].id));
    CHECK(driver["rules"][i]["shortDescription"]["text"] == std::string(all_kinds()[i].summary));
  }
  REQUIRE(run["results"].size() == 3);
  const nlohmann::json& r = run["results"][0];
  CHECK(r["ruleId"] == "E0101");
  REQUIRE(r["ruleIndex"].is_number_unsigned());
  CHECK(driver["rules"][r["ruleIndex"].get<size_t>()]["id"] == "E0101");
  CHECK(r["level"] == "error");
  CHECK(r["message"]["text"] == "unknown name `zz`\nnote: names are global\nhelp: did you mean `x`?");
  const nlohmann::json& loc = r["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "dir%20with%20space/%C3%A9.flow");
  CHECK(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(loc["region"] == nlohmann::json{{"startLine", 1}, {"startColumn", 12}, {"endLine", 1}, {"endColumn", 14}});
  REQUIRE(r["relatedLocations"].size() == 1);
  CHECK(r["relatedLocations"][0]["id"] == 0);
  CHECK(r["relatedLocations"][0]["message"]["text"] == "similar here");
  CHECK(r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 2);
  REQUIRE(r["fixes"].size() == 1);
  CHECK(r["fixes"][0]["description"]["text"] == "replace with `x`");
  const nlohmann::json& change = r["fixes"][0]["artifactChanges"][0];
  CHECK(change["artifactLocation"]["uri"] == "dir%20with%20space/%C3%A9.flow");
  CHECK(change["replacements"][0]["deletedRegion"]["startColumn"] == 12);
  CHECK(change["replacements"][0]["insertedContent"]["text"] == "x");
  const nlohmann::json& warning = run["results"][1];
  CHECK(warning["level"] == "warning");
  CHECK_FALSE(warning.contains("locations"));
  CHECK_FALSE(warning.contains("relatedLocations"));
  CHECK_FALSE(warning.contains("fixes"));
  const nlohmann::json& absolute = run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(absolute["uri"] == "file:///abs/p.flow");
  CHECK_FALSE(absolute.contains("uriBaseId"));
}

TEST_CASE("sarif: no diagnostics is a run with an empty results array") {
  SourceManager sources;
  nlohmann::json log = sarif_of({}, sources);
  CHECK(log["runs"][0]["results"] == nlohmann::json::array());
  CHECK(log["runs"][0]["tool"]["driver"]["rules"].size() == all_kinds().size());
}

TEST_CASE("github: one workflow command per diagnostic with escaping") {
  SourceManager sources;
  FileId f = sources.add("a,b:c%.flow", "x = \"😀\" + zz\n");
  Diagnostic d = make(DiagKind::UnknownName, find(sources, f, "zz"), "unknown name `zz`: 100%\r\nreally");
  d.helps.push_back("did you mean `x`?");
  d.notes.push_back(DiagNote{find(sources, f, "x"), "declared here"});
  Diagnostic w = make(DiagKind::UnusedOutput, SourceRange{}, "unused, really");
  Diagnostic n = make(DiagKind::UnknownName, SourceRange{}, "informational");
  n.severity = Severity::Note;
  CHECK(github({d, w, n}, sources) ==
        "::error file=a%2Cb%3Ac%25.flow,line=1,col=12,endLine=1,endColumn=14,title=E0101::"
        "unknown name `zz`: 100%25%0D%0Areally%0Anote: declared here (a,b:c%25.flow:1:1)%0Ahelp: did you mean `x`?\n"
        "::warning title=W0404::unused, really\n"
        "::notice title=E0101::informational\n");
}

TEST_CASE("github: a multi-line range gives lines but no columns") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "x = [a,\n b]\n");
  Diagnostic d = make(DiagKind::TypeMismatch, SourceRange{f, 4, 10}, "m");
  CHECK(github({d}, sources) == "::error file=a.flow,line=1,endLine=2,title=E0201::m\n");
}

TEST_CASE("format names parse and dispatch reaches each renderer") {
  DiagnosticFormat format = DiagnosticFormat::Human;
  CHECK(parse_diagnostic_format("json", format));
  CHECK(format == DiagnosticFormat::Json);
  CHECK(parse_diagnostic_format("sarif", format));
  CHECK(format == DiagnosticFormat::Sarif);
  CHECK(parse_diagnostic_format("github", format));
  CHECK(format == DiagnosticFormat::Github);
  CHECK(parse_diagnostic_format("human", format));
  CHECK(format == DiagnosticFormat::Human);
  CHECK_FALSE(parse_diagnostic_format("xml", format));
  CHECK(format == DiagnosticFormat::Human);

  SourceManager sources;
  std::vector<Diagnostic> ds = {make(DiagKind::UnknownName, SourceRange{}, "m")};
  std::ostringstream human_out, json_out, sarif_out, github_out;
  render(DiagnosticFormat::Human, ds, sources, human_out);
  render(DiagnosticFormat::Json, ds, sources, json_out);
  render(DiagnosticFormat::Sarif, ds, sources, sarif_out);
  render(DiagnosticFormat::Github, ds, sources, github_out);
  CHECK(human_out.str().starts_with("error[E0101]: m\n"));
  CHECK(nlohmann::json::parse(json_out.str())[0]["code"] == "E0101");
  CHECK(nlohmann::json::parse(sarif_out.str())["version"] == "2.1.0");
  CHECK(github_out.str() == "::error title=E0101::m\n");
}
