// Internal to runtime/materialize: where a PostgreSQL error points, read
// from the text libpq renders (libpqxx 6.4 keeps the message, not the
// error's fields): the line and column of the statement sent, the hint, and
// the place in the project's own SQL (a `.sql` file's line) that they are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "compiler/plan/plan.h"

namespace flowc::runtime::materialize_detail {

/// A line and column (1-based) in `text`, the statement sent, from libpq's
/// rendering of the error position in `what` (`LINE 2: ...select nope
/// from...` and a caret below it). The shown line may be cut to a window
/// marked by `...`, so the window is looked up in the real line.
std::optional<std::pair<uint32_t, uint32_t>> error_line_column(std::string_view what, std::string_view text);

/// The server's hint (`HINT:  Perhaps you meant ...`), one line; "" when none.
std::string error_hint(std::string_view what);

/// Where in the project the error of `what`, raised by statement `sent`,
/// points, when it points into the SQL of `task` that `sent` holds:
/// "sql/x.sql:11" (a `.sql` file, whose lines are the SQL's), or "line 2 of
/// the SQL at w.flow:41" (a string in a `.flow` file, whose quotes and
/// indentation the SQL does not keep); "" when it points elsewhere or nowhere.
std::string sql_error_location(const plan::Task& task, std::string_view what, std::string_view sent);

}  // namespace flowc::runtime::materialize_detail
