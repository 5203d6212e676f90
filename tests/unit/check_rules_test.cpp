// Project rules of the checker that read the finished model: two writers
// of a legacy job's table (E0303), names PostgreSQL would cut (E0312), and
// when a scheduled run starts (W0406, W0407).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/check_support.h"

using namespace flowc;
using namespace flowc::testing;

TEST_CASE("E0303: an unqualified legacy table is in the default target's schema, as mirror parity has it") {
  // The workflow's target has another schema: `orders_daily` there is not
  // the legacy job's table, `lake.orders_daily` is.
  auto c = compile(Files{{"flow.project", "project shop {\n  default_target = lake\n}\n"}, {"a.flow", R"(
target warehouse { schema = "analytics" }
target lake { schema = "lake" }
route oncall { notify = [stderr()] }
legacy old_job {
  owner = "x"
  writes = ["orders_daily"]
  consumers = ["y"]
  rollback = "z"
}
workflow daily {
  owner = "x"
  target = warehouse
  stage = production
  on_failure = alert(oncall)
  task own {
    writes = "orders_daily"
    sql = "select 1"
    publish = true
    expect row_count() > 0
  }
  task legacy_one {
    writes = "LAKE.orders_daily"
    sql = "select 1"
    publish = true
    expect row_count() > 0
  }
}
)"}});
  CHECK(codes(*c) == std::vector<std::string>{"E0303"});
  const Diagnostic* d = find(*c, "E0303");
  REQUIRE(d != nullptr);
  CHECK(text(*c, d->range) == "\"LAKE.orders_daily\"");
}

TEST_CASE("E0312: a 63-byte schema a mirror run would cut back to the production schema, said once") {
  const std::string schema(63, 's');
  auto c = compile(R"(
legacy old_job {
  owner     = "x"
  writes    = [")" +
                   schema + R"(.t"]
  consumers = ["a dashboard"]
  rollback  = "re-enable it"
}
workflow w {
  owner    = "x"
  replaces = old_job
  stage    = mirror
  task t {
    writes  = ")" + schema +
                   R"(.t"
    mode    = append
    sql     = "select 1 as n"
    publish = true
  }
  task u {
    writes  = ")" + schema +
                   R"(.u"
    mode    = append
    sql     = "select 1 as n"
    publish = true
  }
}
)");
  CHECK(codes(*c) == std::vector<std::string>{"E0312"});
  const Diagnostic* d = find(*c, "E0312");
  REQUIRE(d != nullptr);
  CHECK(d->message == "schema `" + schema +
                          "__mirror` (in a mirror run) is 71 bytes: PostgreSQL cuts names to 63, " +
                          "so the run would write schema `" + schema + "`, the production one");
  CHECK(text(*c, d->range) == "\"" + schema + ".t\"");
}

TEST_CASE(
    "E0303: a production none task's insert, update, delete, merge or truncate of an enabled job's table") {
  auto with_sql = [](const std::string& sql) {
    return compile(R"(
route r {
  owner  = "x"
  notify = [stderr()]
}
legacy job {
  owner     = "x"
  writes    = ["web.sessions"]
  consumers = ["a dashboard"]
  rollback  = "re-enable it"
}
workflow w {
  owner      = "x"
  stage      = production
  on_failure = alert(r)
  task t {
    mode       = none
    idempotent = true
    sql        = """
)" + sql + R"(
    """
  }
}
)");
  };
  for (const char* sql :
       {"insert into web.sessions select 1", "update web.sessions set n = 1", "delete from WEB.sessions",
        "delete from web . sessions", "delete from \"web\".sessions",
        "merge into web.sessions s using x on true when matched then delete",
        "truncate table only web.sessions", "truncate web.sessions"}) {
    auto c = with_sql(sql);
    std::string got;
    for (const std::string& code : codes(*c)) got += code + " ";
    CHECK_MESSAGE(got == "E0303 ", sql, ": ", got);
  }
  // Reads, and `update` that is not a statement's, are no writes of it:
  // a read of the job's table is W0402 (it relies on the job's schedule).
  for (const char* sql :
       {"select * from web.sessions for update",
        "insert into web.other select * from web.sessions on conflict (id) do update set n = 1",
        "delete from web.other using web.sessions s",
        "merge into web.other o using web.sessions s on o.id = s.id when matched then update set n = 1"}) {
    CHECK_MESSAGE(codes(*with_sql(sql)) == std::vector<std::string>{"W0402"}, sql);
  }
  // Quoted, `"Web"` is another schema than web (PostgreSQL folds only unquoted names).
  for (const char* sql : {"delete from \"Web\".sessions", "delete from web.\"Sessions\""})
    CHECK_MESSAGE(codes(*with_sql(sql)).empty(), sql);
}

TEST_CASE("W0406 and W0407 agree on when a schedule that fires twice a day starts the day's run") {
  auto c = compile(R"(
route r {
  owner  = "x"
  notify = [stderr()]
}
workflow w {
  owner      = "x"
  on_failure = alert(r)
  schedule   = cron("0 7,19 * * *")
  deadline   = 20:00
  timeout    = 2h
  task t {
    writes  = "t"
    sql     = "select 1 as n"
    publish = true
  }
}
)");
  const Diagnostic* late = find(*c, "W0406");
  REQUIRE(late != nullptr);
  CHECK(late->message ==
        "deadline 20:00 cannot be met: the run starts at 19:00 and its critical path may take 2h");
  const Diagnostic* twice = find(*c, "W0407");
  REQUIRE(twice != nullptr);
  REQUIRE(twice->notes.size() == 1);
  CHECK(twice->notes[0].message.find("at its fire at 19:00") != std::string::npos);
}
