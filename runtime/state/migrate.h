// Applying the state schema's migrations (schema.h) to a database.
#pragma once

#include <string>

#include "runtime/attempt/attempt.h"  // pqxx::connection, declared as libpqxx 6.4 does

namespace flowc::runtime::state {

/// What migrate() did: the version the schema is at afterwards and how many
/// migrations this call applied; `error` is set (and `ok` false) on failure.
struct MigrateOutcome {
  bool ok = false;
  int version = 0;
  int applied = 0;
  std::string error;
};

/// Creates `schema` if needed and applies every migration it lacks, each in
/// its own transaction that records its version in `<schema>.schema_version`.
/// Idempotent, and safe when several processes migrate at once: every
/// transaction first takes a transaction-level advisory lock for the schema,
/// then re-reads the version. An up-to-date schema is recognised with one
/// statement and no lock. Never throws.
MigrateOutcome migrate(pqxx::connection& connection, const std::string& schema);

}  // namespace flowc::runtime::state
