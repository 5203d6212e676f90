// One attempt of a task against a real PostgreSQL: write modes and their
// idempotency (also across a crash before COMMIT), expectations, error
// classes, timeouts, cancellation, the attempt log. Command tasks and sources
// are in command_task_test.cpp and source_task_test.cpp.
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
using plan::CompareOp;
using plan::WriteMode;
using runtime::AttemptResult;
using runtime::ErrorClass;

namespace {

const plan::TableName kDaily{"analytics", "daily"};
const char* kDailySelect = "select ds, order_id, region, amount * 2 as amount\nfrom \"raw\".\"orders\"\nwhere ds = $1::date;";

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
  CHECK(r.expectations[0].value == std::optional<std::string>("3"));
  CHECK_FALSE(r.expectations[1].passed);
  CHECK(r.expectations[1].metric == "duplicate_count(region)");
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
  CHECK(r.expectations[0].value == std::nullopt);
  CHECK(r.expectations[1].passed);
}

TEST_CASE("change < P% compares with the previous successful run") {
  Db db;
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  set_metrics(db.plan.tasks[t], {"analytics", "daily__flow_new"}, {{"row_count()", "count(*)"}});
  plan::Condition change;
  change.kind = plan::Condition::Kind::Change;
  change.op = CompareOp::Lt;
  change.literals = {number(30, plan::ValueKind::Percent)};
  add_check(db.plan.tasks[t], "row_count() change < 30%", false, change);
  runtime::AttemptContext c = db.context(t);

  SUBCASE("no history passes") { CHECK(db.runner.run(c).outcome == AttemptResult::Outcome::Succeeded); }
  SUBCASE("3 against 2 is a 50% change") {
    c.previous_value = [](std::string_view check, std::string_view metric) -> std::optional<double> {
      CHECK(check == "row_count() change < 30%");
      CHECK(metric == "row_count()");
      return 2.0;
    };
    AttemptResult r = db.runner.run(c);
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.expectation_failed);
  }
  SUBCASE("3 against 2.5 is a 20% change") {
    c.previous_value = [](std::string_view, std::string_view) -> std::optional<double> { return 2.5; };
    CHECK(db.runner.run(c).outcome == AttemptResult::Outcome::Succeeded);
  }
}

TEST_CASE("record_success_in commits with the write; false rolls the write back") {
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
  CHECK(r.message == "relation \"raw.nope\" does not exist");
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

TEST_CASE("a class 08 error the server sends on a working connection is permanent, not a lost connection") {
  Db db;
  // A parameter bound that the statement does not use (its `$1` is in a
  // comment): the server answers 08P01, which libpqxx 6.4 throws as a broken
  // connection without the code, and the session goes on.
  uint32_t unused = db.add(sql_task("unused", kDaily, WriteMode::None, "select 1 as x -- day $1::date", {ds_param()}));
  AttemptResult r = db.run(unused);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.sqlstate == "08000");
  CHECK_FALSE(r.reconnect);
  CHECK(r.message == "bind message supplies 1 parameters, but prepared statement \"\" requires 0");
  CHECK(db.conn.is_open());

  db.sql("create function raw.raise(code text) returns int language plpgsql as "
         "$$ begin raise exception 'raised %', code using errcode = code; end $$");
  uint32_t raised = db.add(sql_task("raised", kDaily, WriteMode::Replace, "select raw.raise('08P01') as x"));
  r = db.run(raised);
  CHECK(r.error_class == ErrorClass::Permanent);
  CHECK(r.sqlstate == "08000");
  CHECK_FALSE(r.reconnect);
  CHECK(r.message == "raised 08P01");
  CHECK(db.last_log().find("error (permanent, SQLSTATE 08000): raised 08P01") != std::string::npos);
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
