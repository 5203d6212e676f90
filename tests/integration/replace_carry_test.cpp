// What `replace` carries from the table it replaces to the new one, against
// a real PostgreSQL: row security, its policies and the owner (the grants,
// comments, constraints and indexes are in materialize_test.cpp).
#include <unistd.h>

#include <doctest/doctest.h>

#include <string>

#include "tests/integration/materialize_support.h"

using namespace flowc;
using namespace flowc::testing;
using plan::WriteMode;
using runtime::AttemptResult;

TEST_CASE("replace: the table keeps its row security, its policies and its owner") {
  Db db;
  const std::string suffix = std::to_string(::getpid());
  const std::string reader = "flowc_rls_reader_" + suffix, owner = "flowc_rls_owner_" + suffix;
  db.sql("create role " + reader + "; create role " + owner);
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  REQUIRE(db.run(t).outcome == AttemptResult::Outcome::Succeeded);
  db.sql(
      "grant usage on schema analytics to " + reader + "; grant select on analytics.daily to " + reader +
      "; alter table analytics.daily enable row level security; create policy emea_only on analytics.daily "
      "for select to " +
      reader + " using (region = 'emea'); alter table analytics.daily owner to " + owner);
  auto rows_the_reader_sees = [&] {
    std::string n = db.scalar("set role " + reader + "; select count(*) from analytics.daily");
    db.sql("reset role");
    return n;
  };
  const std::string emea = db.scalar("select count(*) from analytics.daily where region = 'emea'");
  REQUIRE(rows_the_reader_sees() == emea);

  // Swapped in: a new table, with the old one's policy, row security and owner.
  std::string oid = db.scalar("select 'analytics.daily'::regclass::oid");
  AttemptResult r = db.run(t);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select 'analytics.daily'::regclass::oid") != oid);
  CHECK(db.scalar("select relrowsecurity from pg_class where oid = 'analytics.daily'::regclass") == "t");
  CHECK(db.scalar("select pg_get_userbyid(relowner) from pg_class where oid = 'analytics.daily'::regclass") ==
        owner);
  CHECK(db.scalar("select count(*) from pg_policy where polrelid = 'analytics.daily'::regclass and "
                  "polname = 'emea_only'") == "1");
  CHECK(rows_the_reader_sees() == emea);

  // Other columns: the policy may not apply and is not carried, but row
  // security stays on, so the grant shows the reader no row.
  db.plan.tasks[t].select.sql = "select ds, order_id, region from raw.orders where ds = $1::date";
  r = db.run(t);
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select relrowsecurity from pg_class where oid = 'analytics.daily'::regclass") == "t");
  CHECK(rows_the_reader_sees() == "0");
  db.sql("drop table analytics.daily; drop owned by " + reader + "; drop role " + reader + "; drop role " +
         owner);
}

TEST_CASE("replace: an owner the running role may not hand the table to is granted every privilege instead") {
  Db db;
  const std::string suffix = std::to_string(::getpid());
  const std::string runner = "flowc_runner_" + suffix, owner = "flowc_owner_" + suffix;
  // The running role is a member of the owner, who may not create in the
  // schema: PostgreSQL refuses it as a new owner (as the role's own).
  db.sql("create role " + runner + " login; create role " + owner + "; grant " + owner + " to " + runner +
         "; do $$ begin execute format('grant create on database %I to " + runner +
         "', current_database()); end $$; create schema analytics authorization " + runner +
         "; create table analytics.daily (ds date, order_id int, region text, amount numeric)"
         "; alter table analytics.daily owner to " +
         owner + "; grant usage on schema raw to " + runner + "; grant select on raw.orders to " + runner);
  uint32_t t = db.add(sql_task("daily", kDaily, WriteMode::Replace, kDailySelect, {ds_param()}));
  std::string as_runner = db.dsn;
  const size_t user = as_runner.find("user=");
  REQUIRE(user != std::string::npos);
  as_runner.replace(user, as_runner.find(' ', user) - user, "user=" + runner);
  AttemptResult r;
  {
    pqxx::connection connection(as_runner);
    runtime::AttemptContext c = db.context(t);
    c.target = &connection;
    r = db.runner.run(c);
  }
  REQUIRE_MESSAGE(r.outcome == AttemptResult::Outcome::Succeeded, r.message);
  CHECK(db.scalar("select pg_get_userbyid(relowner) from pg_class where oid = 'analytics.daily'::regclass") ==
        runner);
  CHECK(db.scalar("select has_table_privilege('" + owner +
                  "', 'analytics.daily', 'select, insert, delete')") == "t");
  db.sql("drop schema analytics cascade; drop owned by " + runner + "; drop role " + runner + "; drop role " +
         owner);
}
