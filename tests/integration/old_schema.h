// A state schema as an older flowc left it: the migrations up to a version,
// recorded in schema_version, for tests of what the later ones do to the
// rows written before them.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "runtime/state/migrate.h"
#include "runtime/state/schema.h"

namespace flowc::testing {

/// Creates `schema` in `tx` at `version`: every migration up to it applied.
inline void create_schema_at_version(pqxx::transaction_base& tx, const std::string& schema, int version) {
  using runtime::state::Migration;
  tx.exec("create schema " + tx.quote_name(schema));
  tx.exec(runtime::state::with_schema(
      "create table {schema}.schema_version (version integer primary key, description text not null, "
      "applied_at timestamptz not null default now())",
      schema));
  for (const Migration& m : runtime::state::migrations()) {
    if (m.version > version) break;
    for (const std::string& statement : m.statements) tx.exec(runtime::state::with_schema(statement, schema));
    tx.exec_params(runtime::state::with_schema(
                       "insert into {schema}.schema_version (version, description) values ($1, $2)", schema),
                   m.version, m.description);
  }
}

}  // namespace flowc::testing
