// Internal to runtime/materialize (`check --db`): one statement sent over
// the extended protocol, and what PostgreSQL said of it as the error's
// fields. The extended protocol takes exactly one statement, so text that
// hides a second one from flowc's lexer (a comment PostgreSQL ends where
// flowc did not) is refused, never run; and the fields give the error's
// position in characters, where libpq's rendering gives display columns.
#pragma once

#include <cstddef>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace flowc::runtime::materialize_detail {

/// A statement PostgreSQL rejected.
struct Rejection {
  std::string sqlstate;  // "42703"
  std::string message;   // the primary message: `column "nope" does not exist`
  /// The byte offset (0-based) in the statement sent that the error points
  /// at, when PostgreSQL gives a position.
  std::optional<size_t> offset;
};

/// Runs `sql` in `tx` with the text values of `params` ($1, $2, ...);
/// `row`, when given, gets the first row's values as text (NULL as "";
/// empty when there is no row). nullopt when PostgreSQL accepted it.
/// Throws pqxx::broken_connection when the connection is lost.
std::optional<Rejection> run_statement(pqxx::dbtransaction& tx, const std::string& sql,
                                       const std::vector<std::string>& params = {},
                                       std::vector<std::string>* row = nullptr);

/// Prepares `sql` under `name` (PREPARE without running it: names, columns
/// and types are checked); on success `columns` holds the names of the
/// columns it returns. The statement stays prepared: DEALLOCATE it.
std::optional<Rejection> prepare_statement(pqxx::dbtransaction& tx, const std::string& name,
                                           const std::string& sql, std::vector<std::string>& columns);

/// The byte offset in `text` of the 1-based character `position`, as
/// PostgreSQL counts characters in `encoding` (its `client_encoding`):
/// UTF-8 characters in UTF8, bytes in a single-byte encoding.
std::optional<size_t> byte_offset(const std::string& text, size_t position, const std::string& encoding);

}  // namespace flowc::runtime::materialize_detail
