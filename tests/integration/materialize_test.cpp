// One attempt of a task against a real PostgreSQL: write modes and their
// idempotency (also across a crash before COMMIT), expectations, recording
// success with the write. Errors, timeouts, cancellation and the attempt log
// are in attempt_errors_test.cpp; command tasks and sources in
// command_task_test.cpp and source_task_test.cpp.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

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
using plan::CompareOp;
using plan::WriteMode;
using runtime::AttemptResult;
using runtime::ErrorClass;

namespace {

/// Runs the attempt in a child process that is SIGKILLed just before COMMIT
/// (from inside record_success_in): the write was sent, nothing committed.
void crash_before_commit(Db& db, uint32_t task) {
  runtime::AttemptContext c = db.context(task);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    pqxx::connection own(db.dsn);  // never the parent's connection
    c.target = &own;
    c.record_success_in = [](pqxx::transaction_base&, const AttemptResult&) {
      ::raise(SIGKILL);
      return false;
    };
    db.runner.run(c);
    ::_exit(3);  // not reached
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}


}  // namespace

TEST_CASE("replace: three attempts leave the table one attempt leaves") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  std::string expected = db.scalar(
      "select md5(string_agg(t::text, ',' order by t::text)) from (select ds, order_id, region, amount * 2 as amount "
      "from raw.orders where ds = '2026-11-24') t");
  for (int i = 0; i < 3; ++i) {
    AttemptResult r = db.run(t);
    REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
    CHECK(r.error_class == ErrorClass::None);
    CHECK(r.rows_written == 3);
    CHECK(db.checksum("analytics.daily") == expected);
  }
  CHECK(db.checksum("analytics.daily__flow_new") == "missing");
}

TEST_CASE("replace: a leftover staging table is dropped first") {
  Db db;
  db.sql("create schema analytics; create table analytics.daily__flow_new (junk int); insert into "
         "analytics.daily__flow_new values (1)");
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  AttemptResult r = db.run(t);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select count(*) from analytics.daily") == "3");
  CHECK(db.checksum("analytics.daily__flow_new") == "missing");
}

TEST_CASE("replace: the table keeps its grants, and with views on it is filled in place") {
  Db db;
  const std::string role = "flowc_reader_" + std::to_string(::getpid());
  db.sql("create role " + role);
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  db.sql("grant select on analytics.daily to " + role);
  // Swapped in: a new table, granted what the old one was.
  std::string oid = db.scalar("select 'analytics.daily'::regclass::oid");
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  CHECK(db.scalar("select 'analytics.daily'::regclass::oid") != oid);
  CHECK(db.scalar("select has_table_privilege('" + role + "', 'analytics.daily', 'select')") == "t");
  CHECK(db.scalar("select has_table_privilege('" + role + "', 'analytics.daily', 'insert')") == "f");

  // With the same columns, what people declared on it is carried over too.
  db.sql("comment on table analytics.daily is 'orders per day'; comment on column analytics.daily.region is "
         "'sales region'; alter table analytics.daily add constraint daily_pk primary key (order_id); "
         "create index daily_region on analytics.daily (region); "
         "alter table analytics.daily alter column region set not null");
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  CHECK(db.scalar("select obj_description('analytics.daily'::regclass, 'pg_class')") == "orders per day");
  CHECK(db.scalar("select col_description('analytics.daily'::regclass, 3)") == "sales region");
  CHECK(db.scalar("select count(*) from pg_constraint where conrelid = 'analytics.daily'::regclass and "
                  "conname = 'daily_pk' and contype = 'p'") == "1");
  CHECK(db.scalar("select count(*) from pg_indexes where schemaname = 'analytics' and tablename = 'daily' and "
                  "indexname = 'daily_region'") == "1");
  CHECK(db.scalar("select attnotnull from pg_attribute where attrelid = 'analytics.daily'::regclass and "
                  "attname = 'region'") == "t");
  CHECK(db.scalar("select has_table_privilege('" + role + "', 'analytics.daily', 'select')") == "t");

  // A view on it: the same table, filled in place; the view and the grant stay.
  db.sql("create view analytics.daily_emea as select * from analytics.daily where region = 'emea'");
  db.sql("insert into raw.orders values ('2026-11-24', 6, 'emea', 100)");
  oid = db.scalar("select 'analytics.daily'::regclass::oid");
  AttemptResult r = db.run(t);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select 'analytics.daily'::regclass::oid") == oid);
  CHECK(db.scalar("select count(*) from analytics.daily") == "4");
  CHECK(db.scalar("select count(*) from analytics.daily_emea where order_id = 6") == "1");
  CHECK(db.scalar("select has_table_privilege('" + role + "', 'analytics.daily', 'select')") == "t");
  CHECK(db.checksum("analytics.daily__flow_new") == "missing");
  CHECK(db.last_log().find("empty the table in place (views depend on it)") != std::string::npos);

  // A view on it and other columns: refused, nothing changed.
  std::string before = db.checksum("analytics.daily");
  db.plan.tasks[t].select.sql = "select ds, order_id from raw.orders where ds = $1::date";
  r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.message ==
        "\"analytics\".\"daily\" cannot be replaced: analytics.daily_emea depends on it, and the select's columns "
        "are not the table's; keep the columns, or change those views first");
  CHECK(db.checksum("analytics.daily") == before);

  // Without the view, other columns make a new table: it keeps the grants,
  // not what was declared on the old columns.
  db.sql("drop view analytics.daily_emea");
  r = db.run(t);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select count(*) from information_schema.columns where table_schema = 'analytics' and "
                  "table_name = 'daily'") == "2");
  CHECK(db.scalar("select has_table_privilege('" + role + "', 'analytics.daily', 'select')") == "t");
  CHECK(db.scalar("select count(*) from pg_indexes where schemaname = 'analytics' and tablename = 'daily'") == "0");
  db.sql("drop table analytics.daily; drop role " + role);
}

TEST_CASE("replace: a table other tables' foreign keys reference is refused, nothing changed") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  db.sql("alter table analytics.daily add primary key (order_id); create table analytics.refunds (order_id int "
         "references analytics.daily on delete cascade); insert into analytics.refunds values (3)");
  const std::string before = db.checksum("analytics.daily");
  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.message == "\"analytics\".\"daily\" cannot be replaced: the foreign keys of analytics.refunds reference "
                     "it; write it with merge(key), or drop those foreign keys");
  CHECK(db.checksum("analytics.daily") == before);
  CHECK(db.scalar("select count(*) from analytics.refunds") == "1");
  CHECK(db.checksum("analytics.daily__flow_new") == "missing");

  // A foreign key of the table on itself goes with the table and comes back,
  // after the unique index it references.
  db.sql("drop table analytics.refunds; alter table analytics.daily drop constraint daily_pkey; create unique index "
         "daily_order_id on analytics.daily (order_id); alter table analytics.daily add column parent int "
         "references analytics.daily (order_id)");
  db.plan.tasks[t].select.sql =
      "select ds, order_id, region, amount * 2 as amount, null::int as parent from raw.orders where ds = $1::date";
  r = db.run(t);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select count(*) from pg_constraint where conrelid = 'analytics.daily'::regclass and contype = "
                  "'f'") == "1");
  CHECK(db.scalar("select count(*) from pg_indexes where schemaname = 'analytics' and tablename = 'daily' and "
                  "indexname = 'daily_order_id'") == "1");
  db.sql("drop table analytics.daily");
}

TEST_CASE("overwrite_partition: repeated attempts replace only the run's partition") {
  Db db;
  db.sql("create schema analytics; create table analytics.daily (ds date, order_id int, region text, amount numeric);"
         "insert into analytics.daily values ('2026-11-23', 9, 'emea', 1), ('2026-11-24', 99, 'stale', 1)");
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::OverwritePartition, kDailySelect, {ds_param()}));
  db.plan.tasks[t].partition_column = "ds";
  std::string first;
  for (int i = 0; i < 3; ++i) {
    AttemptResult r = db.run(t);
    REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
    CHECK(r.rows_written == 3);
    if (i == 0) first = db.checksum("analytics.daily");
    CHECK(db.checksum("analytics.daily") == first);
  }
  CHECK(db.scalar("select count(*) from analytics.daily where ds = '2026-11-24'") == "3");
  CHECK(db.scalar("select count(*) from analytics.daily where region = 'stale'") == "0");
  CHECK(db.scalar("select count(*) from analytics.daily where ds = '2026-11-23'") == "1");  // untouched
}

TEST_CASE("overwrite_partition: rows outside the partition are refused and rolled back") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::OverwritePartition,
                               "select ds, order_id from raw.orders", {}));
  db.plan.tasks[t].partition_column = "ds";  // the value comes from the workflow param
  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.message.find("2 rows outside ds = 2026-11-24") != std::string::npos);
  CHECK(db.checksum("analytics.daily") == "missing");
}

TEST_CASE("merge: repeated attempts upsert on the key") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Merge,
                               "select region, sum(amount) as total, count(*) as orders from raw.orders group by region"));
  db.plan.tasks[t].merge_key = {"region"};
  std::string first;
  for (int i = 0; i < 3; ++i) {
    AttemptResult r = db.run(t);
    REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
    CHECK(r.rows_written == 3);
    if (i == 0) first = db.checksum("analytics.daily");
    CHECK(db.checksum("analytics.daily") == first);
  }
  db.sql("insert into raw.orders values ('2026-11-25', 6, 'emea', 100)");
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  CHECK(db.scalar("select total from analytics.daily where region = 'emea'") == "190");
  CHECK(db.scalar("select count(*) from analytics.daily") == "3");
}

TEST_CASE("merge: a select with a key twice fails at once, saying so, and leaves the target as it was") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Merge,
                               "select region, sum(amount) as total from raw.orders group by region"));
  db.plan.tasks[t].merge_key = {"region"};
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  std::string before = db.checksum("analytics.daily");
  db.plan.tasks[t].select.sql = "select region, amount as total from raw.orders";  // a region per order
  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.sqlstate == "21000");
  CHECK(r.message ==
        "ON CONFLICT DO UPDATE command cannot affect row a second time (merge(region): the select returns some key "
        "more than once; a merge takes one row per key)");
  CHECK(db.checksum("analytics.daily") == before);
}

TEST_CASE("merge: a select whose every column is the key fails on a key twice too") {
  Db db;
  uint32_t t =
      db.add(sql_task("daily", kDaily, WriteMode::Merge, "select region from raw.orders group by region"));
  db.plan.tasks[t].merge_key = {"region"};
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);  // a rerun: the same rows
  CHECK(db.scalar("select count(*) from analytics.daily") == "3");
  std::string before = db.checksum("analytics.daily");
  db.plan.tasks[t].select.sql = "select region from raw.orders";  // a region per order
  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.sqlstate == "21000");
  CHECK(db.checksum("analytics.daily") == before);
}

TEST_CASE("merge: a changed key replaces the unique index of the old one, in the attempt's transaction") {
  Db db;
  uint32_t t =
      db.add(sql_task("daily", kDaily, WriteMode::Merge,
                      "select region, 1 as part, sum(amount) as total from raw.orders group by region"));
  db.plan.tasks[t].merge_key = {"region"};
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  // `merge(key = [region])` becomes `merge(key = [region, part])`: the old
  // index under the same name used to stay, and every run failed (42P10).
  db.plan.tasks[t].merge_key = {"region", "part"};
  AttemptResult r = db.run(t);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select pg_get_indexdef('analytics.daily__flow_key'::regclass) like '%(region, part)'") ==
        "t");
  CHECK(db.scalar("select count(*) from analytics.daily") == "3");
  // A key the table's rows repeat: the index cannot be made, the attempt
  // fails, and the old index and the rows stay as they were.
  db.plan.tasks[t].merge_key = {"part"};
  AttemptResult repeated = db.run(t);
  CHECK(repeated.outcome == AttemptResult::Outcome::Failed);
  CHECK(db.scalar("select pg_get_indexdef('analytics.daily__flow_key'::regclass) like '%(region, part)'") ==
        "t");
}

TEST_CASE("merge: two long table names that share their first 53 bytes get a key index each") {
  Db db;
  const std::string start = "customer_lifetime_value_by_acquisition_channel_and_da_";
  const char* select = "select region, sum(amount) as total from raw.orders group by region";
  uint32_t a = db.add(sql_task("a", {"analytics", start + "a"}, WriteMode::Merge, select));
  uint32_t b = db.add(sql_task("b", {"analytics", start + "b"}, WriteMode::Merge, select));
  db.plan.tasks[a].merge_key = {"region"};
  db.plan.tasks[b].merge_key = {"region"};
  // Table a's key index as an earlier flowc named it, by cutting the name.
  const std::string cut = (start + "a").substr(0, 53) + "__flow_key";
  db.sql("create schema analytics; create table analytics." + start +
         "a (region text, total numeric); "
         "create unique index " +
         cut + " on analytics." + start + "a (region)");
  for (int round = 0; round < 2; ++round) {
    for (uint32_t t : {a, b}) {
      AttemptResult r = db.run(t);
      REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
    }
  }
  CHECK(db.scalar("select count(distinct indrelid) from pg_index i join pg_class c on c.oid = i.indexrelid "
                  "where c.relname like '%__flow_key' and i.indisunique") == "2");
  // The cut name's index gave way: one key index per table.
  CHECK(db.scalar("select count(*) from pg_class where relname = '" + cut + "'") == "0");
  CHECK(db.scalar(
            "select count(*) from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on "
            "n.oid = t.relnamespace where n.nspname = 'analytics' and i.indisunique") == "2");
}

TEST_CASE("merge: a NULL in the key is refused, as a rerun would add its row again, and nothing is written") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Merge,
                               "select region, sum(amount) as total from raw.orders group by region"));
  db.plan.tasks[t].merge_key = {"region"};
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  std::string before = db.checksum("analytics.daily");
  db.plan.tasks[t].select.sql =
      "select region, sum(amount) as total from raw.orders group by region union all select null, 1";
  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.message ==
        "merge(region): the select returns 1 row with a NULL in the key, which matches no row, so each rerun "
        "would add it again: give the key a value (coalesce) or leave such rows out");
  CHECK(db.checksum("analytics.daily") == before);
}

TEST_CASE("append inserts, none runs the statements as written") {
  Db db;
  uint32_t a = db.add(sql_task("log", {"analytics", "log"}, WriteMode::Append,
                               "select order_id from raw.orders where ds = $1::date", {ds_param()}));
  REQUIRE(db.run(a).outcome == AttemptResult::Outcome::Succeeded);
  REQUIRE(db.run(a).outcome == AttemptResult::Outcome::Succeeded);
  CHECK(db.scalar("select count(*) from analytics.log") == "6");  // append is not idempotent

  uint32_t n = db.add(sql_task("vacuum", {}, WriteMode::None, "create table raw.marker (x int); insert into raw.marker values (1)"));
  db.plan.tasks[n].output.reset();
  AttemptResult r = db.run(n);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select count(*) from raw.marker") == "1");

  // Sent in one round trip without BEGIN, the statements are still one
  // transaction: a failing last statement leaves nothing of the first.
  uint32_t broken = db.add(sql_task("broken", {}, WriteMode::None,
                                    "insert into raw.marker values (2); select 1 / 0"));
  db.plan.tasks[broken].output.reset();
  AttemptResult failed = db.run(broken);
  CHECK(failed.outcome == AttemptResult::Outcome::Failed);
  CHECK(failed.sqlstate == "22012");
  CHECK(db.scalar("select count(*) from raw.marker") == "1");
}

TEST_CASE("a second statement in the select of a write mode is refused by PostgreSQL, and runs nothing") {
  // flowc check reports it (E0310); a plan made otherwise must not run it
  // either: the select is sent so that PostgreSQL takes one statement only.
  for (WriteMode mode : {WriteMode::Replace, WriteMode::OverwritePartition, WriteMode::Merge, WriteMode::Append}) {
    CAPTURE(static_cast<int>(mode));
    Db db;
    db.sql("create table raw.victim (x int)");
    uint32_t t = db.add(sql_task("t", {"analytics", "t"}, mode,
                                 "select date '2026-11-24' as ds, 1 as id; drop table raw.victim"));
    db.plan.tasks[t].partition_column = "ds";
    db.plan.tasks[t].merge_key = {"id"};
    AttemptResult r = db.run(t);
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.error_class == ErrorClass::Permanent);
    INFO(r.message);  // `replace`: "cannot insert multiple commands ...", the others: a syntax error at `;`
    CHECK(r.sqlstate == "42601");
    CHECK(db.scalar("select to_regclass('raw.victim') is not null") == "t");
  }
}

TEST_CASE(
    "a SQL task's error that echoes any secret of the run (another task's, an alert channel's) is masked") {
  Db db;
  ::setenv("FLOWC_TEST_OTHER_TOKEN", "S3cr3tApiXYZ", 1);
  ::setenv("FLOWC_TEST_HOOK_URL", "http://127.0.0.1:9/S3cr3tHookXYZ", 1);
  plan::Task command;
  command.name = "c";
  command.kind = plan::TaskKind::Command;
  command.argv = {"true"};
  command.env_secrets = {"FLOWC_TEST_OTHER_TOKEN"};
  db.add(command);
  plan::Channel hook;
  hook.kind = plan::Channel::Kind::Webhook;
  hook.secret_env = "FLOWC_TEST_HOOK_URL";
  db.plan.routes.push_back({"oncall", "o", plan::Severity::Info, 0, {hook}});
  uint32_t token =
      db.add(sql_task("token", {"analytics", "t1"}, WriteMode::Replace, "select 'S3cr3tApiXYZ'::int as x"));
  uint32_t url = db.add(sql_task("url", {"analytics", "t2"}, WriteMode::Replace,
                                 "select 'http://127.0.0.1:9/S3cr3tHookXYZ'::int as x"));
  AttemptResult by_token = db.run(token);
  std::string token_log = db.last_log();
  AttemptResult by_url = db.run(url);
  std::string url_log = db.last_log();
  ::unsetenv("FLOWC_TEST_OTHER_TOKEN");
  ::unsetenv("FLOWC_TEST_HOOK_URL");
  CHECK(by_token.message.find("invalid input syntax for type integer: \"***\"") != std::string::npos);
  CHECK(by_url.message.find("invalid input syntax for type integer: \"***\"") != std::string::npos);
  for (const std::string& text : {by_token.message, by_url.message, token_log, url_log}) {
    CHECK(text.find("S3cr3tApiXYZ") == std::string::npos);
    CHECK(text.find("S3cr3tHookXYZ") == std::string::npos);
  }
}

TEST_CASE("in a mirror run a none task's statements may not write, and its success is recorded after it") {
  Db db;
  db.plan.stage = plan::Stage::Mirror;
  uint32_t writing = db.add(sql_task("direct", {}, WriteMode::None,
                                     "insert into raw.orders values ('2026-11-24', 9, 'emea', 1)"));
  db.plan.tasks[writing].output.reset();
  runtime::AttemptContext c = db.context(writing);
  bool recorded_in = false;
  c.record_success_in = [&](pqxx::transaction_base&, const AttemptResult&) { return recorded_in = true; };
  AttemptResult r = db.runner.run(c);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.sqlstate == "25006");
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.message ==
        "cannot execute INSERT in a read-only transaction (a mirror run keeps a `mode = none` task read-only: "
        "flowc cannot send the tables its statements name to the mirror schemas; give the task `writes` and a "
        "write mode)");
  CHECK(db.scalar("select count(*) from raw.orders") == "5");

  // Nor after ending the transaction, or asking for a writable one.
  for (const char* escape : {"commit; insert into raw.orders values ('2026-11-24', 9, 'emea', 1)",
                             "set transaction read write; insert into raw.orders values ('2026-11-24', 9, 'emea', 1)",
                             "begin read write; insert into raw.orders values ('2026-11-24', 9, 'emea', 1)"}) {
    uint32_t n = db.add(sql_task("escape", {}, WriteMode::None, escape));
    db.plan.tasks[n].output.reset();
    AttemptResult e = db.run(n);
    CHECK_MESSAGE(e.outcome == AttemptResult::Outcome::Failed, escape);
    CHECK(db.scalar("select count(*) from raw.orders") == "5");
  }

  // Reading is what it may do; the executor records it (the state tables
  // are written, which a read-only transaction could not).
  uint32_t reading = db.add(sql_task("look", {}, WriteMode::None, "select count(*) from raw.orders"));
  db.plan.tasks[reading].output.reset();
  c = db.context(reading);
  c.record_success_in = [&](pqxx::transaction_base&, const AttemptResult&) { return recorded_in = true; };
  r = db.runner.run(c);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK_FALSE(r.recorded_in_transaction);
  CHECK_FALSE(recorded_in);

  // Outside a mirror run the same statements write.
  db.plan.stage = plan::Stage::Production;
  r = db.run(writing);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select count(*) from raw.orders") == "6");
}

TEST_CASE("a crash before COMMIT leaves nothing, and the rerun leaves one attempt's result") {
  Db db;
  db.sql("create schema analytics; create table analytics.daily (ds date, order_id int, region text, amount numeric);"
         "insert into analytics.daily values ('2026-11-23', 9, 'emea', 1), ('2026-11-24', 99, 'stale', 1)");
  SUBCASE("overwrite_partition") {
    uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::OverwritePartition, kDailySelect, {ds_param()}));
    db.plan.tasks[t].partition_column = "ds";
    std::string before = db.checksum("analytics.daily");
    crash_before_commit(db, t);
    CHECK(db.last_log().find("insert the partition") != std::string::npos);  // the write was sent
    CHECK(db.checksum("analytics.daily") == before);
    REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
    std::string once = db.checksum("analytics.daily");
    CHECK(db.scalar("select count(*) from analytics.daily where ds = '2026-11-24'") == "3");
    crash_before_commit(db, t);
    CHECK(db.checksum("analytics.daily") == once);
    REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
    CHECK(db.checksum("analytics.daily") == once);
  }
  SUBCASE("replace") {
    uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
    std::string before = db.checksum("analytics.daily");
    crash_before_commit(db, t);
    CHECK(db.last_log().find("swap in the new table") != std::string::npos);
    CHECK(db.checksum("analytics.daily") == before);
    CHECK(db.checksum("analytics.daily__flow_new") == "missing");
    REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
    CHECK(db.scalar("select count(*) from analytics.daily") == "3");
  }
}

TEST_CASE("an error-level expectation failure rolls the write back") {
  Db db;
  db.sql("create schema analytics; create table analytics.daily as select 1 as old");
  std::string before = db.checksum("analytics.daily");
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  set_metrics(db.plan.tasks[t], {"analytics", "daily__flow_new"},
              {{"row_count()", "count(*)"}, {"duplicate_count(region)", "count(*) - count(distinct region)"}});
  add_check(db.plan.tasks[t], "row_count() > 0", false, compare(0, CompareOp::Gt, number(0)));
  add_check(db.plan.tasks[t], "unique(region)", false, compare(1, CompareOp::Eq, number(0)));
  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.expectation_failed);
  CHECK(r.message == "expectation `unique(region)` failed: duplicate_count(region) = 1");
  REQUIRE(r.expectations.size() == 2);
  CHECK(r.expectations[0].passed);
  REQUIRE(r.expectations[0].readings.size() == 1);
  CHECK(r.expectations[0].readings[0].value == std::optional<std::string>("3"));
  CHECK_FALSE(r.expectations[1].passed);
  REQUIRE(r.expectations[1].readings.size() == 1);
  CHECK(r.expectations[1].readings[0].metric == "duplicate_count(region)");
  CHECK(db.checksum("analytics.daily") == before);
  CHECK(db.checksum("analytics.daily__flow_new") == "missing");
  CHECK(db.last_log().find("duplicate_count(region) = 1 -> FAILED") != std::string::npos);
}

TEST_CASE("a warn-level expectation failure commits and is reported") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::OverwritePartition, kDailySelect, {ds_param()}));
  db.plan.tasks[t].partition_column = "ds";
  set_metrics(db.plan.tasks[t], kDaily, {{"row_count()", "count(*)"}}, "\"ds\" = $1::date", {ds_param()});
  add_check(db.plan.tasks[t], "row_count() > 10", true, compare(0, CompareOp::Gt, number(10)));
  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  CHECK(r.warnings);
  CHECK_FALSE(r.expectation_failed);
  CHECK(r.message == "warning: expectation `row_count() > 10` failed: row_count() = 3");
  CHECK(db.scalar("select count(*) from analytics.daily") == "3");
}

TEST_CASE("a NULL metric fails its check unless the condition holds without it") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, "select 1 as x where false"));
  plan::Task& task = db.plan.tasks[t];
  set_metrics(task, {"analytics", "daily__flow_new"}, {{"row_count()", "count(*)"}, {"max(x)", "max(x)"}});
  add_check(task, "max(x) < 5", true, compare(1, CompareOp::Lt, number(5)));
  // row_count() == 0 or max(x) < 5
  task.conditions.push_back(compare(0, CompareOp::Eq, number(0)));
  task.conditions.push_back(compare(1, CompareOp::Lt, number(5)));
  plan::Condition either;
  either.kind = plan::Condition::Kind::Or;
  either.operands = {1, 2};
  add_check(task, "empty or small", false, either);
  AttemptResult r = db.run(t);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK_FALSE(r.expectations[0].passed);
  REQUIRE(r.expectations[0].readings.size() == 1);
  CHECK(r.expectations[0].readings[0].value == std::nullopt);
  CHECK(r.expectations[1].passed);
}

namespace {

/// The task's one metric (label, SQL) and the check `<label> change < P%` on it.
void add_change_check(plan::Task& task, std::pair<std::string, std::string> metric, double percent) {
  std::string name = fmt::format("{} change < {}%", metric.first, percent);
  set_metrics(task, {"analytics", "daily__flow_new"}, {std::move(metric)});
  plan::Condition change;
  change.kind = plan::Condition::Kind::Change;
  change.op = CompareOp::Lt;
  change.literals = {number(percent, plan::ValueKind::Percent)};
  add_check(task, name, false, change);
}

}  // namespace

TEST_CASE("change < P% compares with the previous successful run") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  add_change_check(db.plan.tasks[t], {"row_count()", "count(*)"}, 30);
  runtime::AttemptContext c = db.context(t);

  SUBCASE("no history passes") { CHECK(db.runner.run(c).outcome == AttemptResult::Outcome::Succeeded); }
  SUBCASE("3 against 2 is a 50% change") {
    c.previous_value = [](std::string_view check, std::string_view metric) -> std::optional<std::string> {
      CHECK(check == "row_count() change < 30%");
      CHECK(metric == "row_count()");
      return "2";
    };
    AttemptResult r = db.runner.run(c);
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.expectation_failed);
  }
  SUBCASE("3 against 2.5 is a 20% change") {
    c.previous_value = [](std::string_view, std::string_view) -> std::optional<std::string> { return "2.5"; };
    CHECK(db.runner.run(c).outcome == AttemptResult::Outcome::Succeeded);
  }
}

TEST_CASE("change < P% on a metric that is not a number fails saying so, history or not") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  add_change_check(db.plan.tasks[t], {"max(ds)", "max(\"ds\")::text"}, 10);
  AttemptResult r = db.runner.run(db.context(t));
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.message.find("max(ds) = 2026-11-24 (not a number: `change` compares numbers and durations)") !=
        std::string::npos);
}

TEST_CASE("change < P% on a sql() metric that returns an interval compares durations, with its history") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  add_change_check(db.plan.tasks[t], {"sql(\"select now() - ...\")", "min((interval '30 minutes')::text)"},
                   10);
  db.plan.tasks[t].metrics->metrics[0].kind = plan::ValueKind::Any;  // what sql(...) is
  runtime::AttemptContext c = db.context(t);
  SUBCASE("no history passes") {
    AttemptResult r = db.runner.run(c);
    INFO(r.message);
    CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  }
  SUBCASE("30 minutes against 27 is an 11% change") {
    c.previous_value = [](std::string_view, std::string_view) -> std::optional<std::string> {
      return "00:27:00";
    };
    AttemptResult r = db.runner.run(c);
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.expectation_failed);
  }
  SUBCASE("30 minutes against 29 is a 3% change") {
    c.previous_value = [](std::string_view, std::string_view) -> std::optional<std::string> {
      return "00:29:00";
    };
    CHECK(db.runner.run(c).outcome == AttemptResult::Outcome::Succeeded);
  }
}

TEST_CASE("record_success_in commits with the write, false rolls the write back") {
  Db db;
  db.sql("create table raw.records (task text)");
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  runtime::AttemptContext c = db.context(t);
  SUBCASE("true") {
    c.record_success_in = [](pqxx::transaction_base& tx, const AttemptResult& r) {
      CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
      CHECK(r.rows_written == 3);
      tx.exec0("insert into raw.records values ('daily')");
      return true;
    };
    AttemptResult r = db.runner.run(c);
    CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
    CHECK(r.recorded_in_transaction);
    CHECK(db.scalar("select count(*) from raw.records") == "1");
    CHECK(db.scalar("select count(*) from analytics.daily") == "3");
  }
  SUBCASE("false") {
    c.record_success_in = [](pqxx::transaction_base& tx, const AttemptResult&) {
      tx.exec0("insert into raw.records values ('daily')");
      return false;
    };
    AttemptResult r = db.runner.run(c);
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.message == "lease lost");
    CHECK_FALSE(r.recorded_in_transaction);
    CHECK(db.scalar("select count(*) from raw.records") == "0");
    CHECK(db.checksum("analytics.daily") == "missing");
  }
}
