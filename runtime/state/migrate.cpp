#include "runtime/state/migrate.h"

#include <iterator>
#include <pqxx/pqxx>
#include <vector>

#include "runtime/events/events.h"
#include "runtime/state/schema.h"

namespace flowc::runtime::state {
namespace {

// Serialises migrators of one schema; released when the transaction ends.
void lock_schema(pqxx::transaction_base& tx, const std::string& schema) {
  tx.exec_params("select pg_advisory_xact_lock(hashtextextended($1, 0))", "flowc migrate " + schema);
}

int current_version(pqxx::transaction_base& tx, const std::string& schema) {
  pqxx::result r = tx.exec(with_schema("select coalesce(max(version), 0) from {schema}.schema_version", schema));
  return r[0][0].as<int>();
}

/// The tables of migration 1, which every later version keeps.
constexpr const char* kTables[] = {"runs", "task_runs", "attempts", "expectation_results", "alerts"};

}  // namespace

int latest_version() { return migrations().back().version; }

SchemaState inspect_schema(pqxx::transaction_base& tx, const std::string& schema) {
  auto name = [&](const std::string& table) { return with_schema("{schema}." + table, schema); };
  auto shown = [&](const std::string& table) { return schema + "." + table; };  // as messages name it
  pqxx::row found = tx.exec_params1(
      "select to_regclass($1) is not null, to_regclass($2) is not null, to_regclass($3) is not null,"
      " to_regclass($4) is not null, to_regclass($5) is not null, to_regclass($6) is not null",
      name("schema_version"), name(kTables[0]), name(kTables[1]), name(kTables[2]), name(kTables[3]),
      name(kTables[4]));
  std::vector<std::string> absent;
  bool any_table = false;
  for (size_t i = 0; i < std::size(kTables); ++i) {
    if (found[static_cast<int>(i) + 1].as<bool>())
      any_table = true;
    else
      absent.push_back(shown(kTables[i]));
  }
  SchemaState state;
  const std::string which = "the state database's schema \"" + schema + "\"";
  if (found[0].as<bool>()) state.version = current_version(tx, schema);
  if (state.version > latest_version()) {
    state.kind = SchemaState::Kind::Newer;
    state.problem = which + " is at version " + std::to_string(state.version) +
                    "; the newest this flowc knows is " + std::to_string(latest_version()) +
                    ": upgrade flowc";
  } else if (state.version == 0 && any_table) {
    state.kind = SchemaState::Kind::Damaged;
    state.problem = which + " is damaged: it has flowc's tables but no version (" + shown("schema_version") +
                    (found[0].as<bool>() ? " is empty)" : " is missing)");
  } else if (state.version > 0 && !absent.empty()) {
    state.kind = SchemaState::Kind::Damaged;
    std::string list;
    for (const std::string& table : absent) list += (list.empty() ? "" : ", ") + table;
    state.problem =
        which + " is damaged: it is at version " + std::to_string(state.version) + " but has no " + list;
  } else {
    // A schema_version without a version and without tables is a first
    // migration that did not finish: nothing ran either.
    state.kind = any_table ? SchemaState::Kind::Usable : SchemaState::Kind::Absent;
  }
  return state;
}

MigrateOutcome migrate(pqxx::connection& connection, const std::string& schema) {
  MigrateOutcome outcome;
  try {
    // The common case, an up-to-date schema, needs no lock and no DDL (and
    // so no CREATE privilege on the database).
    {
      pqxx::nontransaction tx(connection);
      SchemaState state = inspect_schema(tx, schema);
      if (state.refused()) {
        outcome.version = state.version;
        outcome.error = state.problem;
        outcome.refused = true;
        return outcome;
      }
      outcome.version = state.version;
      if (state.kind == SchemaState::Kind::Usable && state.version >= latest_version()) {
        outcome.ok = true;
        return outcome;
      }
    }
    {
      pqxx::work tx(connection);
      lock_schema(tx, schema);
      tx.exec(with_schema("create schema if not exists {schema}", schema));
      tx.exec(with_schema(R"(create table if not exists {schema}.schema_version (
  version     integer primary key,
  description text not null,
  applied_at  timestamptz not null default now()
))",
                          schema));
      outcome.version = current_version(tx, schema);
      tx.commit();
    }
    for (const Migration& migration : migrations()) {
      if (migration.version <= outcome.version) continue;
      pqxx::work tx(connection);
      lock_schema(tx, schema);
      // Another process may have applied it while we waited for the lock.
      outcome.version = current_version(tx, schema);
      if (migration.version <= outcome.version) continue;
      for (const std::string& statement : migration.statements) tx.exec(with_schema(statement, schema));
      tx.exec_params(with_schema("insert into {schema}.schema_version (version, description) values ($1, $2)", schema),
                     migration.version, migration.description);
      tx.commit();
      outcome.version = migration.version;
      ++outcome.applied;
    }
    outcome.ok = true;
  } catch (const pqxx::insufficient_privilege& e) {
    // A role that may not create the schema or its tables is told what would do
    // (libpqxx 6.4 leaves sqlstate() empty here: the type says 42501).
    outcome.error = std::string("migrating the state schema \"") + schema + "\": " + error_line(e.what()) +
                    ": the state database's role needs CREATE there (or the schema made by another role, "
                    "with rights on it); or give another state database (--state-dsn, FLOW_STATE_DSN)";
  } catch (const std::exception& e) {
    outcome.error = std::string("migrating the state schema \"") + schema + "\": " + error_line(e.what());
  }
  return outcome;
}

}  // namespace flowc::runtime::state
