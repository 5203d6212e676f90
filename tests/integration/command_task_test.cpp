// One attempt of a command task through the runner (a real subprocess):
// exit codes and their classes, secrets kept out of the attempt log, the
// log while the command runs, and what a command leaves running.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>

#include "tests/integration/materialize_support.h"
#include "tests/support/process_state.h"

using namespace flowc;
using namespace flowc::testing;
using namespace std::chrono_literals;
using runtime::AttemptResult;
using runtime::ErrorClass;

namespace {

plan::Task command_task(std::vector<std::string> argv, int64_t timeout = 0) {
  plan::Task t;
  t.name = "export";
  t.kind = plan::TaskKind::Command;
  t.argv = std::move(argv);
  t.timeout_seconds = timeout;
  return t;
}

}  // namespace

TEST_CASE("command tasks: exit codes and their classes") {
  Db db;
  SUBCASE("exit 0 with the documented environment") {
    uint32_t t = db.add(command_task({"sh", "-c", "echo ds=$FLOW_DS task=$FLOW_TASK run=$FLOW_RUN_ID attempt=$FLOW_ATTEMPT; pwd"}));
    AttemptResult r = db.run(t);
    CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
    CHECK(r.exit_code == 0);
    std::string log = db.last_log();
    CHECK(log.find("ds=2026-11-24 task=export run=42 attempt=1") != std::string::npos);
    CHECK(log.find(db.logs) != std::string::npos);  // ran in the project directory
  }
  SUBCASE("the environment is exactly the documented one; in a mirror run it names the mirror table") {
    ::setenv("FLOWC_TEST_LEAK", "1", 1);
    ::setenv("PGPASSWORD", "hunter2", 1);
    db.plan.stage = plan::Stage::Mirror;
    uint32_t t = db.add(command_task({"sh", "-c", "env | cut -d= -f1 | sort | tr '\\n' ' '; echo; "
                                                  "echo stage=$FLOW_STAGE output=$FLOW_OUTPUT env=$FLOW_ENV"}));
    db.plan.tasks[t].output = plan::TableName{"dash__mirror", "kpi_daily"};
    AttemptResult r = db.run(t);
    ::unsetenv("FLOWC_TEST_LEAK");
    ::unsetenv("PGPASSWORD");
    REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
    std::string log = db.last_log();
    // sh adds PWD; the rest is what flowc passed.
    std::vector<std::string> names = {"FLOW_ATTEMPT",     "FLOW_DS",         "FLOW_ENV",    "FLOW_OUTPUT",
                                      "FLOW_PROJECT_DIR", "FLOW_RUNNER_PID", "FLOW_RUN_ID", "FLOW_STAGE",
                                      "FLOW_TASK",        "FLOW_WORKFLOW",   "PWD"};
    for (const char* name : {"HOME", "LANG", "PATH", "TZ"})
      if (std::getenv(name)) names.emplace_back(name);
    std::sort(names.begin(), names.end());
    std::string expected;
    for (const std::string& name : names) expected += name + " ";
    CHECK_MESSAGE(log.find(expected + "\n") != std::string::npos, log);
    CHECK(log.find("stage=mirror output=\"dash__mirror\".\"kpi_daily\" env=production") != std::string::npos);
    // The mirror schema is flowc's name: it exists before the command runs.
    CHECK(db.scalar("select count(*) from pg_namespace where nspname = 'dash__mirror'") == "1");
  }
  SUBCASE("a production run's output schema is the command's own: flowc does not create it") {
    uint32_t t = db.add(command_task({"true"}));
    db.plan.tasks[t].output = plan::TableName{"dash", "kpi_daily"};
    REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
    CHECK(db.scalar("select count(*) from pg_namespace where nspname = 'dash'") == "0");
  }
  SUBCASE("exit 75 is transient") {
    AttemptResult r = db.run(db.add(command_task({"sh", "-c", "exit 75"})));
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.exit_code == 75);
    CHECK(r.error_class == ErrorClass::Transient);
  }
  SUBCASE("exit 3 is permanent, its output is in the log, and its last line in the message") {
    AttemptResult r = db.run(db.add(
        command_task({"sh", "-c", "echo starting; echo the server refused the upload >&2; echo; exit 3"})));
    CHECK(r.exit_code == 3);
    CHECK(r.error_class == ErrorClass::Permanent);
    CHECK(r.message == "exited with 3: the server refused the upload");
    CHECK(db.last_log().find("starting") != std::string::npos);
  }
  SUBCASE("a timeout kills the process group") {
    auto start = std::chrono::steady_clock::now();
    AttemptResult r = db.run(db.add(command_task({"sh", "-c", "sleep 30 & sleep 30"}, 1)));
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    CHECK(r.error_class == ErrorClass::Timeout);
  }
  SUBCASE("a timeout also kills what the command started in a session of its own") {
    // `setsid` takes the sleep out of the command's process group; it keeps
    // the attempt's environment, which is how flowc finds it.
    AttemptResult r = db.run(
        db.add(command_task({"sh", "-c", "setsid sleep 7782 >/dev/null 2>&1 </dev/null & sleep 30"}, 1)));
    CHECK(r.error_class == ErrorClass::Timeout);
    CHECK(processes_running(std::string("sleep\0"
                                        "7782",
                                        10)) == 0);
    CHECK(db.last_log().find("killed 1 process group the command started outside its own (setsid)") !=
          std::string::npos);
  }
  SUBCASE("a stop request kills it") {
    uint32_t t = db.add(command_task({"sleep", "30"}));
    std::stop_source stop;
    runtime::AttemptContext c = db.context(t);
    c.stop = stop.get_token();
    std::thread fence([&] {
      std::this_thread::sleep_for(200ms);
      stop.request_stop();
    });
    AttemptResult r = db.runner.run(c);
    fence.join();
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.error_class == ErrorClass::Transient);
  }
  SUBCASE("a program that does not exist is permanent") {
    AttemptResult r = db.run(db.add(command_task({"/nonexistent/flowc-export"})));
    CHECK(r.error_class == ErrorClass::Permanent);
    CHECK(r.message.find("cannot start") != std::string::npos);
  }
}

TEST_CASE("command tasks: a log that fills the disk is reported with the attempt, which still succeeds") {
  Db db;
  uint32_t t = db.add(command_task({"sh", "-c", "echo some output"}));
  runtime::AttemptContext context = db.context(t);
  context.log_path = "/dev/full";  // every write fails with ENOSPC
  AttemptResult r = db.runner.run(context);
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  CHECK(r.log_error == "cannot write /dev/full: No space left on device");

  AttemptResult fine = db.run(db.add(command_task({"true"})));
  CHECK(fine.log_error.empty());
}

TEST_CASE("command tasks: a secret reaches the command and never the log") {
  Db db;
  ::setenv("FLOWC_TEST_API_TOKEN", "s3cr3t-value-xyz", 1);
  ::setenv("FLOWC_TEST_NOT_PASSED", "visible-only-if-leaked", 1);
  plan::Task task = command_task({"sh", "-c", "echo token=$FLOWC_TEST_API_TOKEN other=$FLOWC_TEST_NOT_PASSED; "
                                              "echo dsn=$FLOW_TARGET_DSN"});
  task.env_secrets = {"FLOWC_TEST_API_TOKEN", "FLOW_TARGET_DSN"};
  AttemptResult r = db.run(db.add(task));
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  std::string log = db.last_log();
  CHECK(log.find("token=***") != std::string::npos);  // it was passed, and scrubbed
  CHECK(log.find("s3cr3t-value-xyz") == std::string::npos);
  CHECK(log.find("other=\n") != std::string::npos);  // not a secret of this task: not passed
  CHECK(log.find("dsn=***") != std::string::npos);
  CHECK(log.find(db.dsn) == std::string::npos);
  // Failing with the secret on its last line: the message says the line, masked.
  task.argv = {"sh", "-c", "echo cannot log in with $FLOWC_TEST_API_TOKEN; exit 1"};
  AttemptResult failed = db.run(db.add(task));
  CHECK(failed.message == "exited with 1: cannot log in with ***");
  ::unsetenv("FLOWC_TEST_API_TOKEN");
  ::unsetenv("FLOWC_TEST_NOT_PASSED");
}

TEST_CASE(
    "command tasks: a secret cut by the message's 200 bytes or by the output cap, or not UTF-8, leaves none "
    "of it") {
  Db db;
  const std::string token = "ghp_LongTokenABCDEFGHIJKLMNOPQRSTUVWXYZ0";
  ::setenv("FLOWC_TEST_LONG_TOKEN", token.c_str(), 1);
  ::setenv("FLOWC_TEST_BIN_TOKEN", "BIN-\xff\xfe-SECRETBIN", 1);
  // The last line is 201 bytes, the token from byte 162 on: cut first, 39
  // of its 40 characters were left for the mask to miss.
  plan::Task task =
      command_task({"sh", "-c", "printf '%0161d' 0 | tr 0 w; echo \"$FLOWC_TEST_LONG_TOKEN\"; exit 3"});
  task.env_secrets = {"FLOWC_TEST_LONG_TOKEN", "FLOWC_TEST_BIN_TOKEN"};
  AttemptResult cut = db.run(db.add(task));
  CHECK(cut.message == "exited with 3: " + std::string(161, 'w') + "***");
  // Escaped to \xff first, the value no longer matched.
  task.argv = {"sh", "-c", "echo \"bin $FLOWC_TEST_BIN_TOKEN\"; exit 3"};
  AttemptResult binary = db.run(db.add(task));
  CHECK(binary.message == "exited with 3: bin ***");
  // 16 MiB of output, then the token, one byte of which is past the cap.
  task.argv = {"sh", "-c", "head -c 16777177 /dev/zero | tr '\\0' y; printf %s \"$FLOWC_TEST_LONG_TOKEN\""};
  AttemptResult capped = db.run(db.add(task));
  CHECK(capped.outcome == AttemptResult::Outcome::Succeeded);
  std::string log = db.last_log();
  CHECK(log.find("ghp_") == std::string::npos);
  // The output's last piece (the long line is written in pieces, wherever
  // the chunks fell) ends in *** where the token began.
  const size_t summary = log.find("output: 16777216 bytes");
  REQUIRE(summary != std::string::npos);
  const std::string before_summary = log.substr(0, log.rfind('\n', summary));
  CHECK(before_summary.ends_with("***"));
  CHECK(log.find("1 more dropped") != std::string::npos);
  ::unsetenv("FLOWC_TEST_LONG_TOKEN");
  ::unsetenv("FLOWC_TEST_BIN_TOKEN");
}

TEST_CASE("command tasks: the password of a DSN secret is scrubbed on its own too") {
  Db db;
  // URI form with a percent-encoded password, and keyword form.
  ::setenv("FLOWC_TEST_URI_DSN", "postgresql://etl:S3cr%40tPa55@db.example:5432/wh", 1);
  ::setenv("FLOWC_TEST_KW_DSN", "host=db.example user=etl password='Kw pa55word' dbname=wh", 1);
  plan::Task task = command_task({"sh", "-c",
                                  "echo uri=${FLOWC_TEST_URI_DSN#*:*:}; echo decoded=S3cr@tPa55; "
                                  "echo kw=${FLOWC_TEST_KW_DSN#*password=}"});
  task.env_secrets = {"FLOWC_TEST_URI_DSN", "FLOWC_TEST_KW_DSN"};
  AttemptResult r = db.run(db.add(task));
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  std::string log = db.last_log();
  CHECK(log.find("S3cr%40tPa55") == std::string::npos);
  CHECK(log.find("S3cr@tPa55") == std::string::npos);  // as libpq decodes it
  CHECK(log.find("Kw pa55word") == std::string::npos);
  CHECK(log.find("uri=***@db.example:5432/wh") != std::string::npos);  // as written
  CHECK(log.find("decoded=***") != std::string::npos);
  CHECK(log.find("kw='***' dbname=wh") != std::string::npos);
  ::unsetenv("FLOWC_TEST_URI_DSN");
  ::unsetenv("FLOWC_TEST_KW_DSN");
}

TEST_CASE("command tasks: the attempt log holds the output while the command still runs") {
  Db db;
  // The command goes on only once its first line is in the log (it runs in
  // the log directory); were the output written at the end, it would wait
  // until the task's timeout.
  uint32_t t = db.add(command_task(
      {"sh", "-c", "echo first-line; while [ ! -e go-on ]; do sleep 0.05; done; echo second-line"}, 30));
  runtime::AttemptContext c = db.context(t);
  auto attempt = std::async(std::launch::async, [&] { return db.runner.run(c); });
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    seen = db.last_log().find("| first-line\n") != std::string::npos;
    if (!seen) std::this_thread::sleep_for(50ms);
  }
  CHECK(seen);
  CHECK(db.last_log().find("| second-line") == std::string::npos);  // the command line names it too
  std::ofstream(db.logs + "/go-on").put('x');
  AttemptResult r = attempt.get();
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  CHECK(db.last_log().find("| second-line\n") != std::string::npos);
}

TEST_CASE("command tasks: a secret written in two pieces never reaches the log") {
  Db db;
  ::setenv("FLOWC_TEST_SPLIT_SECRET", "abcdef", 1);
  plan::Task task = command_task({"sh", "-c", "printf 'abc'; sleep 0.2; printf 'def\\n'; printf 'abc'"});
  task.env_secrets = {"FLOWC_TEST_SPLIT_SECRET"};
  AttemptResult r = db.run(db.add(task));
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  std::string log = db.last_log();
  CHECK(log.find("abcdef") == std::string::npos);
  CHECK(log.find("| ***\n") != std::string::npos);
  CHECK(log.find("| abc\n") != std::string::npos);  // a last line without a newline is written too
  ::unsetenv("FLOWC_TEST_SPLIT_SECRET");
}

TEST_CASE("command tasks: the attempt ends when the command exits, what it left running is killed") {
  Db db;
  auto start = std::chrono::steady_clock::now();
  AttemptResult r = db.run(db.add(command_task({"sh", "-c", "sleep 30 & echo main-done; exit 0"}, 20)));
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  std::string log = db.last_log();
  CHECK(log.find("| main-done") != std::string::npos);
  CHECK(log.find("its process group was killed") != std::string::npos);
}

TEST_CASE("command tasks: expectations run on the table once the command exited 0, and say why they cannot") {
  Db db;
  db.sql(
      "create schema if not exists out; create table out.loaded (v int); insert into out.loaded values (1), "
      "(-2)");
  plan::Task task = command_task({"true"});
  task.output = plan::TableName{"out", "loaded"};
  set_metrics(task, *task.output, {{"row_count()", "count(*)"}});
  add_check(task, "row_count() == 0", false, compare(0, plan::CompareOp::Eq, number(0)));
  uint32_t t = db.add(task);

  // An error-level failure fails the attempt, permanent: bad data.
  AttemptResult failed = db.run(t);
  CHECK(failed.outcome == AttemptResult::Outcome::Failed);
  CHECK(failed.expectation_failed);
  CHECK(failed.error_class == ErrorClass::Permanent);
  CHECK(failed.exit_code == 0);
  CHECK(failed.message == "expectation `row_count() == 0` failed: row_count() = 2");
  CHECK(db.last_log().find("expect `row_count() == 0`: row_count() = 2 -> FAILED") != std::string::npos);

  // No target to check them on: a connection that fails may work next
  // time (transient); no target DSN at all will not (permanent).
  runtime::AttemptContext unreachable = db.context(t);
  unreachable.target = nullptr;
  unreachable.connect_target = [](std::string& error) -> pqxx::connection* {
    error = "connection to server on socket failed";
    return nullptr;
  };
  AttemptResult transient = db.runner.run(unreachable);
  CHECK(transient.error_class == ErrorClass::Transient);
  CHECK(
      transient.message ==
      "the command succeeded, but its expectations cannot be checked: connection to server on socket failed");
  runtime::AttemptContext none = db.context(t);
  none.target = nullptr;
  none.no_target_reason = "no DSN for target `w` on this worker (pass --dsn)";
  AttemptResult permanent = db.runner.run(none);
  CHECK(permanent.error_class == ErrorClass::Permanent);
  CHECK(permanent.message ==
        "the command succeeded, but its expectations cannot be checked: no DSN for target `w` on this worker "
        "(pass --dsn)");

  // Passing, the attempt succeeds with the results recorded.
  db.sql("delete from out.loaded");
  AttemptResult passed = db.run(t);
  CHECK(passed.outcome == AttemptResult::Outcome::Succeeded);
  REQUIRE(passed.expectations.size() == 1);
  CHECK(passed.expectations[0].passed);
}
