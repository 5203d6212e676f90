// Applying the state schema's migrations (schema.h) to a database.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/attempt/attempt.h"  // pqxx::connection, declared as libpqxx 6.4 does

namespace pqxx {
class transaction_base;
}

namespace flowc::runtime::state {

/// What a state schema holds, read before a command uses it: every command
/// that opens the state database refuses a schema it cannot trust (exit 2),
/// the read-only ones too, since their queries may not mean the same thing
/// on another version.
struct SchemaState {
  enum class Kind : uint8_t {
    Absent,   // none of flowc's tables, and no version: nothing ever ran
    Usable,   // at a version this flowc knows (older ones are migrated), with its tables
    Newer,    // written by a newer flowc
    Damaged,  // tables without a version, or a version without its tables
  };
  Kind kind = Kind::Absent;
  int version = 0;      // from schema_version (0 when it has none)
  std::string problem;  // Newer and Damaged: one line, to print after `flowc: `
  [[nodiscard]] bool refused() const { return kind == Kind::Newer || kind == Kind::Damaged; }
};

/// The newest schema version this flowc knows (its last migration's).
int latest_version();

/// Reads what `schema` holds, in two statements. Throws what pqxx throws.
SchemaState inspect_schema(pqxx::transaction_base& tx, const std::string& schema);

/// What migrate() did: the version the schema is at afterwards and how many
/// migrations this call applied; `error` is set (and `ok` false) on failure.
struct MigrateOutcome {
  bool ok = false;
  int version = 0;
  int applied = 0;
  std::string error;
  bool refused = false;  // the schema is newer than this flowc or damaged: `error` says which
};

/// Creates `schema` if needed and applies every migration it lacks, each in
/// its own transaction that records its version in `<schema>.schema_version`.
/// Idempotent, and safe when several processes migrate at once: every
/// transaction first takes a transaction-level advisory lock for the schema,
/// then re-reads the version. An up-to-date schema is recognised without a
/// lock. A schema inspect_schema() refuses (newer, damaged) is left alone,
/// with its problem as the error. Never throws.
MigrateOutcome migrate(pqxx::connection& connection, const std::string& schema);

}  // namespace flowc::runtime::state
