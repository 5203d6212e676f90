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
      "create temp table if not exists scratch (n int); insert into scratch values (1); return 1; end $$;");
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

  // In production the select does what it says.
  db.plan.stage = plan::Stage::Production;
  uint32_t production = db.add(sql_task("purge_production", kDaily, WriteMode::Replace,
                                        "select $1::date as ds, raw.purge($1::date) as n", {ds_param()}));
  r = db.run(production);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select count(*) from raw.orders") == "2");
}
