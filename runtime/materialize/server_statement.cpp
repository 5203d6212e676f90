#include "runtime/materialize/server_statement.h"

#include <libpq-fe.h>

#include <memory>

namespace flowc::runtime::materialize_detail {

namespace {

/// libpqxx 6.4 keeps an error's message and SQLSTATE, not its position:
/// the statements here go to libpq itself, on the transaction's connection
/// (pqxx::largeobject hands it to its subclasses).
struct ConnectionOf : pqxx::largeobject {
  static PGconn* of(const pqxx::dbtransaction& tx) { return raw_connection(tx); }
};

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value == nullptr ? std::string() : std::string(value);
}

/// nullopt for a statement that passed; throws when the connection is gone.
std::optional<Rejection> rejection(PGconn* connection, const Result& result, const std::string& sql) {
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return std::nullopt;
  if (PQstatus(connection) != CONNECTION_OK || !result)
    throw pqxx::broken_connection(PQerrorMessage(connection));
  Rejection r;
  r.sqlstate = field(result.get(), PG_DIAG_SQLSTATE);
  r.message = field(result.get(), PG_DIAG_MESSAGE_PRIMARY);
  if (r.message.empty()) r.message = PQresultErrorMessage(result.get());
  while (!r.message.empty() && r.message.back() == '\n') r.message.pop_back();
  if (std::string position = field(result.get(), PG_DIAG_STATEMENT_POSITION); !position.empty()) {
    const char* encoding = PQparameterStatus(connection, "client_encoding");
    try {
      r.offset = byte_offset(sql, std::stoul(position), encoding == nullptr ? "UTF8" : encoding);
    } catch (const std::exception&) {  // not a number: no position
    }
  }
  return r;
}

}  // namespace

std::optional<size_t> byte_offset(const std::string& text, size_t position, const std::string& encoding) {
  if (position == 0) return std::nullopt;
  if (encoding != "UTF8")
    return position - 1 < text.size() ? std::optional<size_t>(position - 1) : std::nullopt;
  size_t characters = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // inside a character
    if (characters++ == position) return i;
  }
  return std::nullopt;
}

std::optional<Rejection> run_statement(pqxx::dbtransaction& tx, const std::string& sql,
                                       const std::vector<std::string>& params,
                                       std::vector<std::string>* row) {
  PGconn* connection = ConnectionOf::of(tx);
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  Result result(PQexecParams(connection, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                             nullptr, nullptr, 0),
                &PQclear);
  if (std::optional<Rejection> r = rejection(connection, result, sql)) return r;
  if (row) {
    row->clear();
    if (PQntuples(result.get()) > 0)
      for (int i = 0; i < PQnfields(result.get()); ++i) row->emplace_back(PQgetvalue(result.get(), 0, i));
  }
  return std::nullopt;
}

std::optional<Rejection> prepare_statement(pqxx::dbtransaction& tx, const std::string& name,
                                           const std::string& sql, std::vector<std::string>& columns) {
  PGconn* connection = ConnectionOf::of(tx);
  Result prepared(PQprepare(connection, name.c_str(), sql.c_str(), 0, nullptr), &PQclear);
  if (std::optional<Rejection> r = rejection(connection, prepared, sql)) return r;
  Result described(PQdescribePrepared(connection, name.c_str()), &PQclear);
  if (std::optional<Rejection> r = rejection(connection, described, sql)) return r;
  columns.clear();
  for (int i = 0; i < PQnfields(described.get()); ++i) columns.emplace_back(PQfname(described.get(), i));
  return std::nullopt;
}

}  // namespace flowc::runtime::materialize_detail
