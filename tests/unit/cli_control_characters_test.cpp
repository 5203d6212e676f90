// Control characters from the source, strings, --param and the command
// line itself reach a terminal only as control pictures (U+2400 + c): a
// value never clears the screen nor splits an error line in two.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/unit/cli_support.h"

namespace fs = std::filesystem;
using namespace cli_testing;

TEST_CASE("doc and check show control characters from the source as control pictures") {
  fs::path dir = scratch("control");
  write(dir / "a.flow",
        "## Daily \x1b[2J numbers.\n"
        "workflow daily {\n"
        "  owner    = \"a\"\n"
        "  schedule = cron(\"0 7 * * *\", tz = \"x\\n\\nerror: 0 errors emitted\")\n"
        "}\n");
  Result d = flowc("doc daily " + dir.string());
  CHECK(d.exit_code == 0);
  CHECK(d.out.find("Daily \u241B[2J numbers.") != std::string::npos);
  CHECK(d.out.find('\x1b') == std::string::npos);
  Result c = flowc("check " + (dir / "a.flow").string());
  CHECK(c.exit_code == 1);
  CHECK(c.err.find("`x\u240A\u240Aerror: 0 errors emitted`") != std::string::npos);
  CHECK(c.err.find("\nerror: 0 errors emitted") == std::string::npos);
}

TEST_CASE("a value typed on the command line is echoed with its control characters as control pictures") {
  // Through the shell (flowc() runs `bash -c '...'`): printf writes the
  // control characters into the argument.
  auto typed = [](const std::string& format) { return "\"$(printf -- \"" + format + "\")\""; };
  for (const std::string& args :
       std::vector<std::string>{"status " + typed("\\033[2J"), "run . --ds " + typed("2026\\n-10-01"),
                                "worker . --slots " + typed("1\\n2"), typed("\\033x"),
                                "backfill . --workflow w --from 2026-10-01 --to " + typed("\\033[2J"),
                                "fmt " + typed("--\\033x")}) {
    CAPTURE(args);
    Result r = flowc(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find('\x1b') == std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
    CHECK((r.err.find("\u241B") != std::string::npos || r.err.find("\u240A") != std::string::npos));
  }
}

TEST_CASE("plan and inventory show control characters from strings and --param as symbols") {
  fs::path dir = scratch("control-strings");
  write(dir / "a.flow", R"(legacy old_job {
  owner    = "a"
  symptoms = "\u{1b}[2J\u{7}\u{9b}x"
}

workflow daily {
  owner = "a"
  param label: string = "\u{1b}[31m"
  task out {
    writes  = "out"
    sql     = "select ${label} as label"
    publish = true
  }
}
)");
  for (const std::string format : {"human", "markdown"}) {
    CAPTURE(format);
    Result i = flowc("inventory " + dir.string() + " --format " + format);
    CHECK(i.exit_code == 0);
    CHECK(i.out.find('\x1b') == std::string::npos);
    CHECK(i.out.find("\u009b") == std::string::npos);
    CHECK(i.out.find("\u241B[2J\u2407\uFFFDx") != std::string::npos);
  }
  Result p = flowc("plan " + dir.string() + " --ds 2026-11-24");
  CHECK(p.exit_code == 0);
  CHECK(p.out.find('\x1b') == std::string::npos);
  CHECK(p.out.find("label = '\u241B[31m' (text)") != std::string::npos);
  Result given =
      flowc("plan " + dir.string() + " --ds 2026-11-24 --param \"label=$(printf \"\\033]0;title\\007\")\"");
  CHECK(given.exit_code == 0);
  CHECK(given.out.find('\x1b') == std::string::npos);
  CHECK(given.out.find("label = '\u241B]0;title\u2407' (text)") != std::string::npos);
}
