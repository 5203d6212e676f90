// The machine renderers (json, SARIF, GitHub annotations) and format
// dispatch: output parsed back and checked field by field, or compared exactly.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "compiler/diagnostics/render.h"
#include "tests/unit/render_test_support.h"

using namespace flowc;
using render_test::find;
using render_test::make;

namespace {

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

}  // namespace

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
  std::vector<std::string> keys = {"\"code\"",  "\"severity\"", "\"message\"",  "\"file\"",
                                   "\"line\"",  "\"column\"",   "\"end_line\"", "\"end_column\"",
                                   "\"utf16\"", "\"notes\"",    "\"helps\"",    "\"fixits\""};
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
  CHECK(r["message"]["text"] ==
        "unknown name `zz`\nnote: similar here (dir with space/\u00e9.flow:2:1)\nnote: names are global\n"
        "help: did you mean `x`?\nhelp: replace with `x`");
  const nlohmann::json& loc = r["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "dir%20with%20space/%C3%A9.flow");
  CHECK(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(loc["region"] ==
        nlohmann::json{{"startLine", 1}, {"startColumn", 12}, {"endLine", 1}, {"endColumn", 14}});
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
  CHECK(
      github({d, w, n}, sources) ==
      "::error file=a%2Cb%3Ac%25.flow,line=1,col=12,title=E0101::"
      "unknown name `zz`: 100%25\u240D\u240Areally%0Anote: declared here (a,b:c%25.flow:1:1)%0Ahelp: did you "
      "mean `x`?\n"
      "::warning title=W0404::unused, really\n"
      "::notice title=E0101::informational\n");
}

TEST_CASE("github: control characters in messages, notes and helps are shown as symbols") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "x\n");
  Diagnostic d = make(DiagKind::InvalidSchedule, find(sources, f, "x"), "unknown time zone `\x1b[2J\x07`");
  d.notes.push_back(DiagNote{SourceRange{}, "note \x1b]0;t\x07"});
  d.helps.push_back("help \x9b\xc2\x9b" "1m");
  CHECK(github({d}, sources) ==
        "::error file=a.flow,line=1,col=1,title=E0204::unknown time zone "
        "`\u241B[2J\u2407`%0Anote: note \u241B]0;t\u2407%0Ahelp: help \uFFFD\uFFFD1m\n");
}

TEST_CASE("github: a CR or LF in a file name is escaped as GitHub escapes it, so the file is named") {
  SourceManager sources;
  FileId f = sources.add("a\rb\nc\x1b.flow", "x\n");
  Diagnostic d = make(DiagKind::InvalidSchedule, find(sources, f, "x"), "m");
  CHECK(github({d}, sources) == "::error file=a%0Db%0Ac\u241B.flow,line=1,col=1,title=E0204::m\n");
}

TEST_CASE("github: a multi-line range gives where it starts") {
  SourceManager sources;
  FileId f = sources.add("a.flow", "x = [a,\n b]\n");
  Diagnostic d = make(DiagKind::TypeMismatch, SourceRange{f, 4, 10}, "m");
  CHECK(github({d}, sources) == "::error file=a.flow,line=1,col=5,title=E0201::m\n");
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
