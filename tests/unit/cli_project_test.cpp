// The flowc binary as a user meets it, choosing what to plan or run: counts
// of tasks and runs, arguments, --param, the files a project may name, a
// folder of several projects, environments.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/cli_support.h"

namespace fs = std::filesystem;
using namespace cli_testing;

TEST_CASE("tasks at once are bounded on every command, as in the language: one line and exit 2") {
  std::string project = copy_example("concurrency").string();
  Result run = flowc("run " + project + " --dry-run --concurrency 1025");
  CHECK(run.exit_code == 2);
  CHECK(run.err == "flowc: --concurrency: 1025 is not in the range 0 to 1024\n");
  CHECK(flowc("run " + project + " --dry-run --concurrency 1024").exit_code == 0);
  CHECK(flowc("run " + project + " --dry-run --concurrency 0").exit_code == 0);
  Result schedule = flowc("schedule " + project + " --once --concurrency 5000");
  CHECK(schedule.exit_code == 2);
  CHECK(schedule.err == "flowc: --concurrency: 5000 is not in the range 0 to 1024\n");
  Result worker = flowc("worker " + project + " --slots 1025");
  CHECK(worker.exit_code == 2);
  CHECK(worker.err == "flowc: --slots: 1025 is not in the range 1 to 1024\n");
  Result backfill = flowc("backfill " + project + " --from 2026-11-01 --to 2026-11-02 --concurrency 0");
  CHECK(backfill.exit_code == 2);
  CHECK(backfill.err == "flowc: --concurrency: 0 is not in the range 1 to 1024\n");
}

TEST_CASE("a count of tasks or runs is a whole number in decimal digits, nothing else") {
  std::string project = copy_example("whole-numbers").string();
  // Not numbers at all, or numbers in other notations: CLI11 alone read
  // 0x10 as 16 and 010 as 8, and called 1e3 "not in range".
  for (std::string value : {"1e3", "abc", "0x10", "-1", "+4", "1.0", "4 ", "99999999999999999999"}) {
    CAPTURE(value);
    Result r = flowc("run " + project + " --dry-run --concurrency \"" + value + "\"");
    CHECK(r.exit_code == 2);
    bool digits = value.find_first_not_of("0123456789") == std::string::npos;
    CHECK(r.err == (digits ? "flowc: --concurrency: " + value + " is not in the range 0 to 1024\n"
                           : "flowc: --concurrency: not a whole number: \"" + value +
                                 "\" (write one from 0 to 1024)\n"));
  }
  Result worker = flowc("worker " + project + " --slots 0x10");
  CHECK(worker.exit_code == 2);
  CHECK(worker.err == "flowc: --slots: not a whole number: \"0x10\" (write one from 1 to 1024)\n");
  // Leading zeros are decimal, never octal: 09 is nine, and 02000 two
  // thousand (octal, 1024, would pass).
  CHECK(flowc("run " + project + " --dry-run --concurrency 09").exit_code == 0);
  CHECK(flowc("run " + project + " --dry-run --concurrency 0000").exit_code == 0);
  Result octal = flowc("run " + project + " --dry-run --concurrency 02000");
  CHECK(octal.exit_code == 2);
  CHECK(octal.err == "flowc: --concurrency: 2000 is not in the range 0 to 1024\n");
}

TEST_CASE("unexpected arguments are listed in the order given") {
  Result r = flowc("history . extra1 extra2 extra3");
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "flowc: The following arguments were not expected: extra1 extra2 extra3 (run `flowc history --help`)\n");
  Result one = flowc("check --frobnicate");
  CHECK(one.exit_code == 2);
  CHECK(one.err == "flowc: The following argument was not expected: --frobnicate (run `flowc check --help`)\n");
}

TEST_CASE("--param gives a param its value in plan, and a bad one is one line and exit 2") {
  fs::path dir = scratch("param");
  write(dir / "w.flow", R"(route r {
  owner  = "o"
  notify = [stderr()]
}

workflow w {
  owner      = "o"
  on_failure = alert(r)

  param ds: date = logical_date
  param region: string
  param lag: duration = 1h
  param offset: int = 0

  task out {
    writes  = "out"
    sql     = "select ${region} as region, ${lag} as lag, ${offset} as day_offset"
    publish = true
  }
}
)");
  Result missing = flowc("plan " + dir.string() + " --ds 2026-11-24");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "flowc: param `region` of workflow `w` has no default: give its value with --param region=VALUE\n");
  Result given = flowc("plan " + dir.string() + " --ds 2026-11-24 --param region=emea --param lag=90m --format json");
  INFO(given.err);
  CHECK(given.exit_code == 0);
  CHECK(given.out.find("\"name\": \"region\",\n      \"sql_type\": \"text\",\n      \"value\": \"emea\"") !=
        std::string::npos);
  CHECK(given.out.find("\"name\": \"lag\",\n      \"sql_type\": \"interval\",\n      \"value\": \"1h30m\"") !=
        std::string::npos);
  // A value given for one run may be negative, though no literal of the language is.
  Result negative =
      flowc("plan " + dir.string() + " --ds 2026-11-24 --param region=emea --param offset=-5 --format json");
  CHECK(negative.exit_code == 0);
  CHECK(
      negative.out.find("\"name\": \"offset\",\n      \"sql_type\": \"bigint\",\n      \"value\": \"-5\"") !=
      std::string::npos);
  CHECK(flowc("plan " + dir.string() + " --param region=emea --param lag=-5m").err ==
        "flowc: --param lag: `-5m` is not a duration such as 1h30m\n");
  Result shape = flowc("plan " + dir.string() + " --param region");
  CHECK(shape.exit_code == 2);
  CHECK(shape.err.find("write NAME=VALUE, such as --param region=emea") != std::string::npos);
  Result twice = flowc("plan " + dir.string() + " --param region=a --param region=b");
  CHECK(twice.exit_code == 2);
  CHECK(twice.err == "flowc: --param region given more than once: give it once\n");
  Result typed = flowc("plan " + dir.string() + " --param region=a --param lag=soon");
  CHECK(typed.exit_code == 2);
  CHECK(typed.err == "flowc: --param lag: `soon` is not a duration such as 1h30m\n");
  // graph and cutover lower the plan too: they take the --param the message asks for.
  Result graph = flowc("graph " + dir.string());
  CHECK(graph.exit_code == 2);
  CHECK(graph.err == "flowc: param `region` of workflow `w` has no default: give its value with --param region=VALUE\n");
  Result graphed = flowc("graph " + dir.string() + " --param region=emea");
  CHECK(graphed.exit_code == 0);
  CHECK(graphed.out.starts_with("digraph \"w\" {"));
  Result cutover = flowc("cutover w " + dir.string() + " --state-dsn host=/nonexistent");
  CHECK(cutover.exit_code == 2);
  CHECK(cutover.err == "flowc: param `region` of workflow `w` has no default: give its value with --param region=VALUE\n");
  Result cutover_given = flowc("cutover w " + dir.string() + " --param region=emea --state-dsn host=/nonexistent");
  CHECK(cutover_given.exit_code == 2);
  CHECK(cutover_given.err.find("param `region`") == std::string::npos);  // past the plan, to the state database
  CHECK(cutover_given.err.find("state database") != std::string::npos);
  // cutover has no --ds for a message to point to: it takes no date at all.
  Result cutover_ds =
      flowc("cutover w " + dir.string() + " --param ds=2026-01-01 --state-dsn host=/nonexistent");
  CHECK(cutover_ds.exit_code == 2);
  CHECK(cutover_ds.err ==
        "flowc: --param ds: cutover judges the workflow's recent runs, whatever their day: it takes no ds\n");
}

TEST_CASE("file(...) names a file of the project: an absolute path or one outside it is E0202") {
  fs::path dir = scratch("file_bound");
  fs::create_directories(dir / "sql");
  fs::create_directories(dir / "flows");
  write(dir / "flow.project", "project p {\n}\n");
  write(dir / "sql" / "c.sql", "select 1 as x\n");
  write(dir / "flows" / "w.flow", R"(workflow w {
  owner = "o"

  task a {
    writes  = "a"
    publish = true
    sql     = file("/proc/self/environ")
  }

  task b {
    writes  = "b"
    publish = true
    sql     = file("../../etc/passwd")
  }

  task c {
    writes  = "c"
    publish = true
    sql     = file("../sql/c.sql")
  }
}
)");
  Result r = flowc("check " + dir.string() + " --format github");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("line=7,col=20,title=E0202::`/proc/self/environ` is an absolute path") !=
        std::string::npos);
  CHECK(r.out.find("line=13,col=20,title=E0202::`../../etc/passwd` is outside the project") !=
        std::string::npos);
  CHECK(r.out.find("line=19") == std::string::npos);  // ../sql/c.sql is inside
  CHECK(r.out.find("environ") == r.out.rfind("environ"));  // named once, never read
}

TEST_CASE("a file(...) whose folder is missing is E0101 however the project is named, `.` included") {
  fs::path dir = scratch("file_missing_dir");
  fs::create_directories(dir);
  write(dir / "flow.project", "project p {\n}\n");
  write(dir / "w.flow",
        "workflow w {\n  owner = \"o\"\n\n  task t {\n    writes  = \"t\"\n    publish = true\n"
        "    sql     = file(\"sql/q.sql\")\n  }\n}\n");
  const std::string expected = "title=E0101::cannot read `sql/q.sql`: No such file or directory";
  Result absolute = flowc("check " + dir.string() + " --format github");
  CHECK(absolute.out.find(expected) != std::string::npos);
  // Relative to the working directory, no part of `sql/q.sql` exists: it
  // was taken for a link out of the project (E0202).
  Result here = flowc("check . --format github", Launch{"cd " + dir.string() + " &&"});
  CHECK(here.exit_code == 1);
  CHECK(here.out.find(expected) != std::string::npos);
  CHECK(here.out.find("E0202") == std::string::npos);
}

TEST_CASE("one project named two ways is checked once") {
  fs::path dir = scratch("named_twice") / "p";
  fs::create_directories(dir);
  write(dir / "flow.project", "project p {\n}\n");
  write(dir / "w.flow",
        "workflow w {\n  owner = \"o\"\n  task t {\n    after = [nope]\n"
        "    run   = command([\"true\"])\n  }\n}\n");
  const std::string parent = dir.parent_path().string();
  for (const std::string& args : std::vector<std::string>{"p p/", "p/w.flow p/./w.flow", "p " + dir.string(),
                                                          "p " + dir.string() + "/w.flow"}) {
    CAPTURE(args);
    Result r = flowc("check " + args, Launch{"cd " + parent + " &&"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.ends_with("error: 1 error emitted\n"));
  }
}

TEST_CASE("a folder of a project without .flow files of its own stands for the project above it") {
  fs::path project = copy_example("daily_kpi");
  const Launch in_sql{"cd " + (project / "sql").string() + " &&"};
  Result check = flowc("check", in_sql);
  CHECK(check.exit_code == 0);
  CHECK(check.err.empty());
  Result doc = flowc("doc daily_kpi", in_sql);
  CHECK(doc.exit_code == 0);
  CHECK(doc.out.find("defined at ../daily_kpi.flow:") != std::string::npos);
  // A folder in no project has nothing to check; once a project holds it, it has.
  fs::path empty = scratch("no_sources");
  fs::create_directories(empty / "sub");
  Result alone = flowc("check " + (empty / "sub").string());
  CHECK(alone.exit_code == 2);
  CHECK(alone.err.ends_with("no .flow files found in this directory\n"));
  write(empty / "flow.project", "project p {\n}\n");
  CHECK(flowc("check " + (empty / "sub").string()).exit_code == 0);
}

TEST_CASE("a folder holding several projects: plan, db start and db stop refuse alike, exit 2") {
  fs::path dir = scratch("several");
  for (const char* name : {"one", "two"}) {
    fs::create_directories(dir / name);
    write(dir / name / "flow.project", std::string("project ") + name + " {\n}\n");
    write(dir / name / "w.flow", "workflow w {\n  owner = \"o\"\n}\n");
  }
  std::string expected = "flowc: `" + dir.string() + "` holds 2 projects; name one project directory\n";
  for (const char* command : {"plan", "db start", "db stop"}) {
    CAPTURE(command);
    Result r = flowc(std::string(command) + " " + dir.string());
    CHECK(r.exit_code == 2);
    CHECK(r.err == expected);
    CHECK(r.out.empty());
  }
  CHECK_FALSE(fs::exists(dir / ".flow"));
  CHECK_FALSE(fs::exists(dir / "one" / ".flow"));
}

TEST_CASE("schedule --env that no target declares is said once, however many workflows are scheduled") {
  // examples/platform schedules two workflows on one target.
  Result r = flowc("schedule " + std::string(FLOWC_SOURCE_DIR) + "/examples/platform --env nope");
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "flowc: no environment `nope` on target `warehouse` (it has: dev, staging, and production, the "
        "default)\n");
}

TEST_CASE(
    "from a subdirectory of a project, a file or the directory is checked with the whole project, once") {
  // The route is declared at the project's root; the workflow one directory down uses it.
  fs::path dir = scratch("subdirectory");
  write(dir / "flow.project", "project p {\n}\n");
  write(dir / "routes.flow", "route team {\n  owner  = \"o\"\n  notify = [stderr()]\n}\n");
  fs::create_directories(dir / "flows" / "deeper");
  write(dir / "flows" / "w.flow", "workflow w {\n  owner = \"o\"\n  on_failure = alert(team)\n}\n");
  write(dir / "flows" / "deeper" / "v.flow",
        "workflow v {\n  owner = \"o\"\n  on_failure = alert(team)\n}\n");
  // A link to a directory of the project: the root is the link's ancestor.
  fs::create_directory_symlink("deeper", dir / "flows" / "lnk");
  for (const char* args : {"check w.flow", "check ./w.flow", "check .", "check", "check deeper/v.flow",
                           "check ../flows/w.flow", "check lnk/v.flow", "plan --workflow w"}) {
    CAPTURE(args);
    Result r = flowc(args, Launch{"cd " + (dir / "flows").string() + " &&"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("error") == std::string::npos);
    CHECK(r.err.find("already defined") == std::string::npos);
  }
}

TEST_CASE("a model-stage workflow without a target: run says how it may run, --env says there is no target") {
  fs::path dir = scratch("model-no-target");
  std::ofstream(dir / "flow.project") << "project p {\n}\n";
  std::ofstream(dir / "w.flow")
      << "workflow w {\n  owner = \"o\"\n  task t {\n    run = command([\"true\"])\n  }\n}\n";
  Result run = flowc("run " + dir.string() + " --ds 2026-01-01");
  CHECK(run.exit_code == 2);
  CHECK(run.err ==
        "flowc: workflow `w` is in stage `model` (the default): it may run only in a non-production "
        "environment "
        "(pass --env E, an `environment` of its target); a workflow that runs for real says `stage = mirror` "
        "or "
        "`stage = production`\n");
  Result dev = flowc("run " + dir.string() + " --ds 2026-01-01 --env dev");
  CHECK(dev.exit_code == 2);
  CHECK(dev.err ==
        "flowc: no environment `dev`: workflow `w` has no target (no `target = ...`, and no `default_target` "
        "in "
        "flow.project), so it runs only in production: declare a target with an `environment dev { ... }` "
        "block\n");
}

TEST_CASE("a .sql file that starts with a byte order mark runs without it, as psql -f reads it") {
  fs::path dir = scratch("sql-bom");
  fs::create_directories(dir / "sql");
  std::ofstream(dir / "flow.project") << "project p {\n}\n";
  std::ofstream(dir / "w.flow")
      << "workflow w {\n  owner = \"o\"\n  task t {\n"
         "    writes  = \"t\"\n    publish = true\n    sql     = file(\"sql/t.sql\")\n  }\n}\n";
  std::ofstream(dir / "sql" / "t.sql") << "\xEF\xBB\xBFselect 1 as x\n";
  Result plan = flowc("plan " + dir.string() + " --ds 2026-01-01 --format json");
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("\"select 1 as x") != std::string::npos);
  CHECK(plan.out.find("\xEF\xBB\xBF") == std::string::npos);
  CHECK(plan.out.find("\\ufeff") == std::string::npos);
}
