// The example projects, and the README's showcase workflow, are what users copy:
// they must check clean under --strict and already be in canonical format.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "compiler/diagnostics/render.h"
#include "compiler/format/format.h"
#include "compiler/project/project.h"
#include "tests/support/file_text.h"

namespace fs = std::filesystem;
using namespace flowc;

TEST_CASE("every example checks clean, warnings included, and is formatted") {
  fs::path examples = fs::path(FLOWC_SOURCE_DIR) / "examples";
  size_t projects_seen = 0;
  for (const auto& entry : fs::directory_iterator(examples)) {
    if (!entry.is_directory()) continue;
    std::vector<project::LoadError> errors;
    auto found = project::discover({entry.path().string()}, errors);
    CHECK(errors.empty());
    for (const project::ProjectFiles& files : found) {
      ++projects_seen;
      auto c = project::compile(files, project::default_stdlib_dir(), errors);
      std::ostringstream rendered;
      render_human(c->diagnostics.diagnostics(), c->sources, rendered);
      CAPTURE(files.root);
      CHECK_MESSAGE(c->diagnostics.diagnostics().empty(), rendered.str());
      CHECK(!c->model.workflows.empty());
      for (const syntax::SyntaxTree& tree : c->trees) {
        const SourceBuffer& buffer = c->sources.buffer(tree.file);
        CAPTURE(buffer.path());
        CHECK(format::format(tree, buffer) == buffer.text());
      }
    }
  }
  CHECK(projects_seen >= 3);
}

TEST_CASE("the README's showcase workflow checks clean once the route it alerts is declared") {
  std::string readme = flowc::testing::file_text(fs::path(FLOWC_SOURCE_DIR) / "README.md");
  size_t begin = readme.find("```flow\n");
  REQUIRE(begin != std::string::npos);
  begin += 8;
  size_t end = readme.find("```", begin);
  REQUIRE(end != std::string::npos);
  std::string workflow = readme.substr(begin, end - begin);
  CHECK(workflow.find("workflow daily_kpi") != std::string::npos);
  auto c = project::compile_sources(
      {{"README.flow", workflow}, {"routes.flow", "route analytics_oncall {\n  notify = [stderr()]\n}\n"}},
      project::default_stdlib_dir());
  std::ostringstream rendered;
  render_human(c->diagnostics.diagnostics(), c->sources, rendered);
  CHECK_MESSAGE(c->diagnostics.diagnostics().empty(), rendered.str());
  for (const syntax::SyntaxTree& tree : c->trees) {
    const SourceBuffer& buffer = c->sources.buffer(tree.file);
    CAPTURE(buffer.path());
    CHECK(format::format(tree, buffer) == buffer.text());
  }
}
