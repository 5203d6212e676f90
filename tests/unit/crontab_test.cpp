#include "compiler/cron/crontab.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "compiler/cron/job_name.h"
#include "compiler/format/format.h"
#include "compiler/project/project.h"
#include "tests/support/file_text.h"

using namespace flowc;
using namespace flowc::cron;

namespace {

std::string read_data(const std::string& relative) {
  const std::string path = std::string(FLOWC_SOURCE_DIR) + "/tests/data/crontab/" + relative;
  REQUIRE(std::filesystem::exists(path));
  return flowc::testing::file_text(path);
}

/// The names a job may not take, as `flowc inventory --import` gets them:
/// from the standard library checked alone.
bool reserved(std::string_view name) {
  static const std::unique_ptr<project::Compilation> language =
      project::compile_sources({}, std::string(FLOWC_SOURCE_DIR) + "/stdlib/std");
  return check::is_language_name(language->model, name);
}

/// The one block legacy_blocks prints for a one-line crontab.
std::string block_for(std::string_view line) {
  Crontab crontab = parse_crontab(line);
  REQUIRE(crontab.jobs.size() == 1);
  return legacy_blocks(crontab, "jobs.crontab", reserved);
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

/// The TODO of a block whose crontab sets no CRON_TZ.
const std::string kLocalZoneTodo =
    "  # TODO: cron ran this in its host's local time zone (the crontab sets no CRON_TZ): add "
    "`tz = \"Region/City\"` to the cron(...) above, unless the host runs in UTC\n";

size_t count_of(const std::string& haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("blank lines and comments are not jobs") {
  Crontab c = parse_crontab("\n   \n# a comment\n\t# indented comment\n");
  CHECK(c.jobs.empty());
  CHECK(c.problems.empty());
  CHECK(c.environment.empty());
}

TEST_CASE("environment assignments, with or without spaces and quotes") {
  Crontab c = parse_crontab(
      "MAILTO=ops@example.com\n"
      "PATH = /usr/bin:/bin\n"
      "SHELL= /bin/bash\n"
      "GREETING=\"hello world\"\n"
      "'QUOTED NAME' = 'x'\n"
      "EMPTY=\n");
  CHECK(c.problems.empty());
  REQUIRE(c.environment.size() == 6);
  CHECK(c.environment[0].name == "MAILTO");
  CHECK(c.environment[0].value == "ops@example.com");
  CHECK(c.environment[0].line == 1);
  CHECK(c.environment[1].name == "PATH");
  CHECK(c.environment[1].value == "/usr/bin:/bin");
  CHECK(c.environment[2].value == "/bin/bash");
  CHECK(c.environment[3].value == "hello world");
  CHECK(c.environment[4].name == "QUOTED NAME");
  CHECK(c.environment[4].value == "x");
  CHECK(c.environment[5].value == "");
}

TEST_CASE("a job: 5 fields and the rest of the line") {
  Crontab c = parse_crontab("0  7\t* * 1-5   psql -f /opt/jobs/refresh_kpi.sql  \n");
  REQUIRE(c.jobs.size() == 1);
  CHECK(c.jobs[0].line == 1);
  CHECK(c.jobs[0].schedule == "0 7 * * 1-5");
  CHECK(c.jobs[0].command == "psql -f /opt/jobs/refresh_kpi.sql");
  CHECK(c.jobs[0].comment.empty());
}

TEST_CASE("cronie's `-` before a job (no syslog) is read as the job") {
  Crontab c = parse_crontab("-0 5 * * * /opt/quiet.sh\n-@daily /opt/daily.sh\n");
  REQUIRE(c.jobs.size() == 2);
  CHECK(c.problems.empty());
  CHECK(c.jobs[0].schedule == "0 5 * * *");
  CHECK(c.jobs[0].command == "/opt/quiet.sh");
  CHECK(c.jobs[1].schedule == "@daily");
}

TEST_CASE("a sixth time field is imported as cron runs it, with a warning") {
  Crontab c = parse_crontab("0 7 * * * * /opt/cmd.sh\n0 7 * * * 2>&1 /opt/ok.sh\n");
  REQUIRE(c.jobs.size() == 2);
  CHECK(c.jobs[0].command == "* /opt/cmd.sh");
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].line == 1);
  CHECK(c.problems[0].message ==
        "the command starts with `*`, a sixth time field? cron has five and runs it as the command: imported as "
        "cron runs it");
}

TEST_CASE("a job with a macro") {
  Crontab c = parse_crontab("@daily /opt/jobs/cleanup.sh\n@HOURLY /opt/jobs/ping.sh\n");
  REQUIRE(c.jobs.size() == 2);
  CHECK(c.jobs[0].schedule == "@daily");
  CHECK(c.jobs[0].command == "/opt/jobs/cleanup.sh");
  CHECK(c.jobs[1].schedule == "@HOURLY");
}

TEST_CASE("CRLF line ends are accepted") {
  Crontab c = parse_crontab("# nightly\r\n0 1 * * * /opt/x.sh\r\n");
  REQUIRE(c.jobs.size() == 1);
  CHECK(c.jobs[0].command == "/opt/x.sh");
  CHECK(c.jobs[0].comment == "nightly");
}

TEST_CASE("`%` in a command: `\\%` is a `%`, an unescaped one ends the command and starts its stdin") {
  Crontab c = parse_crontab(
      "0 6 1 * * mail -s report ops%Hello%\\%done\n"
      "0 1 * * * date +\\%Y-\\%m > /tmp/x\n"
      "0 2 * * * printf 'a\\\\%' %a\\b\\\\%c%\n"
      "0 3 * * * %only stdin\n");
  REQUIRE(c.jobs.size() == 3);
  CHECK(c.jobs[0].command == "mail -s report ops");
  CHECK(c.jobs[0].input == "Hello\n%done");
  CHECK(c.jobs[1].command == "date +%Y-%m > /tmp/x");
  CHECK_FALSE(c.jobs[1].input);
  // As cronie does: in the command `\\` escapes nothing, so the `%` after it
  // cuts; in stdin the second `\\` escapes the `%` (and stays).
  CHECK(c.jobs[2].command == "printf 'a\\\\");
  CHECK(c.jobs[2].input == "' \na\\b\\%c\n");
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].line == 4);
  CHECK(c.problems[0].message == "job `0 3 * * *` has no command");
}

TEST_CASE("problems are reported with their line numbers") {
  Crontab c = parse_crontab(
      "0 7 * * * /ok.sh\n"
      "@reboot /opt/start.sh\n"
      "0 25 * * * /x.sh\n"
      "0 7 * *\n"
      "0 7 * * *\n"
      "@dayly /y.sh\n"
      "@daily\n"
      "this is not cron\n"
      "0 0 30 feb * /z.sh\n");
  CHECK(c.jobs.size() == 2);  // line 1 and line 9 (valid syntax, never fires: imported, and said)
  REQUIRE(c.problems.size() == 8);
  CHECK(c.problems[0].line == 2);
  CHECK(c.problems[0].message == "`@reboot` runs once when the machine starts and has no schedule: migrate it by hand");
  CHECK(c.problems[1].line == 3);
  CHECK(c.problems[1].message == "invalid schedule `0 25 * * *`: hour 25 is out of range 0-23");
  CHECK(c.problems[2].line == 4);
  CHECK(c.problems[2].message == "expected 5 schedule fields and a command, found 4 fields");
  CHECK(c.problems[3].line == 5);
  CHECK(c.problems[3].message == "job `0 7 * * *` has no command");
  CHECK(c.problems[4].line == 6);
  CHECK(c.problems[4].message ==
        "invalid schedule: unknown macro `@dayly`, expected @yearly, @annually, @monthly, @weekly, @daily, "
        "@midnight or @hourly");
  CHECK(c.problems[5].line == 7);
  CHECK(c.problems[5].message == "job `@daily` has no command");
  CHECK(c.problems[6].line == 8);
  CHECK(c.problems[6].message == "expected a job, an environment assignment or a comment");
  CHECK(c.problems[7].line == 9);
  CHECK(c.problems[7].message ==
        "schedule `0 0 30 feb *` never fires (none of its months has that day): imported with the schedule "
        "commented out");
}

TEST_CASE("a user crontab has no user field: the word after the schedule is the command's") {
  Crontab c = parse_crontab("17 * * * * root cd / && run-parts --report /etc/cron.hourly\n");
  REQUIRE(c.jobs.size() == 1);
  CHECK(c.jobs[0].command == "root cd / && run-parts --report /etc/cron.hourly");
  CHECK(c.jobs[0].user == "");
}

TEST_CASE("a system crontab's user field is the job's user, not part of its command") {
  CHECK(flowc::cron::crontab_kind_of("/etc/crontab") == flowc::cron::CrontabKind::System);
  CHECK(flowc::cron::crontab_kind_of("/etc/cron.d/etl") == flowc::cron::CrontabKind::System);
  CHECK(flowc::cron::crontab_kind_of("/etc//cron.d/./etl") == flowc::cron::CrontabKind::System);
  CHECK(flowc::cron::crontab_kind_of("/home/me/crontab") == flowc::cron::CrontabKind::User);
  const std::string text =
      "# m h dom mon dow user command\n"
      "17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n"
      "@daily etl /opt/etl/load.sh\n"
      "30 2 * * *\n";
  Crontab c = parse_crontab(text, flowc::cron::CrontabKind::System);
  REQUIRE(c.jobs.size() == 2);
  CHECK(c.jobs[0].user == "root");
  CHECK(c.jobs[0].command == "cd / && run-parts --report /etc/cron.hourly");
  CHECK(c.jobs[0].comment == "");  // the template's header is not a doc comment
  CHECK(c.jobs[1].user == "etl");
  CHECK(c.jobs[1].command == "/opt/etl/load.sh");
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].line == 4);
  std::string blocks = legacy_blocks(c, "/etc/cron.d/etl", [](std::string_view) { return false; });
  CHECK(
      blocks.find("  command  = \"/opt/etl/load.sh\"\n"
                  "  enabled  = true\n" +
                  kLocalZoneTodo +
                  "  # TODO: cron runs it as user `etl` (a system crontab's user field): run the task where "
                  "that user's rights are\n") != std::string::npos);
}

TEST_CASE("the comment directly above a job is its comment") {
  Crontab c = parse_crontab(
      "# Separated by a blank line: not attached.\n"
      "\n"
      "# First line.\n"
      "#   Second line.\n"
      "# ----------\n"
      "0 1 * * * /a.sh\n"
      "0 2 * * * /b.sh\n"
      "# Above an assignment: not attached.\n"
      "X=1\n"
      "0 3 * * * /c.sh\n"
      "##########\n"
      "## Banner\n"
      "##########\n"
      "0 4 * * * /d.sh\n");
  REQUIRE(c.jobs.size() == 4);
  CHECK(c.jobs[0].comment == "First line.\nSecond line.");
  CHECK(c.jobs[1].comment.empty());
  CHECK(c.jobs[2].comment.empty());
  CHECK(c.jobs[3].comment == "Banner");
}

TEST_CASE("a commented-out job and the template header are not doc comments") {
  Crontab c = parse_crontab(
      "# Old export, kept for reference\n"
      "#0 5 * * * /opt/old_export.sh\n"
      "0 6 * * * /opt/new_export.sh\n"
      "# m h  dom mon dow   command\n"
      "0 7 * * * /opt/other.sh\n");
  REQUIRE(c.jobs.size() == 2);
  CHECK(c.jobs[0].comment.empty());
  CHECK(c.jobs[1].comment.empty());
}

TEST_CASE("an unknown CRON_TZ is a problem with a suggestion") {
  Crontab c = parse_crontab("CRON_TZ=Europe/Berln\n0 7 * * * /x.sh\n");
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].line == 1);
  CHECK(c.problems[0].message == "unknown time zone `Europe/Berln` in CRON_TZ (did you mean `Europe/Berlin`?)");
  CHECK(contains(legacy_blocks(c, "x", reserved), "schedule = cron(\"0 7 * * *\")\n"));
}

TEST_CASE("a valid CRON_TZ becomes the schedule's time zone for the jobs below it") {
  Crontab c = parse_crontab("0 6 * * * /before.sh\nCRON_TZ=Europe/Berlin\n0 7 * * * /after.sh\n");
  std::string out = legacy_blocks(c, "x", reserved);
  CHECK(contains(out, "schedule = cron(\"0 6 * * *\")\n"));
  CHECK(contains(out, "schedule = cron(\"0 7 * * *\", tz = \"Europe/Berlin\")\n"));
}

TEST_CASE("job names come from the script or program the command runs") {
  CHECK(job_name("psql -f /opt/jobs/refresh_kpi.sql", reserved) == "refresh_kpi");
  CHECK(job_name("/usr/local/bin/backup.sh --full", reserved) == "backup");
  CHECK(job_name("cd /opt/etl && python3 load_orders.py --incremental", reserved) == "load_orders");
  CHECK(job_name("python3 -m etl.jobs.sync_crm", reserved) == "sync_crm");
  CHECK(job_name("/usr/bin/php /var/www/artisan schedule:run", reserved) == "artisan");
  CHECK(job_name("sleep 30; /opt/jobs/Nightly-Rollup.sh > /dev/null 2>&1", reserved) == "nightly_rollup");
  CHECK(job_name("PGOPTIONS='-c x=1' nice -n 10 timeout 2h /opt/jobs/vacuum.sh", reserved) == "vacuum");
  CHECK(job_name("flock -n /tmp/sales.lock /opt/jobs/sales-report.py --format pdf", reserved) == "sales_report");
  CHECK(job_name("flock /tmp/l -c '/opt/jobs/inner.sh'", reserved) == "inner");
  CHECK(job_name("bash -c \"cd /srv && ./deploy_site.sh\"", reserved) == "deploy_site");
  CHECK(job_name("java -jar /opt/etl/ETL-Loader.jar", reserved) == "etl_loader");
  CHECK(job_name(">>/var/log/x.log 2>&1 /opt/jobs/quiet.sh", reserved) == "quiet");
  CHECK(job_name("/opt/jobs/export_invoices.sh %$(date +\\%Y-\\%m)%", reserved) == "export_invoices");
  CHECK(job_name("curl -fsS https://hc-ping.com/abc", reserved) == "curl");
  CHECK(job_name("find /var/tmp -mtime +7 -delete", reserved) == "find");
}

TEST_CASE("job names are valid identifiers and never keywords") {
  CHECK(job_name("/opt/2fa-rotate.sh", reserved) == "job_2fa_rotate");
  CHECK(job_name("/opt/source.sh", reserved) == "source_job");
  CHECK(job_name("/opt/task.py", reserved) == "task_job");
  CHECK(job_name("psql -f merge.sql", reserved) == "merge_job");
  CHECK(job_name("'  '", reserved) == "job");
  CHECK(job_name("/opt/Über-Sync.sh", reserved) == "ber_sync");
  std::string long_name = job_name("/opt/" + std::string(100, 'a') + ".sh", reserved);
  CHECK(long_name == std::string(40, 'a'));
}

TEST_CASE("names are unique within the output") {
  Crontab c = parse_crontab(
      "0 1 * * * /opt/backup.sh --db a\n"
      "0 2 * * * /opt/backup.sh --db b\n"
      "0 3 * * * /srv/backup.py\n");
  std::string out = legacy_blocks(c, "x", reserved);
  CHECK(contains(out, "legacy backup {\n"));
  CHECK(contains(out, "legacy backup_2 {\n"));
  CHECK(contains(out, "legacy backup_3 {\n"));
}

TEST_CASE("commands are escaped for a .flow string") {
  std::string out = block_for(R"(0 1 * * * echo "a\b" ${HOME} $$ $1 > /tmp/x)");
  CHECK(contains(out, R"(  command  = "echo \"a\\b\" $${HOME} $$ $1 > /tmp/x")"));
  CHECK(contains(block_for("0 1 * * * printf 'a\tb'"), R"(command  = "printf 'a\tb'")"));
}

TEST_CASE("a job's stdin is a TODO, `\\%` is written `%`") {
  std::string out = block_for("0 6 1 * * /opt/export.sh %2026%");
  CHECK(contains(
      out, "  command  = \"/opt/export.sh\"\n  enabled  = true\n" + kLocalZoneTodo +
               "  # TODO: cron fed the rest of the line, after an unescaped `%`, to the command's stdin: "
               "\"2026\\n\"\n"));
  std::string escaped = block_for("0 6 1 * * date +\\%F");
  CHECK(contains(escaped, "  command  = \"date +%F\"\n"));
  CHECK(!contains(escaped, "stdin"));
}

TEST_CASE("the comment becomes a doc comment and the block has every inventory field") {
  std::string out = block_for("# Refresh KPIs.\n0 7 * * * psql -f /opt/jobs/refresh_kpi.sql\n");
  CHECK(out ==
        "## Refresh KPIs.\n"
        "legacy refresh_kpi {\n"
        "  schedule = cron(\"0 7 * * *\")\n"
        "  command  = \"psql -f /opt/jobs/refresh_kpi.sql\"\n"
        "  enabled  = true\n" +
            kLocalZoneTodo +
            "  # uncomment each field below once it is filled in (`flowc inventory` lists the ones still "
            "missing)\n"
            "  # owner     = \"team\"                              # TODO: the owning team\n"
            "  # reads     = [\"schema.table\"]                    # TODO: the tables it reads\n"
            "  # writes    = [\"schema.table\"]                    # TODO: the tables it writes\n"
            "  # runtime   = 10m                                 # TODO: how long a run usually takes\n"
            "  # consumers = [\"dashboard or team\"]               # TODO: who uses what it writes\n"
            "  # symptoms  = \"...\"                               # TODO: what users notice when it does "
            "not run\n"
            "  # rollback  = \"re-enable line 2 of jobs.crontab\"  # TODO: how to undo the migration\n"
            "}\n");
}

TEST_CASE("the hint sends the user to what lists every missing field") {
  // W0405 asks only for owner, writes, consumers and rollback; reads, runtime
  // and symptoms are missing too until filled in, and only the inventory says so.
  std::string out = block_for("0 7 * * * /x.sh\n");
  CHECK(contains(out, "# uncomment each field below once it is filled in (`flowc inventory` lists the ones still missing)\n"));
  CHECK(!contains(out, "W0405"));
}

TEST_CASE("variables that may hold secrets are named, not printed") {
  std::string out = legacy_blocks(parse_crontab("PGPASSWORD=hunter2\nSHELL=/bin/bash\n0 1 * * * /x.sh\n"), "x", reserved);
  CHECK(contains(out, "# note: the crontab sets PGPASSWORD, SHELL=/bin/bash for this job\n"));
  CHECK(!contains(out, "hunter2"));
}

TEST_CASE("a variable shown in the note has its control characters shown as pictures") {
  std::string out =
      legacy_blocks(parse_crontab("PATH=/usr/bin\x1b[2J:/bin\n0 1 * * * /x.sh\n"), "x", reserved);
  CHECK(contains(out, "# note: the crontab sets PATH=/usr/bin\u241b[2J:/bin for this job\n"));
  CHECK(!contains(out, "\x1b"));
}

TEST_CASE("the output is deterministic and has no header") {
  std::string text = read_data("etl-01.crontab");
  std::string a = legacy_blocks(parse_crontab(text), "etl-01.crontab", reserved);
  std::string b = legacy_blocks(parse_crontab(text), "etl-01.crontab", reserved);
  CHECK(a == b);
  CHECK(a.rfind("## ", 0) == 0);  // starts with the first job's doc comment
  CHECK(legacy_blocks(Crontab{}, "x", reserved).empty());
}

TEST_CASE("the sample crontab etl-01 imports exactly as expected") {
  Crontab c = parse_crontab(read_data("etl-01.crontab"));
  CHECK(c.jobs.size() == 8);
  REQUIRE(c.problems.size() == 3);
  CHECK(c.problems[0].line == 33);
  CHECK(c.problems[0].message == "`@reboot` runs once when the machine starts and has no schedule: migrate it by hand");
  CHECK(c.problems[1].line == 35);
  CHECK(c.problems[1].message == "invalid schedule `0 25 * * *`: hour 25 is out of range 0-23");
  CHECK(c.problems[2].line == 36);
  CHECK(c.problems[2].message == "expected a job, an environment assignment or a comment");
  // The expected text was reviewed by hand; on an intended change, regenerate
  // it with `flowc inventory --import crontab` and review the diff.
  CHECK(legacy_blocks(c, "etl-01.crontab", reserved) == read_data("etl-01.flow"));
}

TEST_CASE("the imported blocks parse, are already formatted and check with only W0405") {
  std::string text = legacy_blocks(parse_crontab(read_data("etl-01.crontab")), "etl-01.crontab", reserved);
  auto compilation = project::compile_sources({{"legacy.flow", text}}, std::string(FLOWC_SOURCE_DIR) + "/stdlib/std");
  REQUIRE(compilation->trees.size() == 1);
  FileId file = *compilation->sources.find("legacy.flow");
  size_t incomplete = 0;
  for (const Diagnostic& d : compilation->diagnostics.diagnostics()) {
    if (!(d.range.file == file)) continue;  // the standard library is not under test here
    LineCol at = compilation->sources.buffer(file).line_col(d.range.begin);
    CAPTURE(at.line);
    CAPTURE(d.message);
    CHECK(d.code() == "W0405");
    incomplete += d.code() == "W0405" ? 1 : 0;
  }
  CHECK(incomplete == 8);  // one per job: owner, writes, consumers and rollback are still TODO
  CHECK(format::format(compilation->trees[0], compilation->sources.buffer(file)) == text);
}

TEST_CASE("a job named after any name of the language still checks with only W0405") {
  // Every standard-library function and enum value, and some keywords: the
  // names come from the stdlib itself, so a new stdlib function is covered.
  static const std::unique_ptr<project::Compilation> language =
      project::compile_sources({}, std::string(FLOWC_SOURCE_DIR) + "/stdlib/std");
  std::vector<std::string> names = {"task", "legacy", "true", "self", "in"};
  for (const model::Symbol& sym : language->model.symbols) {
    if (sym.in_stdlib && (sym.kind == model::SymbolKind::Function || sym.kind == model::SymbolKind::EnumValue))
      names.push_back(sym.name);
  }
  for (const char* name : {"logical_date", "null_rate", "null_count", "fixed", "partition_exists",
                           "overwrite_partition", "accepted_values", "invalid_count", "distinct_count",
                           "duplicate_count"}) {
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  }
  std::string crontab;
  for (const std::string& name : names) crontab += "0 1 * * * /opt/" + name + ".sh\n";
  std::string text = legacy_blocks(parse_crontab(crontab), "x", reserved);
  CHECK(contains(text, "legacy logical_date_job {\n"));
  CHECK(contains(text, "legacy task_job {\n"));
  auto compilation = project::compile_sources({{"legacy.flow", text}}, std::string(FLOWC_SOURCE_DIR) + "/stdlib/std");
  FileId file = *compilation->sources.find("legacy.flow");
  for (const Diagnostic& d : compilation->diagnostics.diagnostics()) {
    if (!(d.range.file == file)) continue;
    CAPTURE(d.message);
    CHECK(d.code() == "W0405");
  }
}

TEST_CASE("a line repeated in the crontab is imported twice, with a TODO naming the first") {
  std::string out = legacy_blocks(parse_crontab("0 5 * * * /opt/load_orders.py\n"
                                                "0 5 * * * /opt/load_orders.py\n"
                                                "0 6 * * * /opt/load_orders.py\n"
                                                "0 5 * * * /opt/load_orders.py\n"),
                                  "x", reserved);
  const std::string todo =
      "  # TODO: the same command as line 1 (`load_orders`), on the same schedule: cron runs it twice; "
      "confirm this duplicate schedule, or delete one line\n";
  CHECK(contains(out,
                 "legacy load_orders_2 {\n  schedule = cron(\"0 5 * * *\")\n"
                 "  command  = \"/opt/load_orders.py\"\n  enabled  = true\n" +
                     kLocalZoneTodo + todo));
  // Another schedule is another job; the fourth line repeats the first too.
  CHECK(contains(out,
                 "legacy load_orders_3 {\n  schedule = cron(\"0 6 * * *\")\n"
                 "  command  = \"/opt/load_orders.py\"\n  enabled  = true\n" +
                     kLocalZoneTodo + "  # uncomment"));
  CHECK(contains(out,
                 "legacy load_orders_4 {\n  schedule = cron(\"0 5 * * *\")\n"
                 "  command  = \"/opt/load_orders.py\"\n  enabled  = true\n" +
                     kLocalZoneTodo + todo));
  // A different time zone is not a repeat.
  std::string zones = legacy_blocks(
      parse_crontab("0 5 * * * /opt/a.sh\nCRON_TZ=Europe/Berlin\n0 5 * * * /opt/a.sh\n"), "x", reserved);
  CHECK(!contains(zones, "TODO: the same command"));
}

TEST_CASE("a repeated job is found by when it fires, not by how its schedule is written") {
  std::string out = legacy_blocks(parse_crontab("0 7 * * * /opt/a.sh\n"
                                                "0 07 * * * /opt/a.sh\n"
                                                "@daily /opt/b.sh\n"
                                                "0 0 * * * /opt/b.sh\n"
                                                "0 0 * * 7 /opt/c.sh\n"
                                                "0 0 * * sun /opt/c.sh\n"
                                                "0 0 1 * * /opt/d.sh\n"
                                                "0 0 * * 1 /opt/d.sh\n"),
                                  "x", reserved);
  CHECK(contains(out, "# TODO: the same command as line 1 (`a`), on the same schedule"));
  CHECK(contains(out, "# TODO: the same command as line 3 (`b`), on the same schedule"));
  CHECK(contains(out, "# TODO: the same command as line 5 (`c`), on the same schedule"));
  // The first of the month and every Monday are two schedules.
  CHECK(!contains(out, "the same command as line 7"));
}

TEST_CASE("a schedule that never fires is imported commented out under a TODO, and the block still checks") {
  Crontab c = parse_crontab("0 0 31 2 * /opt/feb.sh\n15 6 30 2 * /opt/feb.sh\n0 7 * * * /opt/daily.sh\n");
  REQUIRE(c.jobs.size() == 3);
  CHECK(c.jobs[0].never_fires);
  CHECK(c.jobs[1].never_fires);
  CHECK_FALSE(c.jobs[2].never_fires);
  REQUIRE(c.problems.size() == 2);
  CHECK(c.problems[0].line == 1);
  CHECK(c.problems[0].message ==
        "schedule `0 0 31 2 *` never fires (none of its months has that day): imported with the schedule commented "
        "out");
  CHECK(c.problems[1].line == 2);

  std::string text = legacy_blocks(c, "x", reserved);
  CHECK(contains(text, "legacy feb {\n"
                       "  # TODO: this schedule never fires (none of its months has that day), so cron never runs "
                       "the job: correct it, then uncomment it\n"
                       "  # schedule = cron(\"0 0 31 2 *\")\n"
                       "  command = \"/opt/feb.sh\"\n"
                       "  enabled = true\n"));
  CHECK(contains(text, "  # schedule = cron(\"15 6 30 2 *\")\n  command = \"/opt/feb.sh\"\n"));
  CHECK(contains(text, "legacy daily {\n  schedule = cron(\"0 7 * * *\")\n  command  = \"/opt/daily.sh\"\n"));

  // cli.md: the import checks clean apart from W0405, and is already formatted.
  auto compilation = project::compile_sources({{"legacy.flow", text}}, std::string(FLOWC_SOURCE_DIR) + "/stdlib/std");
  REQUIRE(compilation->trees.size() == 1);
  FileId file = *compilation->sources.find("legacy.flow");
  size_t incomplete = 0;
  for (const Diagnostic& d : compilation->diagnostics.diagnostics()) {
    if (!(d.range.file == file)) continue;
    CAPTURE(d.message);
    CHECK(d.code() == "W0405");
    incomplete += 1;
  }
  CHECK(incomplete == 3);
  CHECK(format::format(compilation->trees[0], compilation->sources.buffer(file)) == text);
}

TEST_CASE("secrets written in a job's line are withheld, with a TODO saying so") {
  const std::string text =
      "# connect with postgresql://etl:LeakMe4@db/wh\n"
      "25 2 * * * PGPASSWORD=Sup3rS3cret psql -h db -U etl -c \"select 1\"\n"
      "30 2 * * * psql \"postgresql://etl:Pa55w0rdX@db.internal:5432/wh\" -f /opt/sql/nightly.sql\n"
      "35 2 * * * mysql -uroot -pMyPassZZ -e \"optimize table t\"\n"
      "40 2 * * * curl -u admin:CurlPassQQ https://api.example.com/trigger\n"
      "45 2 * * * /opt/load.sh --api-token=TokenYY1 --password 'Two words' batch_size=1\n"
      "50 2 * * * mysql -u etl -p%SecretStdin%\n";
  const std::string out = legacy_blocks(parse_crontab(text), "x", reserved);
  for (const char* secret :
       {"LeakMe4", "Sup3rS3cret", "Pa55w0rdX", "MyPassZZ", "CurlPassQQ", "TokenYY1", "Two words"})
    CHECK_MESSAGE(!contains(out, secret), secret);
  CHECK(contains(out, "## connect with postgresql://etl:***@db/wh\n"));
  CHECK(contains(out, "command  = \"PGPASSWORD=*** psql -h db -U etl -c \\\"select 1\\\"\"\n"));
  CHECK(contains(
      out, "command  = \"psql \\\"postgresql://etl:***@db.internal:5432/wh\\\" -f /opt/sql/nightly.sql\"\n"));
  CHECK(contains(out, "command  = \"mysql -uroot -p*** -e \\\"optimize table t\\\"\"\n"));
  CHECK(contains(out, "command  = \"curl -u admin:*** https://api.example.com/trigger\"\n"));
  // A value that is no secret keeps every occurrence, `1` included.
  CHECK(contains(out, "command  = \"/opt/load.sh --api-token=*** --password '***' batch_size=1\"\n"));
  CHECK(count_of(out, "# TODO: a secret written in the crontab line was withheld (`***`)") == 6);
  // `-p` with nothing after it reads the password from stdin: cron's `%` text.
  CHECK(!contains(out, "SecretStdin"));
  CHECK(contains(out, "to the command's stdin: \"***\"\n"));
}

TEST_CASE(
    "secrets in web URLs, headers and the options of sshpass, redis-cli, openssl and lftp are withheld") {
  const std::string text =
      "0 1 * * * curl https://HookTok1@hooks.example.com/y\n"
      "0 2 * * * curl 'https://x.example.com/y?token=QueryTok2&ok=1'\n"
      "0 3 * * * curl -H 'Authorization: Bearer BearTok3' https://x.example.com/y\n"
      "0 4 * * * curl -H \"X-Api-Key: ApiKey4\" https://x.example.com/y\n"
      "0 5 * * * sshpass -p SshPass5 ssh host ls\n"
      "0 6 * * * redis-cli -a RedisPass6 ping\n"
      "0 7 * * * openssl enc -k OsslPass7 -in a -out b\n"
      "0 8 * * * lftp -u user,LftpPass8 ftp.example.com\n"
      "0 9 * * * git clone ssh://git@github.com/x/y /tmp/y\n"
      "0 10 * * * curl -d @m.json https://hooks.slack.com/services/T000/B000/SlackTok9\n"
      "0 11 * * * curl https://discord.com/api/webhooks/123/DiscordTok10?wait=true\n";
  const std::string out = legacy_blocks(parse_crontab(text), "x", reserved);
  for (const char* secret : {"HookTok1", "QueryTok2", "BearTok3", "ApiKey4", "SshPass5", "RedisPass6",
                             "OsslPass7", "LftpPass8", "SlackTok9", "DiscordTok10"})
    CHECK_MESSAGE(!contains(out, secret), secret);
  // A chat service's incoming webhook: its path's last part is the token.
  CHECK(contains(out, "command  = \"curl -d @m.json https://hooks.slack.com/services/T000/B000/***\"\n"));
  CHECK(contains(out, "command  = \"curl https://discord.com/api/webhooks/123/***?wait=true\"\n"));
  CHECK(contains(out, "command  = \"curl https://***@hooks.example.com/y\"\n"));
  CHECK(contains(out, "command  = \"curl 'https://x.example.com/y?token=***&ok=1'\"\n"));
  CHECK(contains(out, "command  = \"curl -H 'Authorization: ***' https://x.example.com/y\"\n"));
  CHECK(contains(out, "command  = \"lftp -u user,*** ftp.example.com\"\n"));
  // ssh's user is no secret.
  CHECK(contains(out, "command  = \"git clone ssh://git@github.com/x/y /tmp/y\"\n"));
  CHECK(count_of(out, "# TODO: a secret written in the crontab line was withheld (`***`)") == 10);
}

TEST_CASE("a crontab that starts with a byte order mark keeps its first job") {
  Crontab crontab = parse_crontab(
      "\xEF\xBB\xBF"
      "0 2 * * * /opt/first.sh\n5 2 * * * /opt/second.sh\n");
  CHECK(crontab.problems.empty());
  REQUIRE(crontab.jobs.size() == 2);
  CHECK(crontab.jobs[0].command == "/opt/first.sh");
}

TEST_CASE(
    "without CRON_TZ a block says cron ran in the host's zone, and an unknown CRON_TZ says it was not used") {
  const std::string local = block_for("0 7 * * * /opt/x.sh");
  CHECK(contains(local, "  schedule = cron(\"0 7 * * *\")\n"));
  CHECK(contains(local,
                 "  # TODO: cron ran this in its host's local time zone (the crontab sets no CRON_TZ): add "
                 "`tz = \"Region/City\"` to the cron(...) above, unless the host runs in UTC\n"));
  const std::string typo =
      legacy_blocks(parse_crontab("CRON_TZ=America/New_Yrok\n0 2 * * * /opt/typo.sh\n"), "x", reserved);
  CHECK(contains(typo, "  schedule = cron(\"0 2 * * *\")\n"));
  CHECK(contains(
      typo,
      "  # TODO: CRON_TZ `America/New_Yrok` is not a time zone this machine knows, so the schedule above "
      "is read in UTC: add `tz = \"America/New_York\"` to the cron(...)\n"));
  const std::string zoned =
      legacy_blocks(parse_crontab("CRON_TZ=Europe/Berlin\n0 2 * * * /opt/z.sh\n"), "x", reserved);
  CHECK(contains(zoned, "cron(\"0 2 * * *\", tz = \"Europe/Berlin\")"));
  CHECK(!contains(zoned, "time zone"));
}

TEST_CASE("control characters from the crontab never reach the output raw") {
  const std::string out =
      legacy_blocks(parse_crontab("# title \x1b]0;pwned\x07 here\n0 1 * * * /opt/a.sh \xc2\x9b"
                                  "31m\n"),
                    "x", reserved);
  CHECK(!contains(out, "\x1b"));
  CHECK(!contains(out, "\x07"));
  CHECK(!contains(out, "\xc2\x9b"));
  CHECK(contains(out, "## title \xe2\x90\x9b]0;pwned\xe2\x90\x87 here\n"));  // control pictures
  CHECK(contains(out, "command  = \"/opt/a.sh \\u{9b}31m\"\n"));
}

TEST_CASE("a crontab reached through a link or a relative path into /etc/cron.d is a system crontab") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("flowc-crontab-kind-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::error_code ec;
  fs::create_directory_symlink("/etc/cron.d", dir / "system", ec);
  REQUIRE_FALSE(ec);
  CHECK(crontab_kind_of((dir / "system" / "e2scrub_all").string()) == CrontabKind::System);
  CHECK(crontab_kind_of((dir / "e2scrub_all").string()) == CrontabKind::User);
  fs::remove_all(dir);
}

TEST_CASE("ten thousand jobs of one program get names psql, psql_2, ... in order") {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "0 1 * * * psql -c \"select " + std::to_string(i) + "\"\n";
  const std::string out = legacy_blocks(parse_crontab(text), "x", reserved);
  CHECK(contains(out, "legacy psql {\n"));
  CHECK(contains(out, "legacy psql_2 {\n"));
  CHECK(contains(out, "legacy psql_10000 {\n"));
  CHECK(!contains(out, "legacy psql_10001 {\n"));
}
