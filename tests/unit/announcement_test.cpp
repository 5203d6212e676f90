// The announcements on a state schema's channel, read back from their
// payloads (state::parse_announcement): what `flowc run`, `flowc worker` and
// a run waiting on another workflow listen for.
#include <doctest/doctest.h>

#include "runtime/state/store.h"

using namespace flowc::runtime::state;

TEST_CASE("announcements read back: the run and the lease owner, none for a new run") {
  std::optional<Announcement> finish = parse_announcement("12 host:1:0");
  REQUIRE(finish);
  CHECK(finish->run_id == 12);
  CHECK(finish->owner == "host:1:0");
  std::optional<Announcement> created = parse_announcement("7 ");
  REQUIRE(created);
  CHECK(created->run_id == 7);
  CHECK(created->owner.empty());
  CHECK_FALSE(parse_announcement(""));
  CHECK_FALSE(parse_announcement("12"));
  CHECK_FALSE(parse_announcement("x 12"));
  CHECK_FALSE(finish->succeeded);
}

TEST_CASE("announcements read back: a success other workflows wait on, in production and in an env") {
  std::optional<Announcement> production = parse_announcement("succeeded 2026-11-24 orders_etl.publish ");
  REQUIRE(production);
  REQUIRE(production->succeeded);
  CHECK(production->run_id == 0);
  CHECK(production->succeeded->ds == "2026-11-24");
  CHECK(production->succeeded->workflow == "orders_etl");
  CHECK(production->succeeded->task == "publish");
  CHECK(production->succeeded->env.empty());
  std::optional<Announcement> staging = parse_announcement("succeeded 2026-11-24 orders_etl.publish staging");
  REQUIRE(staging);
  REQUIRE(staging->succeeded);
  CHECK(staging->succeeded->env == "staging");
  CHECK_FALSE(parse_announcement("succeeded 2026-11-24 publish "));
  CHECK_FALSE(parse_announcement("succeeded 2026-11-24"));
}
