// The formatter: golden pairs (tests/golden/fmt/NAME.in.flow -> NAME.out.flow,
// rewritten when FLOWC_AUTOUPDATE=1), idempotence and meaning preservation on
// every parseable .flow file of the repository, comments, CRLF, robustness.
#include "compiler/format/format.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/check/condition_name.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/format/text_block.h"
#include "compiler/source/source.h"
#include "compiler/spelling/spelling.h"
#include "compiler/syntax/parse.h"
#include "compiler/textdiff/diff.h"
#include "tests/support/file_text.h"

using namespace flowc;
namespace fs = std::filesystem;

namespace {

/// One parsed buffer: the manager owns the text the tree points into.
struct Parsed {
  SourceManager sources;
  FileId file;
  syntax::SyntaxTree tree;
  size_t errors = 0;
};

std::unique_ptr<Parsed> parse_text(const std::string& path, const std::string& text) {
  auto p = std::make_unique<Parsed>();
  p->file = p->sources.add(path, text);
  DiagnosticEngine diagnostics;
  p->tree = syntax::parse(p->sources.buffer(p->file), p->file, diagnostics);
  p->errors = diagnostics.error_count();
  return p;
}

/// Parses and formats; `ok` is false when the input has syntax errors.
std::string fmt(const std::string& text, bool* ok = nullptr) {
  auto p = parse_text("test.flow", text);
  if (ok != nullptr) *ok = p->errors == 0;
  return format::format(p->tree, p->sources.buffer(p->file));
}

fs::path source_dir() { return fs::path(FLOWC_SOURCE_DIR); }

/// Every .flow file under examples/ and tests/golden/, sorted.
std::vector<fs::path> repository_flow_files() {
  std::vector<fs::path> files;
  for (const char* dir : {"examples", "tests/golden", "stdlib"}) {
    fs::path root = source_dir() / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file() && entry.path().extension() == ".flow") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// The texts of a tree's comments in source order.
std::vector<std::string> comment_texts(const Parsed& p) {
  std::vector<std::string> out;
  std::vector<syntax::Comment> sorted = p.tree.comments;
  std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.range.begin < b.range.begin; });
  std::string_view text = p.sources.buffer(p.file).text();
  for (const syntax::Comment& c : sorted) {
    std::string t(text.substr(c.range.begin, c.range.end - c.range.begin));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.pop_back();
    out.push_back(t);
  }
  return out;
}


/// The tree as text without byte ranges: two trees with the same text mean
/// the same program (decoded strings, literal values, structure, doc comments).
class TreeText {
 public:
  TreeText(const syntax::SyntaxTree& tree, const SourceBuffer& buffer) : t_(tree), text_(buffer.text()) {}

  std::string run() {
    for (const syntax::Decl& d : t_.decls) {
      if (d.block.valid()) block(t_.block(d.block));
      if (d.fn.valid()) fn(t_.fn(d.fn));
      out_ += "\n";
    }
    return out_;
  }

 private:
  void block(const syntax::Block& b) {
    out_ += "doc<" + b.doc + "> " + std::string(syntax::block_kind_name(b.kind)) + " " + std::string(b.name.text) + " {";
    for (syntax::MemberId id : b.members) member(t_.member(id));
    out_ += "}";
  }
  void member(const syntax::Member& m) {
    out_ += " [" + std::to_string(static_cast<int>(m.kind)) + " " + std::string(m.name.text) + " doc<" + m.doc + ">";
    if (m.kind == syntax::MemberKind::Block) block(t_.block(m.block));
    if (m.type.valid()) type(m.type);
    if (m.value.valid()) expr(m.value);
    out_ += " sev" + std::to_string(static_cast<int>(m.severity));
    if (m.label.valid()) expr(m.label);
    // An expectation without `as` is named by its condition: its results
    // and `change` history are kept by that name's key.
    if (m.kind == syntax::MemberKind::Expect && !m.label.valid() && m.value.valid())
      out_ += " key<" + spelling::history_key(check::condition_name(t_, m.value, text_)) + ">";
    out_ += "]";
  }
  void fn(const syntax::FnDecl& f) {
    out_ += "doc<" + f.doc + "> fn" + (f.is_extern ? " extern " : " ") + std::string(f.name.text) + "(";
    for (const syntax::FnParam& p : f.params) {
      out_ += std::string(p.name.text) + ":";
      type(p.type);
      out_ += p.variadic ? "...," : ",";
    }
    out_ += ")->";
    type(f.result);
    if (f.body.valid()) expr(f.body);
  }
  void type(syntax::TypeId id) {
    const syntax::TypeRef& t = t_.type(id);
    out_ += std::string(t.name.text);
    if (t.arg.valid()) {
      out_ += "<";
      type(t.arg);
      out_ += ">";
    }
  }
  void expr(syntax::ExprId id) {
    const syntax::Expr& e = t_.expr(id);
    out_ += " (" + std::to_string(static_cast<int>(e.kind)) + "/" + std::to_string(static_cast<int>(e.op));
    switch (e.kind) {
      case syntax::ExprKind::String:
        out_ += e.text_block ? " tb" : " s";
        for (uint32_t i = e.first_part; i < e.first_part + e.part_count; ++i) {
          const syntax::StringPart& part = t_.string_parts[i];
          if (part.is_interpolation) {
            expr(part.expr);
          } else {
            out_ += " <" + part.text + ">";
          }
        }
        break;
      case syntax::ExprKind::Name:
      case syntax::ExprKind::Member:
      case syntax::ExprKind::NamedArg:
        out_ += " " + std::string(e.text);
        break;
      case syntax::ExprKind::Int:
      case syntax::ExprKind::Float:
      case syntax::ExprKind::Percent:
      case syntax::ExprKind::Duration:
      case syntax::ExprKind::Date:
      case syntax::ExprKind::Time:
      case syntax::ExprKind::Bool:
        out_ += " " + std::string(text_.substr(e.range.begin, e.range.end - e.range.begin)) + "=" +
                std::to_string(e.int_value) + "/" + std::to_string(e.float_value);
        break;
      default:
        break;
    }
    for (syntax::ExprId op : e.operands) expr(op);
    out_ += ")";
  }

  const syntax::SyntaxTree& t_;
  std::string_view text_;
  std::string out_;
};

std::string tree_text(const syntax::SyntaxTree& tree, const SourceBuffer& buffer) {
  return TreeText(tree, buffer).run();
}

}  // namespace

TEST_CASE("golden pairs: every NAME.in.flow formats to NAME.out.flow") {
  bool update = std::getenv("FLOWC_AUTOUPDATE") != nullptr && std::string(std::getenv("FLOWC_AUTOUPDATE")) == "1";
  fs::path dir = source_dir() / "tests/golden/fmt";
  size_t pairs = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.size() < 8 || name.substr(name.size() - 8) != ".in.flow") continue;
    fs::path out_path = dir / (name.substr(0, name.size() - 8) + ".out.flow");
    CAPTURE(name);
    bool ok = false;
    std::string got = fmt(flowc::testing::file_text(entry.path()), &ok);
    REQUIRE_MESSAGE(ok, "golden input has syntax errors");
    if (update) {
      std::ofstream(out_path, std::ios::binary) << got;
    } else {
      REQUIRE_MESSAGE(fs::exists(out_path), "missing .out.flow (run with FLOWC_AUTOUPDATE=1)");
      CHECK(got == flowc::testing::file_text(out_path));
    }
    // The expected output is itself canonical.
    CHECK(fmt(got) == got);
    ++pairs;
  }
  CHECK(pairs >= 12);
}

TEST_CASE("idempotence and meaning preservation on every parseable .flow file") {
  size_t formatted = 0;
  for (const fs::path& path : repository_flow_files()) {
    std::string text = flowc::testing::file_text(path);
    auto original = parse_text(path.string(), text);
    if (original->errors != 0) continue;  // fail_ cases and files with deliberate syntax errors
    CAPTURE(path.string());
    std::string once = format::format(original->tree, original->sources.buffer(original->file));
    auto reparsed = parse_text(path.string(), once);
    REQUIRE(reparsed->errors == 0);
    std::string twice = format::format(reparsed->tree, reparsed->sources.buffer(reparsed->file));
    CHECK(twice == once);
    // Same tree (values, decoded strings, structure) and the same comments.
    CHECK(tree_text(original->tree, original->sources.buffer(original->file)) ==
          tree_text(reparsed->tree, reparsed->sources.buffer(reparsed->file)));
    CHECK(comment_texts(*original) == comment_texts(*reparsed));
    ++formatted;
  }
  // The examples alone hold more than this: the test cannot pass vacuously.
  CHECK(formatted >= 15);
}

TEST_CASE("every comment survives, in order, wherever it was written") {
  const std::string text =
      "# file header\n"
      "\n"
      "## Doc of w.\n"
      "workflow w { # after the brace\n"
      "  # before owner\n"
      "  owner = \"x\" # trailing owner\n"
      "              # continues the trailing comment\n"
      "  notify = [ # after the bracket\n"
      "    a, # after a\n"
      "    # before b\n"
      "    b,\n"
      "    # at the end of the list\n"
      "  ]\n"
      "  ready = (x and # inside parentheses\n"
      "    y)\n"
      "  retry = retry(2, # after an argument\n"
      "    backoff = exponential(30s))\n"
      "  task t {\n"
      "    sql = \"select 1\"\n"
      "    # last in the task\n"
      "  } # after the task\n"
      "  # last in the workflow\n"
      "}\n"
      "fn f(a: int, # after a parameter\n"
      "     b: int) -> int = a\n"
      "# end of file\n";
  auto original = parse_text("c.flow", text);
  REQUIRE(original->errors == 0);
  std::string once = format::format(original->tree, original->sources.buffer(original->file));
  auto reparsed = parse_text("c.flow", once);
  REQUIRE(reparsed->errors == 0);
  CHECK(comment_texts(*original).size() == 17);
  CHECK(comment_texts(*original) == comment_texts(*reparsed));
  CHECK(fmt(once) == once);
  // Placement: trailing comments stay on their line, end-of-block comments inside.
  CHECK(once.find("owner  = \"x\"  # trailing owner\n") != std::string::npos);
  CHECK(once.find("  # last in the task\n  }  # after the task\n") != std::string::npos);
  CHECK(once.find("  # last in the workflow\n}\n") != std::string::npos);
  CHECK(once.find("    a,  # after a\n    # before b\n    b,\n    # at the end of the list\n  ]") !=
        std::string::npos);
}

TEST_CASE("CRLF input gives LF output, the same as LF input") {
  std::string lf =
      "workflow w {\n  owner = \"x\"   # c\n  sql = \"\"\"\n    select 1\n      from t\n  \"\"\"\n}\n";
  std::string crlf;
  for (char c : lf) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  bool ok = false;
  std::string out = fmt(crlf, &ok);
  REQUIRE(ok);
  CHECK(out.find('\r') == std::string::npos);
  CHECK(out == fmt(lf));
}

TEST_CASE("a stray CR before a CRLF line end in a text block reads as a line end, before and after fmt") {
  // `\r\r\n`: a file whose line ends were converted twice.
  const std::string text =
      "workflow w {\r\n  sql = \"\"\"\r\n    select 1\r\r\n      , 2\r\n  \"\"\"\r\n}\r\n";
  auto original = parse_text("t.flow", text);
  REQUIRE(original->errors == 0);
  const std::string once = format::format(original->tree, original->sources.buffer(original->file));
  CHECK(once == "workflow w {\n  sql = \"\"\"\n    select 1\n      , 2\n  \"\"\"\n}\n");
  auto reparsed = parse_text("t.flow", once);
  CHECK(tree_text(original->tree, original->sources.buffer(original->file)) ==
        tree_text(reparsed->tree, reparsed->sources.buffer(reparsed->file)));
  CHECK(format::format(reparsed->tree, reparsed->sources.buffer(reparsed->file)) == once);
}

TEST_CASE("`\\r\\r\\n` line ends between members are one line end: no blank line appears, alignment kept") {
  bool ok = false;
  std::string out = fmt("workflow w {\r\r\n  owner = \"x\"\r\r\n  timeout = 5m\r\r\n}\r\r\n", &ok);
  REQUIRE(ok);
  CHECK(out == "workflow w {\n  owner   = \"x\"\n  timeout = 5m\n}\n");
}

TEST_CASE("output has no trailing whitespace and ends with exactly one newline") {
  std::string out = fmt("\n\n  workflow   w{  \n owner=\"x\"    \n\n\n\n  timeout  =  5m   \n}   \n\n\n\n");
  CHECK(out == "workflow w {\n  owner = \"x\"\n\n  timeout = 5m\n}\n");
  CHECK(fmt("") == "");
  CHECK(fmt("# only a comment") == "# only a comment\n");
}

TEST_CASE("text blocks keep their value when re-indented") {
  // Odd indentation: deeper than canonical, a tab-indented line, blank lines
  // holding spaces, text on the closing line.
  const std::string text =
      "workflow w {\n"
      "        task t {\n"
      "  sql = \"\"\"\n"
      "             select a,\n"
      "                    b\n"
      "   \n"
      "             from ${x}\n"
      "             where c = 'two  spaces'\"\"\"\n"
      "  }\n"
      "}\n";
  auto original = parse_text("t.flow", text);
  REQUIRE(original->errors == 0);
  std::string once = format::format(original->tree, original->sources.buffer(original->file));
  CHECK(once ==
        "workflow w {\n"
        "  task t {\n"
        "    sql = \"\"\"\n"
        "      select a,\n"
        "             b\n"
        "\n"
        "      from ${x}\n"
        "      where c = 'two  spaces'\"\"\"\n"
        "  }\n"
        "}\n");
  auto reparsed = parse_text("t.flow", once);
  CHECK(tree_text(original->tree, original->sources.buffer(original->file)) ==
        tree_text(reparsed->tree, reparsed->sources.buffer(reparsed->file)));
}

TEST_CASE("text block layout: prefix replaced, rest kept byte for byte") {
  format::TextBlockLayout l = format::layout_text_block("\"\"\"  \n\t\t  a  \n\t\t\tb\n\n\t\t\"\"\"");
  CHECK_FALSE(l.verbatim);
  CHECK(l.lines == std::vector<std::string>{"", "  a  ", "\tb", "", ""});
  format::TextBlockLayout one = format::layout_text_block("\"\"\"one line\"\"\"");
  CHECK(one.verbatim);
  format::TextBlockLayout first = format::layout_text_block("\"\"\"keep \n    x\n  \"\"\"");
  CHECK(first.lines == std::vector<std::string>{"keep ", "x", ""});
}

TEST_CASE("lists and calls: one line when written so or when they fit, else one item per line") {
  // Written on several lines but short: joined, trailing comma dropped.
  CHECK(fmt("task t {\n  after = [\n    a,\n    b,\n  ]\n}\n") == "task t {\n  after = [a, b]\n}\n");
  // Written on one line: kept on one line even past the width.
  std::string long_line = "task t {\n  after = [" + std::string(60, 'a') + ", " + std::string(60, 'b') + "]\n}\n";
  CHECK(fmt(long_line) == long_line);
  // Written on several lines and too long: one element per line with a trailing comma.
  std::string broken = "task t {\n  after = [" + std::string(60, 'a') + ",\n " + std::string(60, 'b') + "]\n}\n";
  CHECK(fmt(broken) == "task t {\n  after = [\n    " + std::string(60, 'a') + ",\n    " + std::string(60, 'b') +
                           ",\n  ]\n}\n");
}

TEST_CASE("format never crashes on trees with syntax errors") {
  const char* inputs[] = {
      "workflow {",          "task t { a = }",   "fn f(a: -> x",       "workflow w { x = [1, 2\n",
      "\"\"\"unterminated",  "}}}}",              "expect expect",      "workflow w { task t { sql = \"\"\"\n",
      "route r { a = f(,) }", "\xff\xfe",        "workflow w { a = (b and # c\n",
  };
  for (const char* input : inputs) {
    CAPTURE(input);
    bool ok = true;
    (void)fmt(input, &ok);
    CHECK_FALSE(ok);
  }
}

TEST_CASE("a chain of 20,000 operators is a syntax error, not a stack overflow") {
  // Deeper than the parser allows (1,000 levels): the attribute is dropped,
  // so the formatter never walks the chain.
  for (std::string_view link : {" or ", " and ", "."}) {
    CAPTURE(link);
    std::string chain = "a";
    for (int i = 0; i < 20000; ++i) chain.append(link).append(link == "." ? "b" : "row_count() > 0");
    bool ok = true;
    std::string out = fmt("workflow w {\n  source s {\n    ready = " + chain + "\n  }\n}\n", &ok);
    CHECK_FALSE(ok);
  }
}

TEST_CASE("every flow example in docs/formatting.md is already canonical") {
  // A snippet that is not a whole file (members only) is checked inside a
  // wrapping block, one level deeper.
  std::istringstream doc(flowc::testing::file_text(source_dir() / "docs/formatting.md"));
  std::vector<std::string> snippets;
  std::string line;
  std::string current;
  bool inside = false;
  size_t fence_indent = 0;
  while (std::getline(doc, line)) {
    size_t indent = line.find_first_not_of(' ');
    std::string trimmed = indent == std::string::npos ? "" : line.substr(indent);
    if (!inside && trimmed == "```flow") {
      inside = true;
      fence_indent = indent;
      current.clear();
    } else if (inside && trimmed == "```") {
      inside = false;
      snippets.push_back(current);
    } else if (inside) {
      current += (line.size() >= fence_indent ? line.substr(fence_indent) : "") + "\n";
    }
  }
  CHECK(snippets.size() >= 5);
  for (const std::string& snippet : snippets) {
    CAPTURE(snippet);
    bool ok = false;
    std::string out = fmt(snippet, &ok);
    if (ok) {
      CHECK(out == snippet);
      continue;
    }
    std::string wrapped = "workflow w {\n";
    std::istringstream lines(snippet);
    while (std::getline(lines, line)) wrapped += line.empty() ? "\n" : "  " + line + "\n";
    wrapped += "}\n";
    out = fmt(wrapped, &ok);
    REQUIRE(ok);
    CHECK(out == wrapped);
  }
}

TEST_CASE("the fmt --check example in docs/cli.md is the diff fmt prints") {
  // The example's old lines (context and `-`) are the file it was made from.
  std::string doc = flowc::testing::file_text(source_dir() / "docs/cli.md");
  const std::string start = "$ flowc fmt --check examples/daily_kpi\n";
  size_t from = doc.find(start);
  REQUIRE(from != std::string::npos);
  from += start.size();
  size_t to = doc.find("1 file needs formatting", from);
  REQUIRE(to != std::string::npos);
  std::string shown = doc.substr(from, to - from);
  std::string before;
  std::istringstream lines(shown);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with(" ") || (line.starts_with("-") && !line.starts_with("---")))
      before += line.substr(1) + "\n";
  }
  CHECK(flowc::textdiff::unified_diff("examples/daily_kpi/routes.flow", before, fmt(before)) == shown);
}

TEST_CASE("mutated files: never a crash, when still valid, idempotent with the same meaning") {
  // Deterministic mutations of real files: whitespace, newlines (ordinary
  // whitespace inside brackets), comments and random characters.
  // FLOWC_FMT_MUTATIONS raises the rounds per file for a longer local search.
  const char* env_rounds = std::getenv("FLOWC_FMT_MUTATIONS");
  const int rounds = env_rounds != nullptr ? std::max(1, std::atoi(env_rounds)) : 12;
  std::mt19937 rng(20261124);
  const std::string alphabet = " \n\t#,()[]{}\"=a1.${}";
  size_t valid = 0;
  size_t runs = 0;
  for (const fs::path& path : repository_flow_files()) {
    std::string text = flowc::testing::file_text(path);
    if (text.empty() || text.size() > 20000) continue;
    for (int round = 0; round < rounds; ++round, ++runs) {
      std::string m = text;
      for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
        size_t at = rng() % m.size();
        switch (rng() % 4) {
          case 0: m.insert(at, 1, ' '); break;
          case 1: m.insert(at, "\n"); break;
          case 2: m.insert(at, " # mutated\n"); break;
          default: m[at] = alphabet[rng() % alphabet.size()]; break;
        }
      }
      auto p = parse_text("m.flow", m);
      std::string once = format::format(p->tree, p->sources.buffer(p->file));  // must not crash
      if (p->errors != 0) continue;
      CAPTURE(m);
      auto again = parse_text("m.flow", once);
      REQUIRE(again->errors == 0);
      CHECK(format::format(again->tree, again->sources.buffer(again->file)) == once);
      CHECK(tree_text(p->tree, p->sources.buffer(p->file)) == tree_text(again->tree, again->sources.buffer(again->file)));
      CHECK(comment_texts(*p) == comment_texts(*again));
      ++valid;
    }
  }
  MESSAGE(valid << " of " << runs << " mutated files were valid and checked");
  CHECK(valid >= 50);
}
