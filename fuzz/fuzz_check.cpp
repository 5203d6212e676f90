// libFuzzer target over the whole front end: parse + check of an in-memory
// project, every diagnostic renderer, the formatter's idempotence on
// error-free files, and, for a project without errors, the lowering of every
// workflow to its plan (production and each environment), the plan's JSON
// round trip, its human and graph renderings and every task's impact.
//
// Input layout (so one input can be a multi-file project):
//   [chunk0] { 0x01 PATH '\n' chunk }
// chunk0 is the file `main.flow` (absent when the input starts with 0x01); each 0x01 starts a new
// file whose path runs to the next newline. Paths are virtual (nothing is read
// from disk except the standard library); an unusable path falls back to
// `fN.flow`. At most kMaxFiles files: later 0x01 bytes stay in the last file's
// text, where they are an invalid character. fuzz/make_seeds.py turns golden
// files (`# --- <path>` split lines) into this layout.
//
// Findings beyond sanitizer reports (each aborts with a message):
// - a diagnostic range outside its file;
// - format() of a file without syntax errors does not reparse cleanly, or is
//   not a fixed point: format(parse(format(x))) != format(x);
// - a plan whose JSON does not read back as the same plan.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/diagnostics/render.h"
#include "compiler/format/format.h"
#include "compiler/lower/lower.h"
#include "compiler/plan/json.h"
#include "compiler/plan/render.h"
#include "compiler/project/project.h"
#include "compiler/syntax/parse.h"

namespace {

constexpr size_t kMaxFiles = 3;
constexpr char kSeparator = '\x01';

/// Reports a finding and aborts, so libFuzzer saves the input.
[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_check finding: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

/// A relative path of safe characters with no `..`; anything else is replaced
/// so the checker cannot be steered at real files through a project path.
std::string sanitise_path(std::string_view path, size_t index) {
  bool ok = !path.empty() && path.size() <= 64 && path.front() != '/' && path.find("..") == std::string_view::npos;
  for (char c : path) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '-' || c == '.' || c == '/';
    ok = ok && safe;
  }
  if (ok) return std::string(path);
  return "f" + std::to_string(index) + ".flow";
}

/// Splits the input into (path, text) files as described at the top.
std::vector<std::pair<std::string, std::string>> split_files(std::string_view input) {
  std::vector<std::pair<std::string, std::string>> files;
  constexpr size_t npos = std::string_view::npos;
  size_t sep = input.find(kSeparator);
  if (sep != 0) files.emplace_back("main.flow", std::string(input.substr(0, sep)));
  while (sep != npos) {
    size_t path_begin = sep + 1;
    size_t newline = input.find('\n', path_begin);
    std::string_view path = input.substr(path_begin, newline == npos ? npos : newline - path_begin);
    size_t body_begin = newline == npos ? input.size() : newline + 1;
    bool last = files.size() + 1 == kMaxFiles;
    sep = last ? npos : input.find(kSeparator, body_begin);
    std::string_view body = input.substr(body_begin, sep == npos ? npos : sep - body_begin);
    std::string name = sanitise_path(path, files.size());
    for (const auto& file : files) {
      if (file.first == name) name = "f" + std::to_string(files.size()) + "_" + name;
    }
    files.emplace_back(std::move(name), std::string(body));
  }
  return files;
}

void check_ranges(const flowc::project::Compilation& c) {
  auto valid = [&](const flowc::SourceRange& r) {
    if (!r.valid()) return true;  // a location-less diagnostic or note is allowed
    if (r.file.index >= c.sources.size()) return false;
    return r.begin <= r.end && r.end <= c.sources.buffer(r.file).text().size();
  };
  for (const flowc::Diagnostic& d : c.diagnostics.diagnostics()) {
    bool ok = valid(d.range);
    for (const auto& note : d.notes) ok = ok && valid(note.range);
    for (const auto& fix : d.fixits) ok = ok && valid(fix.range);
    if (!ok) fail("diagnostic range outside its file", d.message);
  }
}

void render_all(const flowc::project::Compilation& c) {
  const auto& diags = c.diagnostics.diagnostics();
  std::ostringstream out;
  flowc::render_human(diags, c.sources, out, {.color = false});
  flowc::render_human(diags, c.sources, out, {.color = true});
  flowc::render_json(diags, c.sources, out);
  flowc::render_sarif(diags, c.sources, out);
  flowc::render_github(diags, c.sources, out);
}

/// True when `file` has a lexical or syntax error (E00xx): such trees are not
/// formatted, by the formatter's contract.
bool has_syntax_error(const flowc::DiagnosticEngine& diags, flowc::FileId file) {
  for (const flowc::Diagnostic& d : diags.diagnostics()) {
    if (d.range.file == file && d.severity == flowc::Severity::Error && d.code().starts_with("E00")) return true;
  }
  return false;
}

/// format(parse(format(x))) == format(x) for one syntactically clean tree.
void check_format_idempotent(const flowc::syntax::SyntaxTree& tree, const flowc::SourceBuffer& buffer) {
  std::string once = flowc::format::format(tree, buffer);
  flowc::SourceManager sources;
  flowc::DiagnosticEngine diags;
  flowc::FileId id = sources.add(buffer.path(), once);
  flowc::syntax::SyntaxTree reparsed = flowc::syntax::parse(sources.buffer(id), id, diags);
  if (has_syntax_error(diags, id)) fail("formatted output does not parse", once);
  std::string twice = flowc::format::format(reparsed, sources.buffer(id));
  if (twice != once) fail("format is not idempotent", once + "\n----- formatted again -----\n" + twice);
}

/// Lowers `workflow` for `env` and exercises everything that reads a plan.
void check_plan(const flowc::project::Compilation& c, flowc::model::WorkflowId workflow, const std::string& env) {
  flowc::lower::LowerOptions options;
  options.ds = "2026-11-24";
  options.env = env;
  if (!flowc::lower::check_options(c.model, workflow, options).empty()) return;  // e.g. a param without a value
  flowc::plan::Plan plan = flowc::lower::lower(c.model, workflow, options, c.sources);
  std::string error;
  std::optional<flowc::plan::Plan> back = flowc::plan::plan_from_json(flowc::plan::to_json(plan), error);
  if (!back) fail("a plan's JSON does not read back", error);
  if (!(*back == plan)) fail("a plan's JSON reads back as another plan", flowc::plan::to_json(plan).dump(1));
  std::ostringstream out;
  flowc::plan::render_human(plan, out);
  flowc::plan::render_dot(plan, out);
  flowc::plan::render_mermaid(plan, out);
  for (uint32_t i = 0; i < plan.tasks.size(); ++i) {
    (void)flowc::plan::impact_of(plan, i);
    (void)flowc::plan::downstream_of(plan, i);
  }
}

/// Every workflow of an error-free project, in production and in each of
/// its target's environments.
void check_plans(const flowc::project::Compilation& c) {
  if (c.diagnostics.error_count() > 0) return;
  for (uint32_t w = 0; w < c.model.workflows.size(); ++w) {
    flowc::model::WorkflowId id{w};
    check_plan(c, id, "");
    const flowc::model::Workflow& workflow = c.model.workflows[w];
    if (!workflow.target.valid()) continue;
    for (const auto& environment : c.model.targets[workflow.target.index].environments)
      check_plan(c, id, environment.name);
  }
}

const std::string& stdlib_dir() {
  static const std::string dir = FLOWC_FUZZ_STDLIB_DIR;
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto compilation = flowc::project::compile_sources(split_files(input), stdlib_dir());
  check_ranges(*compilation);
  render_all(*compilation);
  for (const auto& tree : compilation->trees) {
    if (has_syntax_error(compilation->diagnostics, tree.file)) continue;
    check_format_idempotent(tree, compilation->sources.buffer(tree.file));
  }
  check_plans(*compilation);
  return 0;
}
