// A mirror run writes only its mirror tables (runtime.md). The write modes
// write the mirror table the plan names, but the task's select runs in a
// writable transaction: a function it calls (a legacy job's stored
// procedure) could write production. The attempt then fails and rolls back.
#include <doctest/doctest.h>

#include "tests/integration/materialize_support.h"

using namespace flowc;
using namespace flowc::testing;
using plan::WriteMode;
using runtime::AttemptResult;
using runtime::ErrorClass;

namespace {

const plan::TableName kMirror{"analytics__mirror", "daily"};

/// A database whose functions write production: one deletes a day of
/// raw.orders, one empties it.
void add_writing_functions(Db& db) {
  db.sql(
      "create function raw.purge(d date) returns bigint language sql as "
      "$$ with gone as (delete from raw.orders where ds = d returning 1) select count(*) from gone $$;"
      "create function raw.wipe() returns int language plpgsql as $$ begin truncate raw.orders; return 1; "
      "end $$;"
      "create function raw.scratch() returns int language plpgsql as $$ begin "
      "create temp table if not exists scratch (n int); insert into scratch values (1); return 1; end $$;"
      "create function raw.steady() returns int language plpgsql as $$ begin "
      "lock table raw.orders in share mode; return 1; end $$;");
}

}  // namespace

TEST_CASE("a mirror attempt whose select writes a production table fails, and nothing of it stays") {
  Db db;
  add_writing_functions(db);
  db.plan.stage = plan::Stage::Mirror;
  struct Case {
    const char* name;
    WriteMode mode;
    const char* select;
    const char* written;
  };
  for (const Case& c : {Case{"purge_replace", WriteMode::Replace,
                             "select $1::date as ds, raw.purge($1::date) as n", "raw.orders"},
                        Case{"purge_append", WriteMode::Append,
                             "select $1::date as ds, raw.purge($1::date) as n", "raw.orders"},
                        Case{"wipe_replace", WriteMode::Replace, "select raw.wipe() as n", "raw.orders"}}) {
    CAPTURE(c.name);
    uint32_t t = db.add(sql_task(c.name, kMirror, c.mode, c.select, {ds_param()}));
    if (std::string(c.select).find("$1") == std::string::npos) db.plan.tasks[t].select.params.clear();
    AttemptResult r = db.run(t);
    CHECK(r.outcome == AttemptResult::Outcome::Failed);
    CHECK(r.error_class == ErrorClass::Permanent);
    CHECK(r.message == std::string("a mirror run writes only its mirror tables, and this attempt wrote ") +
                           c.written + " (through what its select calls): rolled back, nothing of it stays");
    CHECK(db.scalar("select count(*) from raw.orders") == "5");
    CHECK(db.checksum("analytics__mirror.daily") == "missing");
  }

  // Reading production, and a temporary table of its own, it may.
  uint32_t reads = db.add(
      sql_task("reads", kMirror, WriteMode::Replace,
               "select ds, order_id, raw.scratch() as n from raw.orders where ds = $1::date", {ds_param()}));
  AttemptResult r = db.run(reads);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select count(*) from analytics__mirror.daily") == "3");
  r = db.run(reads);  // again: the swap replaces the mirror table of the first attempt
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);

  // A lock for a consistent read writes nothing; nor do the swap's own
  // steps: a comment copied over (the catalog), a foreign key added again
  // (it locks the production table it references).
  db.sql(
      "alter table raw.orders add primary key (order_id);"
      "comment on table analytics__mirror.daily is 'orders per day';"
      "alter table analytics__mirror.daily add constraint daily_order foreign key (order_id) "
      "references raw.orders (order_id)");
  uint32_t steady = db.add(
      sql_task("steady", kMirror, WriteMode::Replace,
               "select ds, order_id, raw.steady() as n from raw.orders where ds = $1::date", {ds_param()}));
  r = db.run(steady);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select obj_description('analytics__mirror.daily'::regclass)") == "orders per day");

  db.sql("alter table analytics__mirror.daily drop constraint daily_order");

  // In production the select does what it says.
  db.plan.stage = plan::Stage::Production;
  uint32_t production = db.add(sql_task("purge_production", kDaily, WriteMode::Replace,
                                        "select $1::date as ds, raw.purge($1::date) as n", {ds_param()}));
  r = db.run(production);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select count(*) from raw.orders") == "2");
}

TEST_CASE("in a mirror run a source reads only: a readiness metric that writes fails it, nothing written") {
  Db db;
  db.sql(
      "create table raw.probes (at text);"
      "create function raw.bump() returns int language sql as "
      "$$ insert into raw.probes values ('probe'); select 1 $$;");
  plan::Task source;
  source.name = "orders";
  source.kind = plan::TaskKind::Source;
  plan::Readiness ready;
  ready.text = "sql(\"select raw.bump()\") > 0";
  ready.metrics.table = {"raw", "orders"};
  ready.metrics.statement = {"select raw.bump()", {}};
  ready.metrics.metrics = {{"sql(\"select raw.bump()\")", plan::ValueKind::Int, {}}};
  ready.conditions = {compare(0, plan::CompareOp::Gt, number(0))};
  source.readiness = ready;
  uint32_t t = db.add(source);

  db.plan.stage = plan::Stage::Mirror;
  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.sqlstate == "25006");
  CHECK(r.message.ends_with(
      "(a mirror run reads its sources only: a `ready` or `expect` metric may not write)"));
  CHECK(db.scalar("select count(*) from raw.probes") == "0");

  db.plan.stage = plan::Stage::Production;  // its business there
  r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  CHECK(db.scalar("select count(*) from raw.probes") == "1");
}
