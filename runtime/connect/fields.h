// Reading a result's fields where SQL NULL is a value of its own. libpqxx
// 6.4 as Debian builds it has no std::optional support (`field::get<T>()`
// needs PQXX_HAVE_OPTIONAL), so every reader of a nullable column goes
// through here instead of spelling out `is_null() ? ... : ...`.
#pragma once

#include <optional>
#include <pqxx/pqxx>

namespace flowc::runtime {

/// The field as a T, nullopt for SQL NULL.
template <class T>
std::optional<T> nullable(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

}  // namespace flowc::runtime
