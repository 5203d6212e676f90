// The queries of a parity check: column sets, the `compare` metrics on both
// tables, and the keyed diff as one full join. Every query runs in a READ
// ONLY transaction, so a comparison cannot write even by mistake.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <pqxx/pqxx>

#include "runtime/connect/connect.h"
#include "runtime/connect/fields.h"
#include "runtime/connect/pg_numbers.h"
#include "runtime/events/events.h"
#include "runtime/parity/parity.h"

namespace flowc::runtime::parity {
namespace {

/// The params a statement needs: $1 .. the highest $n in its text.
/// PostgreSQL refuses a parameter it cannot type, and an unreferenced one
/// has no type.
std::vector<std::string> params_for(const std::string& sql, const std::vector<plan::BoundParam>& params) {
  size_t highest = 0;
  for (size_t at = sql.find('$'); at != std::string::npos; at = sql.find('$', at + 1)) {
    size_t n = 0, end = at + 1;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9')
      n = n * 10 + static_cast<size_t>(sql[end++] - '0');
    highest = std::max(highest, n);
  }
  std::vector<std::string> values;
  for (size_t i = 0; i < highest && i < params.size(); ++i) values.push_back(params[i].value);
  return values;
}

/// The partition filter for people: `"ds" = $1::date` -> `ds = 2026-11-24`.
std::string partition_text(const plan::Parity& parity) {
  std::string text = parity.partition;
  for (size_t i = parity.params.size(); i > 0; --i) {
    const plan::BoundParam& p = parity.params[i - 1];
    std::string placeholder = "$" + std::to_string(i) + "::" + p.sql_type;
    for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at))
      text.replace(at, placeholder.size(), p.value), at += p.value.size();
  }
  std::erase(text, '"');
  return text;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool is_integer_type(pqxx::oid type) { return type == 20 || type == 21 || type == 23; }  // int8, int2, int4
bool is_number_type(pqxx::oid type) {
  return is_integer_type(type) || type == 700 || type == 701 || type == 1700;  // float4, float8, numeric
}

/// Whether two metric values agree within `tolerance` (relative).
bool agree(const std::optional<std::string>& a, const std::optional<std::string>& b, double tolerance) {
  if (!a || !b) return !a && !b;
  if (*a == *b) return true;
  if (tolerance <= 0) return false;
  const std::optional<double> x = parse_number(*a), y = parse_number(*b);
  if (!x || !y) return false;
  const double scale = std::max(std::fabs(*x), std::fabs(*y));
  return scale == 0 || std::fabs(*x - *y) / scale <= tolerance;
}

/// One table's comparison; throws pqxx errors to compare_table().
class TableComparison {
 public:
  TableComparison(pqxx::connection& target, const plan::Task& task, TableParity& out)
      : tx_(target), task_(task), parity_(*task.parity), out_(out) {}

  void run() {
    std::vector<std::string> mirror_columns = columns(parity_.mirror);
    std::vector<std::string> legacy_columns = columns(parity_.legacy);
    if (legacy_columns.empty()) return fail("legacy table " + parity_.legacy.dotted() + " does not exist");
    if (mirror_columns.empty()) return fail("mirror table " + parity_.mirror.dotted() + " does not exist");
    for (const std::string& c : legacy_columns)
      if (std::find(mirror_columns.begin(), mirror_columns.end(), c) == mirror_columns.end())
        out_.only_in_legacy.push_back(c);
    for (const std::string& c : mirror_columns)
      if (std::find(legacy_columns.begin(), legacy_columns.end(), c) == legacy_columns.end())
        out_.only_in_mirror.push_back(c);
    // What a command loads is not known (nor the columns of a select this
    // comparison cannot describe): then every column only the mirror has.
    if (task_.mode != plan::WriteMode::Replace && !out_.only_in_mirror.empty()) {
      const std::vector<std::string> written = select_columns();
      for (const std::string& c : out_.only_in_mirror)
        if (written.empty() || contains(written, c)) out_.not_in_production.push_back(c);
    }
    narrow_to_run(mirror_columns, legacy_columns);
    out_.ignored = parity_.ignore;
    for (const std::string& c : parity_.ignore)
      if (!contains(mirror_columns, c) && !contains(legacy_columns, c))
        fail("`compare_ignore` names column " + c + ", which neither table has");
    compare_metrics();
    if (!parity_.key.empty()) compare_keys(mirror_columns);
    else if (parity_.compare_rows) compare_rows(mirror_columns);
    out_.ok = out_.error.empty() && out_.only_in_legacy.empty() &&
              std::all_of(out_.metrics.begin(), out_.metrics.end(), [](const auto& m) { return m.ok; }) &&
              (!out_.keys || (out_.keys->missing == 0 && out_.keys->extra == 0 && out_.keys->different == 0 &&
                              out_.keys->repeated_in_mirror == 0 && out_.keys->repeated_in_legacy == 0));
  }

 private:
  void fail(std::string error) {
    out_.error = std::move(error);
    out_.ok = false;
  }

  /// The table's columns in order; empty when it does not exist. Float
  /// columns (real, double precision) are noted: they are compared within
  /// the tolerance, not bit for bit.
  std::vector<std::string> columns(const plan::TableName& table) {
    pqxx::result r = tx_.exec_params(
        "select a.attname, a.atttypid in (700, 701) from pg_attribute a where a.attrelid = to_regclass($1) "
        "and a.attnum > 0 and not a.attisdropped order by a.attnum",
        table.quoted());
    std::vector<std::string> out;
    for (const auto& row : r) {
      out.push_back(row[0].as<std::string>());
      if (row[1].as<bool>()) floats_.push_back(out.back());
    }
    return out;
  }

  /// The columns the task's select returns (no row is fetched), in a
  /// savepoint: a command task (no select), or a select this read-only
  /// comparison cannot run (`for share`), gives none, and the comparison
  /// goes on.
  std::vector<std::string> select_columns() {
    std::vector<std::string> out;
    if (plan::strip_statement(task_.select.sql).empty()) return out;
    const std::string sql = plan::select_columns_sql(task_.select.sql);
    tx_.exec("savepoint flowc_select_columns");
    try {
      pqxx::result r =
          tx_.exec_params(sql, pqxx::prepare::make_dynamic_params(params_for(sql, task_.select.params)));
      for (pqxx::row::size_type i = 0; i < r.columns(); ++i) out.emplace_back(r.column_name(i));
      tx_.exec("release savepoint flowc_select_columns");
    } catch (const pqxx::sql_error&) {
      tx_.exec("rollback to savepoint flowc_select_columns");
      out.clear();
    }
    return out;
  }

  /// An output whose mode does not say which rows are this run's (`append`):
  /// narrowed to the rows holding the run's value in each column named
  /// after a param that both tables have, which are then compared row by
  /// row. Without such a column the whole tables are compared, and the
  /// report names the columns that would have narrowed them.
  void narrow_to_run(const std::vector<std::string>& mirror_columns,
                     const std::vector<std::string>& legacy_columns) {
    // The value is written as a literal: a `$n` the metrics do not use
    // would reach the key and row queries, which use no other, untyped.
    for (const plan::BoundParam& column : parity_.run_columns) {
      if (!contains(mirror_columns, column.name) || !contains(legacy_columns, column.name)) continue;
      const char* join = parity_.partition.empty() ? "" : " and ";
      parity_.partition += fmt::format("{}{} = {}::{}", join, plan::quote_identifier(column.name),
                                       tx_.quote(column.value), column.sql_type);
      out_.partition += fmt::format("{}{} = {}", join, column.name, column.value);
      parity_.compare_rows = true;
    }
    if (!parity_.run_columns.empty() && !parity_.compare_rows)
      for (const plan::BoundParam& column : parity_.run_columns) out_.run_columns.push_back(column.name);
  }

  bool is_float(const std::string& column) const {
    return std::find(floats_.begin(), floats_.end(), column) != floats_.end();
  }

  /// The relative difference a float may have: the plan's, or the default.
  double tolerance() const {
    return parity_.tolerance_percent > 0 ? parity_.tolerance_percent / 100 : kDefaultRelativeTolerance;
  }

  /// Whether `column` differs between the rows `m` and `l` of the key diff:
  /// `is distinct from`, and for a float (on either side) by more than the
  /// tolerance, relative to the larger value.
  std::string differs(const std::string& column) const {
    std::string c = plan::quote_identifier(column);
    if (!is_float(column)) return fmt::format("m.{0} is distinct from l.{0}", c);
    return fmt::format(
        "(m.{0}::float8 is distinct from l.{0}::float8 and ((m.{0} is null) <> (l.{0} is null) or not {1}))",
        c, within_tolerance(fmt::format("m.{}::float8", c), fmt::format("l.{}::float8", c), tolerance()));
  }

  /// Whether the float8 expressions `a` and `b`, not equal, are within
  /// `tolerance` of each other, relative to the larger. Only two finite
  /// values can be: PostgreSQL's NaN is larger than every number and equal
  /// to itself, so `abs(NaN - 1) <= t * NaN` holds (as `Infinity <= t *
  /// Infinity` does), and NaN, Infinity and -Infinity would match anything.
  static std::string within_tolerance(const std::string& a, const std::string& b, double tolerance) {
    return fmt::format(
        "(abs({0}) < 'Infinity'::float8 and abs({1}) < 'Infinity'::float8 and abs({0} - {1}) <= {2} * "
        "greatest(abs({0}), abs({1})))",
        a, b, tolerance);
  }

  std::string where() const { return parity_.partition.empty() ? "" : " where " + parity_.partition; }

  pqxx::result query(const std::string& sql) {
    return tx_.exec_params(sql, pqxx::prepare::make_dynamic_params(params_for(sql, parity_.params)));
  }

  void compare_metrics() {
    pqxx::result m = query(plan::parity_query(parity_, parity_.metric_sql, plan::ParitySide::Mirror));
    pqxx::result l = query(plan::parity_query(parity_, parity_.metric_sql, plan::ParitySide::Legacy));
    for (size_t i = 0; i < parity_.metric_sql.size(); ++i) {
      MetricComparison c;
      c.label = i < parity_.metric_labels.size() ? parity_.metric_labels[i] : parity_.metric_sql[i];
      const auto col = static_cast<pqxx::row::size_type>(i);
      c.mirror = nullable<std::string>(m[0][col]);
      c.legacy = nullable<std::string>(l[0][col]);
      bool integers = is_integer_type(m.column_type(col)) && is_integer_type(l.column_type(col));
      bool numbers = is_number_type(m.column_type(col)) && is_number_type(l.column_type(col));
      // `max(amount)` of a numeric(12,2) column against an unconstrained
      // one: `2.00` and `2`, one number (a text `007` and `7` stay two).
      bool decimals = c.mirror && c.legacy && (decimal_text(*c.mirror) || decimal_text(*c.legacy)) &&
                      (decimal_text(*c.mirror) || integer_text(*c.mirror)) &&
                      (decimal_text(*c.legacy) || integer_text(*c.legacy));
      if ((numbers && !integers) || decimals) c.tolerance = tolerance();
      c.ok = agree(c.mirror, c.legacy, c.tolerance);
      out_.metrics.push_back(std::move(c));
    }
  }

  void compare_keys(const std::vector<std::string>& mirror_columns) {
    KeyDiff diff;
    diff.key = parity_.key;
    for (const std::string& k : parity_.key) {
      bool in_both =
          std::find(mirror_columns.begin(), mirror_columns.end(), k) != mirror_columns.end() &&
          std::find(out_.only_in_legacy.begin(), out_.only_in_legacy.end(), k) == out_.only_in_legacy.end();
      if (!in_both) return fail("key column " + k + " is not in both tables");
    }
    for (const std::string& c : mirror_columns)
      if (!contains(out_.only_in_mirror, c) && !contains(diff.key, c) && !contains(parity_.ignore, c))
        diff.compared.push_back(c);

    std::string join, keys, order, changed;
    for (size_t i = 0; i < diff.key.size(); ++i) {
      std::string k = plan::quote_identifier(diff.key[i]);
      join += fmt::format("{}m.{} = l.{}", i ? " and " : "", k, k);
      keys += fmt::format(", coalesce(m.{0}, l.{0}) as k{1}", k, i);
      order += fmt::format("{}k{}", i ? ", " : "", i);
    }
    for (const std::string& c : diff.compared) changed += " or " + differs(c);
    std::string key_out;
    for (size_t i = 0; i < diff.key.size(); ++i) key_out += fmt::format(", k{}", i);
    // A full join on the key: no row on one side is a missing or extra
    // key; a row on both sides that differs anywhere is a different one.
    std::string rows = fmt::format(
        "select case when m.flowc__row is null then 'missing' when l.flowc__row is null then 'extra' "
        "else 'different' end as kind{0} "
        "from (select true as flowc__row, * from {1}{3}) m full join (select true as flowc__row, * from "
        "{2}{3}) l on {4} where m.flowc__row is null or l.flowc__row is null{5}",
        keys, parity_.mirror.quoted(), parity_.legacy.quoted(), where(), join, changed);
    read_diff(query(sampled(rows, key_out, order)), diff);
    std::string key_list;
    for (const std::string& k : diff.key)
      key_list += (key_list.empty() ? "" : ", ") + plan::quote_identifier(k);
    pqxx::result repeated = query(fmt::format(
        "select (select count(*) from (select 1 from {1}{3} group by {0} having count(*) > 1) d), "
        "(select count(*) from (select 1 from {2}{3} group by {0} having count(*) > 1) d)",
        key_list, parity_.mirror.quoted(), parity_.legacy.quoted(), where()));
    diff.repeated_in_mirror = repeated[0][0].as<int64_t>();
    diff.repeated_in_legacy = repeated[0][1].as<int64_t>();
    if (diff.different > 0) {
      // Of the keys in both tables, in how many each column differs.
      std::string names;
      for (const std::string& c : diff.compared)
        names +=
            fmt::format("{}case when {} then {} end", names.empty() ? "" : ", ", differs(c), tx_.quote(c));
      read_columns(
          query(fmt::format(
              "select c, count(*) from (select unnest(array[{0}]) as c from (select * from {1}{3}) m "
              "join (select * from {2}{3}) l on {4}) d where c is not null group by c",
              names, parity_.mirror.quoted(), parity_.legacy.quoted(), where(), join)),
          diff);
    }
    out_.keys = std::move(diff);
  }

  /// The rows of a (column, count) query, most often first.
  static void read_columns(const pqxx::result& rows, KeyDiff& diff) {
    for (const auto& row : rows)
      if (int64_t n = row[1].as<int64_t>(); n > 0) diff.columns.push_back({row[0].as<std::string>(), n});
    std::stable_sort(diff.columns.begin(), diff.columns.end(),
                     [](const ColumnDifference& a, const ColumnDifference& b) { return a.count > b.count; });
  }

  /// An output without a key (`overwrite_partition`): the partition's rows,
  /// on the columns both tables have, compared as multisets. A row of
  /// legacy that the mirror lacks is missing, one of the mirror's that
  /// legacy lacks is extra (a changed row is one of each). Floats are
  /// compared as text rounded to the tolerance's significant digits
  /// (`extra_float_digits`), as a set operation cannot take a tolerance.
  void compare_rows(const std::vector<std::string>& mirror_columns) {
    KeyDiff diff;
    diff.rows = true;
    std::string list, order;
    std::vector<std::string> values;  // each compared column as the row diff reads it
    std::vector<bool> float_columns;  // whether each is a float
    for (const std::string& c : mirror_columns) {
      if (contains(out_.only_in_mirror, c) || contains(parity_.ignore, c)) continue;
      std::string q = plan::quote_identifier(c);
      values.push_back(is_float(c) ? q + "::float8::text" : q);
      float_columns.push_back(is_float(c));
      list += fmt::format("{}{}", list.empty() ? "" : ", ", values.back());
      order += fmt::format("{}c{}", order.empty() ? "" : ", ", diff.key.size());
      diff.key.push_back(c);
    }
    if (diff.key.empty()) return fail("the tables have no column in common");
    int digits = std::clamp(static_cast<int>(std::lround(-std::log10(tolerance()))), 1, 15);
    tx_.exec(fmt::format("set local extra_float_digits = {}", digits - 15));
    std::string named;
    for (size_t i = 0; i < diff.key.size(); ++i) named += fmt::format(", c{}", i);
    read_diff(query(sampled(row_diff(list, named.substr(2), float_columns, digits), named, order)), diff);
    if (diff.missing + diff.extra > 0) {
      // Each column on its own, as a multiset: how many of its values one
      // side has and the other lacks.
      std::string parts;
      for (size_t i = 0; i < values.size(); ++i)
        parts += fmt::format(
            "{0}select {1}, greatest(count(*) filter (where kind = 'missing'), count(*) filter (where kind = "
            "'extra')) from ({2}) d",
            i ? " union all " : "", tx_.quote(diff.key[i]),
            row_diff(values[i], "c0", {float_columns[i]}, digits));
      read_columns(query(parts), diff);
    }
    tx_.exec("set local extra_float_digits = 1");  // the default, for anything after
    out_.keys = std::move(diff);
  }

  /// The rows of legacy the mirror lacks (`missing`) and of the mirror
  /// legacy lacks (`extra`): a kind, then the values `list` selects, named
  /// `named` (c0, c1, ...), compared after rounding the floats
  /// (`float_columns`) to `digits`.
  /// Rounding has steps: two floats within the tolerance can round to
  /// either side of one (0.12345678849 and 0.12345678851). So a missing row
  /// and an extra row that agree on every other column, and on each float
  /// within the tolerance and one step of the rounding, are the same row:
  /// paired by rank among the rows that agree on the other columns, they
  /// cancel out.
  std::string row_diff(const std::string& list, const std::string& named,
                       const std::vector<bool>& float_columns, int digits) const {
    std::string others, floats, pair;
    for (size_t i = 0; i < float_columns.size(); ++i) {
      const std::string c = fmt::format("c{}", i);
      if (!float_columns[i]) {
        others += (others.empty() ? "" : ", ") + c;
        pair += fmt::format(" and e.{0} is not distinct from m.{0}", c);
        continue;
      }
      floats += (floats.empty() ? "" : ", ") + c + "::float8";
      pair += fmt::format(" and (e.{0} is not distinct from m.{0} or {1})", c,
                          within_tolerance("e." + c + "::float8", "m." + c + "::float8",
                                           tolerance() + std::pow(10.0, 1 - digits)));
    }
    const std::string sides = fmt::format(
        "missing({0}) as (select {1} from {3}{4} except all select {1} from {2}{4}), "
        "extra({0}) as (select {1} from {2}{4} except all select {1} from {3}{4})",
        named, list, parity_.mirror.quoted(), parity_.legacy.quoted(), where());
    if (floats.empty())
      return fmt::format(
          "with {} (select 'missing' as kind, * from missing) union all "
          "(select 'extra' as kind, * from extra)",
          sides);
    const std::string rank = fmt::format("row_number() over ({}order by {}) as flow_rank",
                                         others.empty() ? "" : "partition by " + others + " ", floats);
    return fmt::format(
        "with {0}, m as (select *, {1} from missing), e as (select *, {1} from extra) "
        "(select 'missing' as kind, {2} from m where not exists (select 1 from e where e.flow_rank = "
        "m.flow_rank{3})) "
        "union all "
        "(select 'extra' as kind, {2} from e where not exists (select 1 from m where e.flow_rank = "
        "m.flow_rank{3}))",
        sides, rank, named, pair);
  }

  /// The diff `rows` (a kind, then the values) as the report needs them:
  /// each kind's count and its first kSampleSize rows in `order`, selecting
  /// kind, the count, then `values` (", k0, k1").
  static std::string sampled(const std::string& rows, const std::string& values, const std::string& order) {
    return fmt::format(
        "select kind, n{0} from (select d.*, count(*) over (partition by kind) as n, "
        "row_number() over (partition by kind order by {1}) as rn from ({2}) d) x where rn <= {3} "
        "order by kind, rn",
        values, order, rows, kSampleSize);
  }

  /// Counts and samples of a diff query's rows: kind, count, the values.
  static void read_diff(const pqxx::result& rows, KeyDiff& diff) {
    for (const auto& row : rows) {
      std::string kind = row[0].as<std::string>();
      int64_t n = row[1].as<int64_t>();
      KeyValues values;
      for (size_t i = 0; i < diff.key.size(); ++i) {
        values.push_back(nullable<std::string>(row[static_cast<pqxx::row::size_type>(2 + i)]));
      }
      if (kind == "missing") diff.missing = n, diff.missing_sample.push_back(std::move(values));
      if (kind == "extra") diff.extra = n, diff.extra_sample.push_back(std::move(values));
      if (kind == "different") diff.different = n, diff.different_sample.push_back(std::move(values));
    }
  }

  pqxx::read_transaction tx_;
  const plan::Task& task_;
  plan::Parity parity_;  // the plan's, narrowed to this run's rows
  TableParity& out_;
  std::vector<std::string> floats_;  // float columns of either table
};

TableParity describe(const plan::Task& task) {
  TableParity out;
  out.task = task.name;
  out.mirror = task.parity->mirror.dotted();
  out.legacy = task.parity->legacy.dotted();
  out.partition = partition_text(*task.parity);
  return out;
}

TableParity compare_table(pqxx::connection& target, const plan::Task& task) {
  TableParity out = describe(task);
  try {
    TableComparison(target, task, out).run();
  } catch (const std::exception& e) {
    out = describe(task);  // nothing half-compared
    out.error = "comparing " + out.mirror + " with " + out.legacy + ": " + first_line(e.what());
  }
  return out;
}

ParityReport start_report(const plan::Plan& plan) {
  ParityReport report;
  if (plan.replaces) report.legacy_job = plan.replaces->name;
  return report;
}

void finish_report(ParityReport& report) {
  report.ok =
      std::all_of(report.tables.begin(), report.tables.end(), [](const TableParity& t) { return t.ok; });
}

}  // namespace

ParityReport compare_with_legacy(pqxx::connection& target, const plan::Plan& plan) {
  ParityReport report = start_report(plan);
  for (const plan::Task& task : plan.tasks)
    if (task.parity) report.tables.push_back(compare_table(target, task));
  finish_report(report);
  return report;
}

ParityReport compare_with_legacy(const std::string& dsn, const plan::Plan& plan) {
  std::unique_ptr<pqxx::connection> target;
  std::string error;
  try {
    target = open_connection(dsn);
  } catch (const std::exception& e) {
    // libpq's message names the host, never the password.
    error = "cannot connect to the target database: " + first_line(e.what());
  }
  if (target) return compare_with_legacy(*target, plan);
  ParityReport report = start_report(plan);
  for (const plan::Task& task : plan.tasks) {
    if (!task.parity) continue;
    report.tables.push_back(describe(task));
    report.tables.back().error = error;
  }
  finish_report(report);
  return report;
}

}  // namespace flowc::runtime::parity
