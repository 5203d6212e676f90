// Mirror parity (runtime.md "Mirror runs"): after a mirror-stage run, each
// output that the replaced legacy job also writes is compared with the
// legacy table, on the run's partition (or the whole table): its `compare`
// metrics side by side and, for keyed modes, the keys missing, extra and
// different. The comparison only reads (one READ ONLY transaction per
// table); the report is data, rendered as JSON (stored in runs.parity) and
// as a table for people.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "compiler/plan/plan.h"

namespace flowc::runtime::parity {

/// The relative tolerance of a non-integer metric when the plan sets none:
/// absorbs the rounding of float sums added up in another order, and
/// nothing a person would call a difference.
inline constexpr double kDefaultRelativeTolerance = 1e-9;

/// One `compare` metric on both tables.
struct MetricComparison {
  std::string label;                  // "sum(revenue)"
  std::optional<std::string> mirror;  // as PostgreSQL prints it; nullopt = NULL
  std::optional<std::string> legacy;
  /// Relative difference allowed, as a fraction; 0 = exact. Integer results
  /// (counts) are always exact.
  double tolerance = 0;
  bool ok = false;
};

/// A key's values in key-column order, as text (nullopt = NULL).
using KeyValues = std::vector<std::optional<std::string>>;

/// A compared column whose values differ, and how often: in how many keys
/// (keyed diff), or how many of its values one side has and the other
/// lacks, the larger side's count (row diff, the column on its own).
struct ColumnDifference {
  std::string column;
  int64_t count = 0;
  friend bool operator==(const ColumnDifference&, const ColumnDifference&) = default;
};

/// The key-level diff of a keyed mode (`merge(key = [...])`), or the row
/// diff of an output without a key (`overwrite_partition`): then `rows` is
/// set, `key` lists the columns compared and a sample is a whole row.
struct KeyDiff {
  bool rows = false;
  std::vector<std::string> key;       // the key columns (rows: every column compared)
  std::vector<std::string> compared;  // the other columns present in both tables
  int64_t missing = 0;                // in legacy, not in mirror
  int64_t extra = 0;                  // in mirror, not in legacy
  int64_t different = 0;              // in both, some compared column differs (never for rows)
  /// Keys that occur more than once in one table (never for rows): the join
  /// on the key pairs each copy, so without these a legacy table holding a
  /// row twice would match a mirror holding it once.
  int64_t repeated_in_mirror = 0, repeated_in_legacy = 0;
  /// Up to kSampleSize keys of each kind, in key order.
  std::vector<KeyValues> missing_sample, extra_sample, different_sample;
  /// The compared columns that differ, most often first (read only when
  /// something differs): which column a difference is in, so that a load
  /// time differing everywhere is seen as that.
  std::vector<ColumnDifference> columns;
};

/// How many keys of each kind a report lists.
inline constexpr int kSampleSize = 5;

/// One output compared with its legacy table.
struct TableParity {
  std::string task;       // the plan task that writes the mirror table
  std::string mirror;     // dotted: "dash__mirror.kpi_daily"
  std::string legacy;     // dotted: "dash.kpi_daily"
  std::string partition;  // for people: "ds = 2026-11-24"; "" = whole tables
  bool ok = false;
  /// Why the tables could not be compared ("legacy table dash.kpi_daily
  /// does not exist"); a mismatch. "" when they were.
  std::string error;
  std::vector<MetricComparison> metrics;
  std::optional<KeyDiff> keys;  // keyed modes only
  /// Column sets: a column consumers read from the legacy table that the
  /// mirror lacks is a mismatch; a new column in the mirror is only noted.
  std::vector<std::string> only_in_legacy, only_in_mirror;
  /// Of only_in_mirror, the columns the task's select writes when its mode
  /// writes the table in place (append, merge, overwrite_partition): the
  /// production table lacks them, so the first production run would fail
  /// (`flowc cutover` says so). Empty for `replace`, which makes the table
  /// again. A column the mirror table keeps from an earlier version of the
  /// select is in only_in_mirror alone; of a command task's output (what
  /// it loads is not known), every column of only_in_mirror.
  std::vector<std::string> not_in_production;
  /// The plan's `compare_ignore`: columns the key and row diffs left out.
  std::vector<std::string> ignored;
  /// An `append` output compared whole: the params' names (`ds`), a column
  /// of which in both tables would have narrowed it to this run's rows.
  std::vector<std::string> run_columns;
};

/// The parity of one mirror run.
struct ParityReport {
  std::string legacy_job;  // the plan's `replaces`
  bool ok = true;          // every table matched (true with no tables)
  std::vector<TableParity> tables;

  /// One line naming every mismatch ("dash.kpi_daily: 1 different key
  /// (2026-11-24, emea)"), for the Parity incident; "" when ok.
  [[nodiscard]] std::string mismatch_summary() const;
};

/// Compares every task of `plan` that has a `parity` with its legacy table
/// on `target`. Only reads. Never throws: a database error (a missing
/// table, a lost connection) becomes that table's `error`, a mismatch.
ParityReport compare_with_legacy(pqxx::connection& target, const plan::Plan& plan);

/// The same on a new connection to `dsn` (a secret: never in the report);
/// a connection that fails makes every table a mismatch with that error.
ParityReport compare_with_legacy(const std::string& dsn, const plan::Plan& plan);

/// The report as JSON text (the runs.parity column, `flowc status --format json`).
std::string to_json(const ParityReport& report);

/// Reads what to_json() wrote; nullopt when `json` is not such a report.
std::optional<ParityReport> from_json(const std::string& json);

/// The report as text for people: a header line, then per table its
/// metrics side by side and the key counts with their samples. Every line
/// is indented by `indent` spaces; `color` marks ok/mismatch (SGR).
std::string render_human(const ParityReport& report, int indent = 0, bool color = false);

}  // namespace flowc::runtime::parity
