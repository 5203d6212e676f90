#include "runtime/state/migrate.h"

#include <pqxx/pqxx>

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

}  // namespace

MigrateOutcome migrate(pqxx::connection& connection, const std::string& schema) {
  MigrateOutcome outcome;
  try {
    // The common case, an up-to-date schema, needs no lock and no DDL (and
    // so no CREATE privilege on the database).
    {
      pqxx::nontransaction tx(connection);
      pqxx::result exists = tx.exec_params("select to_regclass($1) is not null",
                                           with_schema("{schema}.schema_version", schema));
      if (exists[0][0].as<bool>()) {
        outcome.version = current_version(tx, schema);
        if (outcome.version >= migrations().back().version) {
          outcome.ok = true;
          return outcome;
        }
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
  } catch (const std::exception& e) {
    outcome.error = std::string("migrating the state schema \"") + schema + "\": " + e.what();
  }
  return outcome;
}

}  // namespace flowc::runtime::state
