// One SQL attempt against a real PostgreSQL when it goes wrong: errors carry
// their SQLSTATE and class, timeouts and stop requests cancel the statement,
// a killed or wedged connection ends the attempt in bounded time, and the
// attempt log holds what was sent, never the DSN. The write modes are in
// materialize_test.cpp.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>
#include <tuple>

#include "runtime/materialize/expectations.h"
#include "runtime/materialize/query_watchdog.h"
#include "tests/integration/materialize_support.h"

using namespace flowc;
using namespace flowc::testing;
using namespace std::chrono_literals;
using plan::WriteMode;
using runtime::AttemptResult;
using runtime::ErrorClass;

namespace {

/// SIGSTOPs the attempt's backend once it is running `select ... pg_sleep`:
/// a wedged server, which answers neither statement_timeout nor a cancel
/// (nor, on a live host, TCP keepalives). SIGCONT when it goes.
class WedgedBackend {
 public:
  WedgedBackend(const std::string& dsn, int backend) : pid_(backend) {
    thread_ = std::thread([this, dsn] {
      pqxx::connection admin(dsn);
      for (int i = 0; i < 500; ++i) {
        pqxx::nontransaction tx(admin);
        pqxx::result r = tx.exec("select 1 from pg_stat_activity where pid = " + std::to_string(pid_) +
                                 " and state = 'active' and query like '%pg_sleep%'");
        tx.commit();
        if (!r.empty()) {
          stopped_ = ::kill(pid_, SIGSTOP) == 0;
          return;
        }
        std::this_thread::sleep_for(10ms);
      }
    });
  }
  ~WedgedBackend() {
    if (thread_.joinable()) thread_.join();
    if (stopped_) ::kill(pid_, SIGCONT);
  }
  /// Whether the backend was stopped (after the query started).
  bool stopped() {
    if (thread_.joinable()) thread_.join();
    return stopped_;
  }

 private:
  int pid_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace

TEST_CASE("an SQL error says the line of the .sql file it points at, and the server's hint") {
  Db db;
  db.sql("create table raw.lines (id int, discount numeric)");
  plan::Task task = sql_task("typo", kDaily, WriteMode::Append,
                             "-- net of discounts\nselect id,\n       o.discountt\nfrom raw.lines as o\n");
  task.sql_origin = {"sql/typo.sql", 1, 1};
  AttemptResult r = db.run(db.add(task));
  CHECK(r.sqlstate == "42703");
  CHECK(
      r.message ==
      "column o.discountt does not exist (at sql/typo.sql:3; hint: Perhaps you meant to reference the column "
      "\"o.discount\".)");
  // Lines ended by a lone CR (a classic Mac file) count as libpq counts them.
  plan::Task mac =
      sql_task("mac", kDaily, WriteMode::Append, "select id,\r       o.discountt\rfrom raw.lines as o\r");
  mac.sql_origin = {"sql/mac.sql", 1, 1};
  r = db.run(db.add(mac));
  CHECK(r.message.starts_with("column o.discountt does not exist (at sql/mac.sql:2;"));
  // An error of flowc's own statement points at none of the project's lines.
  plan::Task wrong = sql_task("wrong_mode", kDaily, WriteMode::OverwritePartition, "select 1 as x");
  wrong.partition_column = "ds";
  wrong.sql_origin = {"sql/wrong.sql", 1, 1};
  r = db.run(db.add(wrong));
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(db.last_log().find("LINE 1: ") != std::string::npos);  // the server points into flowc's delete
  CHECK(r.message == "column \"ds\" does not exist");
}

TEST_CASE("SQL errors carry their SQLSTATE and class") {
  Db db;
  db.sql("create function raw.conflict() returns int language plpgsql as "
         "$$ begin raise exception 'could not serialize' using errcode = '40001'; end $$");
  uint32_t serial = db.add(sql_task("serial", kDaily, WriteMode::Replace, "select raw.conflict() as x"));
  AttemptResult r = db.run(serial);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.sqlstate == "40001");
  CHECK(r.error_class == ErrorClass::Transient);
  CHECK(r.message == "could not serialize");

  uint32_t missing = db.add(sql_task("missing", kDaily, WriteMode::Replace, "select * from raw.nope"));
  r = db.run(missing);
  CHECK(r.sqlstate == "42P01");
  CHECK(r.error_class == ErrorClass::Permanent);
  // Where in the project: the task's SQL is a string in wf.flow (12:5), and
  // its first line is the statement's second (after `create table ... as`).
  CHECK(r.message == "relation \"raw.nope\" does not exist (at line 1 of the SQL at wf.flow:12)");
  CHECK(db.last_log().find("SQLSTATE 42P01") != std::string::npos);

  // Codes libpqxx 6.4 throws without their SQLSTATE: named by their type,
  // classed as runtime.md's list says (of class 40 only 40001 and 40P01 retry).
  db.sql("create function raw.raise(code text) returns int language plpgsql as "
         "$$ begin raise exception 'raised %', code using errcode = code; end $$");
  for (auto [code, recorded, error_class] : {std::tuple{"40P01", "40P01", ErrorClass::Transient},
                                             std::tuple{"40003", "40003", ErrorClass::Permanent},
                                             std::tuple{"40002", "40002", ErrorClass::Permanent},
                                             std::tuple{"53300", "53300", ErrorClass::Transient}}) {
    INFO("raised ", code);
    uint32_t t = db.add(sql_task(std::string("raise_") + code, kDaily, WriteMode::Replace,
                                 std::string("select raw.raise('") + code + "') as x"));
    r = db.run(t);
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.sqlstate == std::string(recorded));
    CHECK(r.error_class == error_class);
    CHECK(r.message == std::string("raised ") + code);
  }
}

TEST_CASE("a class 08 error the server sends on a working connection is transient, not a lost connection") {
  Db db;
  // A parameter bound that the statement does not use (its `$1` is in a
  // comment): the server answers 08P01, which libpqxx 6.4 throws as a broken
  // connection without the code, and the session goes on.
  uint32_t unused = db.add(sql_task("unused", kDaily, WriteMode::None, "select 1 as x -- day $1::date", {ds_param()}));
  AttemptResult r = db.run(unused);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Transient);
  CHECK(r.sqlstate == "08000");
  CHECK_FALSE(r.reconnect);
  CHECK(r.message == "bind message supplies 1 parameters, but prepared statement \"\" requires 0");
  CHECK(db.conn.is_open());

  db.sql("create function raw.raise(code text) returns int language plpgsql as "
         "$$ begin raise exception 'raised %', code using errcode = code; end $$");
  uint32_t raised = db.add(sql_task("raised", kDaily, WriteMode::Replace, "select raw.raise('08P01') as x"));
  r = db.run(raised);
  CHECK(r.error_class == ErrorClass::Transient);
  CHECK(r.sqlstate == "08000");
  CHECK_FALSE(r.reconnect);
  CHECK(r.message == "raised 08P01");
  CHECK(db.last_log().find("error (transient, SQLSTATE 08000): raised 08P01") != std::string::npos);

  // The case met in production: a foreign table whose server is down.
  db.sql("create extension if not exists postgres_fdw");
  db.sql(
      "create server down foreign data wrapper postgres_fdw options (host '127.0.0.1', port '1', dbname "
      "'x')");
  db.sql("create user mapping for current_user server down");
  db.sql("create foreign table raw.remote (x int) server down");
  uint32_t remote = db.add(sql_task("remote", kDaily, WriteMode::Replace, "select x from raw.remote"));
  r = db.run(remote);
  CHECK(r.error_class == ErrorClass::Transient);
  CHECK(r.sqlstate == "08000");
  CHECK_FALSE(r.reconnect);
  CHECK(r.message.starts_with("could not connect to server \"down\""));
  CHECK(db.conn.is_open());
}

TEST_CASE("the task's timeout cancels the statement: class timeout") {
  Db db;
  uint32_t t = db.add(sql_task("slow", kDaily, WriteMode::Replace, "select true as x from pg_sleep(5)"));
  db.plan.tasks[t].timeout_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  AttemptResult r = db.run(t);
  CHECK(std::chrono::steady_clock::now() - start < 4s);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.sqlstate == "57014");
  CHECK(r.error_class == ErrorClass::Timeout);
}

TEST_CASE("a 57014 before the task's deadline, or without one, is a cancel by someone else: permanent") {
  Db db;
  db.sql(
      "create function raw.cancelled() returns int language plpgsql as "
      "$$ begin raise exception 'canceling statement due to user request' using errcode = '57014'; end $$");
  for (int64_t timeout : {0, 60}) {
    INFO("timeout ", timeout);
    uint32_t t = db.add(sql_task("cancelled_" + std::to_string(timeout), kDaily, WriteMode::Replace,
                                 "select raw.cancelled() as x"));
    db.plan.tasks[t].timeout_seconds = timeout;
    AttemptResult r = db.run(t);
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.sqlstate == "57014");
    CHECK(r.error_class == ErrorClass::Permanent);
    CHECK(r.message ==
          "cancelled by the server, not by flowc's timeout (another session's pg_cancel_backend, a "
          "statement_timeout of the role or database, or the SQL raising 57014): canceling statement due to "
          "user request");
  }
}

TEST_CASE("a stop request cancels the running statement") {
  Db db;
  uint32_t t = db.add(sql_task("slow", kDaily, WriteMode::Replace, "select true as x from pg_sleep(20)"));
  std::stop_source stop;
  runtime::AttemptContext c = db.context(t);
  c.stop = stop.get_token();
  std::thread fence([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  auto start = std::chrono::steady_clock::now();
  AttemptResult r = db.runner.run(c);
  fence.join();
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Transient);
  CHECK(r.message.find("cancelled") != std::string::npos);
  CHECK(db.checksum("analytics.daily") == "missing");
}

TEST_CASE("a connection killed mid-attempt is transient and asks for a new connection") {
  Db db;
  uint32_t t = db.add(sql_task("slow", kDaily, WriteMode::Replace, "select true as x from pg_sleep(20)"));
  int backend = db.conn.backendpid();
  std::thread killer([&] {
    std::this_thread::sleep_for(300ms);
    pqxx::connection admin(db.dsn);
    pqxx::nontransaction tx(admin);
    tx.exec("select pg_terminate_backend(" + std::to_string(backend) + ")");
  });
  AttemptResult r = db.run(t);
  killer.join();
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Transient);
  CHECK(r.reconnect);
  CHECK_FALSE(r.outcome_unknown);
  // Says what happened, not libpqxx's follow-up failure ("Could not obtain
  // client encoding: not connected.").
  INFO(r.message);
  CHECK(r.message.starts_with("connection to the target lost: "));
  CHECK(r.message.find("client encoding") == std::string::npos);
}

TEST_CASE("a wedged server past the task's timeout: cancelled, then its connection closed") {
  Db db;
  uint32_t t = db.add(sql_task("slow", kDaily, WriteMode::Replace, "select true as x from pg_sleep(30)"));
  db.plan.tasks[t].timeout_seconds = 2;
  std::future<AttemptResult> attempt;  // destroyed after the backend is continued
  WedgedBackend wedged(db.dsn, db.conn.backendpid());
  auto start = std::chrono::steady_clock::now();
  attempt = std::async(std::launch::async, [&] { return db.run(t); });
  // Without the watchdog the attempt waits as long as the backend is stopped.
  REQUIRE(attempt.wait_for(40s) == std::future_status::ready);
  auto took = std::chrono::steady_clock::now() - start;
  AttemptResult r = attempt.get();
  REQUIRE(wedged.stopped());
  CHECK(took >= 2s + runtime::materialize_detail::QueryWatchdog::kCancelGrace);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Timeout);
  CHECK(r.sqlstate == "57014");
  CHECK(r.message ==
        "timed out after 2s: the server did not end the statement, nor answer a cancel within 5s; flowc closed the "
        "connection");
  CHECK(r.reconnect);
  CHECK(db.last_log().find("flowc closed the connection") != std::string::npos);
}

TEST_CASE("a wedged server when the lease is lost: the attempt ends within the grace") {
  Db db;
  uint32_t t = db.add(sql_task("slow", kDaily, WriteMode::Replace, "select true as x from pg_sleep(30)"));
  std::stop_source stop;
  runtime::AttemptContext c = db.context(t);
  c.stop = stop.get_token();
  std::future<AttemptResult> attempt;  // destroyed after the backend is continued
  WedgedBackend wedged(db.dsn, db.conn.backendpid());
  attempt = std::async(std::launch::async, [&] { return db.runner.run(c); });
  REQUIRE(wedged.stopped());
  auto stopped_at = std::chrono::steady_clock::now();
  stop.request_stop();
  REQUIRE(attempt.wait_for(40s) == std::future_status::ready);
  CHECK(std::chrono::steady_clock::now() - stopped_at < 20s);
  AttemptResult r = attempt.get();
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Transient);
  CHECK(r.message ==
        "cancelled: the lease was lost or the run was cancelled; the server did not answer the cancel within 5s, so "
        "flowc closed the connection");
  CHECK(r.reconnect);
}

TEST_CASE("the attempt log holds the SQL, its parameters and row counts, never the DSN") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::OverwritePartition, kDailySelect, {ds_param()}));
  db.plan.tasks[t].partition_column = "ds";
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  std::string log = db.last_log();
  CHECK(log.find("from \"raw\".\"orders\"") != std::string::npos);
  CHECK(log.find("$1 (ds date) = 2026-11-24") != std::string::npos);
  CHECK(log.find("rows written: 3") != std::string::npos);
  CHECK(log.find("committed") != std::string::npos);
  CHECK(log.find(db.dsn) == std::string::npos);
}

TEST_CASE("the target is connected once the log is open: a failed connection is written in the log") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::OverwritePartition, kDailySelect, {ds_param()}));
  db.plan.tasks[t].partition_column = "ds";
  runtime::AttemptContext context = db.context(t);
  context.target = nullptr;
  int calls = 0;
  context.connect_target = [&calls](std::string& error) -> pqxx::connection* {
    ++calls;
    error = "cannot connect to the target database: FATAL:  password authentication failed for user \"etl\"";
    return nullptr;
  };
  AttemptResult r = db.runner.run(context);
  CHECK(calls == 1);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Transient);
  CHECK(r.sqlstate == "08006");
  CHECK(r.message ==
        "cannot connect to the target database: FATAL:  password authentication failed for user \"etl\"");
  std::string log = db.last_log();
  REQUIRE(log.find("error: cannot connect to the target database: FATAL:") != std::string::npos);
  CHECK(log.find("attempt 1 of sql task `daily`") < log.find("error: cannot connect to the target database"));
  CHECK(log.find("outcome: failed (transient)") != std::string::npos);

  // Connected on demand, the attempt runs as with a connection given.
  context = db.context(t);
  context.target = nullptr;
  context.connect_target = [&db](std::string&) -> pqxx::connection* { return &db.conn; };
  CHECK(db.runner.run(context).outcome == AttemptResult::Outcome::Succeeded);
}
