// `flowc plan` and `flowc graph` end to end: the built binary's exact output
// for the examples, compared with tests/golden/plan/*. After an intended
// change, FLOWC_AUTOUPDATE=1 rewrites the goldens; review the diff.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "compiler/textdiff/diff.h"
#include "tests/support/file_text.h"

namespace fs = std::filesystem;

namespace {

struct Output {
  std::string text;
  int exit_code = -1;
};

/// Runs `flowc ARGS` in the source directory (example paths are relative to
/// it); `with_stderr` interleaves stderr into the text.
Output run_flowc(const std::string& args, bool with_stderr = false, const std::string& env = "") {
  std::string command = "cd '" + std::string(FLOWC_SOURCE_DIR) + "' && " + env + " '" + FLOWC_BINARY + "' " +
                        args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  Output out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.text.append(buffer, n);
  int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

/// Compares `flowc ARGS` with golden file NAME (or rewrites it under FLOWC_AUTOUPDATE=1).
void check_golden(const std::string& name, const std::string& args) {
  CAPTURE(name);
  Output out = run_flowc(args);
  CHECK(out.exit_code == 0);
  fs::path golden = fs::path(FLOWC_SOURCE_DIR) / "tests/golden/plan" / name;
  const char* update = std::getenv("FLOWC_AUTOUPDATE");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary) << out.text;
    return;
  }
  REQUIRE_MESSAGE(fs::exists(golden), "missing golden " << golden << " (run with FLOWC_AUTOUPDATE=1)");
  std::string expected = flowc::testing::file_text(golden);
  // A diff, not two whole plans, when they differ.
  bool same = out.text == expected;
  CHECK_MESSAGE(same, flowc::textdiff::unified_diff(golden.string(), expected, out.text));
}

}  // namespace

TEST_CASE("flowc plan: the examples' plans, human") {
  check_golden("daily_kpi.txt", "plan examples/daily_kpi --ds 2026-11-24");
  check_golden("daily_kpi.dev.txt", "plan examples/daily_kpi --ds 2026-11-24 --env dev");
  check_golden("ingestion.txt", "plan examples/ingestion --ds 2026-11-24");
  for (const char* workflow : {"finance_close", "ingest_events", "marketing_attribution", "sessionize"}) {
    check_golden(std::string("platform.") + workflow + ".txt",
                 std::string("plan examples/platform --ds 2026-11-24 --workflow ") + workflow);
  }
}

TEST_CASE("flowc plan --format json") {
  check_golden("daily_kpi.json", "plan examples/daily_kpi --ds 2026-11-24 --format json");
}

TEST_CASE("flowc graph: dot and mermaid") {
  check_golden("daily_kpi.dot", "graph examples/daily_kpi");
  check_golden("daily_kpi.mmd", "graph examples/daily_kpi --format mermaid");
  check_golden("platform.finance_close.dot", "graph examples/platform --workflow finance_close");
  check_golden("platform.finance_close.mmd",
               "graph examples/platform --workflow finance_close --format mermaid");
}

TEST_CASE("flowc plan: usage errors are one line and exit 2") {
  Output out = run_flowc("plan examples/platform --workflow finance_clos", true);
  CHECK(out.exit_code == 2);
  CHECK(out.text == "flowc: no workflow `finance_clos` in the project; did you mean `finance_close`?\n");

  out = run_flowc("plan examples/platform", true);
  CHECK(out.exit_code == 2);
  CHECK(out.text ==
        "flowc: the project has 4 workflows; choose one with --workflow (finance_close, ingest_events, "
        "marketing_attribution, sessionize)\n");

  out = run_flowc("plan examples/daily_kpi --ds 2026-02-29", true);
  CHECK(out.exit_code == 2);
  CHECK(out.text == "flowc: --ds: not a date: \"2026-02-29\" (write YYYY-MM-DD, years 0001 to 9999)\n");

  out = run_flowc("plan examples/daily_kpi --env prod", true);
  CHECK(out.exit_code == 2);
  CHECK(out.text ==
        "flowc: no environment `prod` on target `warehouse` (it has: dev, staging, and production, the "
        "default)\n");

  out = run_flowc("plan examples/daily_kpi --format yaml", true);
  CHECK(out.exit_code == 2);
  CHECK(out.text == "flowc: unknown --format `yaml` (expected human or json)\n");

  out = run_flowc("graph examples/daily_kpi --format svg", true, "PATH=/nonexistent");
  CHECK(out.exit_code == 2);
  CHECK(out.text == "flowc: --format svg needs Graphviz `dot` (Debian package graphviz)\n");
}

TEST_CASE("flowc plan: a project with errors prints its diagnostics and exits 1") {
  fs::path dir = fs::temp_directory_path() / "flowc_plan_golden_broken";
  fs::create_directories(dir);
  std::ofstream(dir / "a.flow") << "workflow w {\n  owner = 42\n}\n";
  Output out = run_flowc("plan '" + dir.string() + "'", true);
  CHECK(out.exit_code == 1);
  CHECK(out.text.find("error[E0201]") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("flowc plan: without --ds the run is for yesterday (UTC)") {
  Output out = run_flowc("plan examples/daily_kpi --format json");
  REQUIRE(out.exit_code == 0);
  std::time_t yesterday = std::time(nullptr) - 86400;
  char expected[16];
  std::strftime(expected, sizeof expected, "%Y-%m-%d", std::gmtime(&yesterday));
  CHECK(out.text.find(std::string("\"ds\": \"") + expected + "\"") != std::string::npos);
}

TEST_CASE("flowc graph --format svg draws with Graphviz when it is installed") {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) return;  // covered by the usage-error case
  Output out = run_flowc("graph examples/daily_kpi --format svg");
  CHECK(out.exit_code == 0);
  CHECK(out.text.find("<svg") != std::string::npos);
  CHECK(out.text.find("publish_kpis") != std::string::npos);
}

TEST_CASE("flowc graph --format svg: a `dot` that fails without reading its input is one line and exit 2") {
  // More dot text than a pipe holds (64 KiB), so flowc is still writing when
  // the fake `dot` has gone.
  fs::path dir = fs::temp_directory_path() / "flowc_graph_dot_fails";
  fs::remove_all(dir);
  fs::create_directories(dir / "bin");
  std::ofstream(dir / "flow.project") << "project big {\n}\n";
  std::ofstream flow(dir / "big.flow");
  flow << "target wh {\n  dsn = env(\"WH_DSN\")\n}\n\nworkflow big {\n  owner  = \"x\"\n  target = wh\n";
  for (int i = 0; i < 1500; ++i)
    flow << "\n  task t" << i << " {\n    writes  = \"s.t" << i << "\"\n    mode    = replace\n"
         << "    sql     = \"select 1\"\n    publish = true\n  }\n";
  flow << "}\n";
  flow.close();
  for (const std::string code : {"127", "1"}) {
    CAPTURE(code);
    std::ofstream(dir / "bin" / "dot") << "#!/bin/sh\nexit " << code << "\n";
    fs::permissions(dir / "bin" / "dot", fs::perms::owner_all);
    Output out = run_flowc("graph '" + dir.string() + "' --format svg", true,
                           "PATH='" + (dir / "bin").string() + "':$PATH");
    CHECK(out.exit_code == 2);
    CHECK(out.text == "flowc: Graphviz `dot` failed (exit code " + code + ")\n");
  }
  fs::remove_all(dir);
}
