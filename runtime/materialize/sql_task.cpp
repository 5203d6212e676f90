// One attempt of a SQL task: the write of its mode, its expectations and the
// success record, all in one transaction on the target, so that an attempt
// either leaves everything as one successful attempt would or changes
// nothing. docs/tasks.md shows the exact statements.
#include <fmt/format.h>

#include <optional>

#include "runtime/materialize/sql_session.h"

namespace flowc::runtime::materialize_detail {

namespace {

using plan::BoundParam;
using plan::Task;
using plan::WriteMode;

/// The first key of the two-key advisory locks on output tables ('flow').
constexpr int32_t kLockSpace = 0x666c6f77;

std::string join_quoted(const std::vector<std::string>& names, std::string_view prefix = "") {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += std::string(prefix) + plan::quote_identifier(n);
  }
  return out;
}

/// The columns the select produces, by name: `limit 0` plans it and stops
/// before reading a row.
std::vector<std::string> select_columns(SqlSession& s, const std::string& select, const plan::Statement& statement) {
  pqxx::result r = s.exec("columns of the select", plan::select_columns_sql(select), statement.params);
  std::vector<std::string> columns;
  for (pqxx::row::size_type i = 0; i < r.columns(); ++i) columns.emplace_back(r.column_name(i));
  return columns;
}

/// Creates the output from the select's shape when it does not exist yet.
void create_if_missing(SqlSession& s, const std::string& target, const std::string& select,
                       const plan::Statement& statement) {
  s.exec("create the table if missing", "create table if not exists " + target + " as\n" + select + "\nwith no data",
         statement.params);
}

/// The param that carries the partition value of overwrite_partition(col):
/// the select's own param of that name, else the workflow param.
std::optional<size_t> partition_param(const Task& task, const plan::Plan& plan, std::vector<BoundParam>& params) {
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].name == task.partition_column) return i;
  for (const BoundParam& p : plan.params)
    if (p.name == task.partition_column) {
      params.push_back(p);
      return params.size() - 1;
    }
  return std::nullopt;
}

int64_t write_replace(SqlSession& s, const Task& task, const std::string& select) {
  std::string staging = quote_table(task.output->staging());
  // Only a crash between a non-transactional step and its cleanup could leave
  // one, but nothing must depend on that.
  s.exec("drop a leftover staging table", "drop table if exists " + staging);
  pqxx::result r = s.exec("build the new table", "create table " + staging + " as\n" + select, task.select.params);
  return static_cast<int64_t>(r.affected_rows());
}

/// The views that depend on the table `t`, as a list ("" none).
constexpr std::string_view kViewsOnTable = R"((select string_agg(distinct w.ev_class::regclass::text, ', ')
     from pg_depend d join pg_rewrite w on w.oid = d.objid
    where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
      and d.refobjid = t.oid and w.ev_class <> t.oid))";
/// Whether the table named by $2 has `t`'s columns (names and types, in order).
constexpr std::string_view kSameColumns =
    R"((select array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) order by a.attnum)
     from pg_attribute a where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped)
    is not distinct from
  (select array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) order by a.attnum)
     from pg_attribute a where a.attrelid = to_regclass($2::text) and a.attnum > 0 and not a.attisdropped))";
/// The tables whose foreign keys reference `t`, as a list ("" none).
constexpr std::string_view kReferencingTables =
    R"((select string_agg(distinct c.conrelid::regclass::text, ', ')
     from pg_constraint c where c.contype = 'f' and c.confrelid = t.oid and c.conrelid <> t.oid))";
/// The grants of `t` to carry over; its comments, constraints (NOT NULL
/// included), indexes and row security policies; whether row security is
/// on; and its owner, each as statements on the name $1, which the new
/// table takes. An owner the running role may not hand the table to (it is
/// not a member, or the owner may not create in the schema, which
/// PostgreSQL asks of a new owner unless a superuser hands it over) is
/// granted every privilege on it instead.
constexpr std::string_view kCarriedOver =
    R"((select string_agg(format('grant %s on table %s to %s%s', x.privilege_type, $1::text,
                            case when x.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(x.grantee)) end,
                            case when x.is_grantable then ' with grant option' else '' end), '; ')
     from aclexplode(t.relacl) as x where x.grantee <> t.relowner),
  (select string_agg(carried.statement, '; ' order by carried.late) from (
     select format('comment on table %s is %L', $1::text, obj_description(t.oid, 'pg_class')) as statement,
            false as late
      where obj_description(t.oid, 'pg_class') is not null
     union all
     select format('comment on column %s.%I is %L', $1::text, a.attname, col_description(t.oid, a.attnum)), false
       from pg_attribute a
      where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped and col_description(t.oid, a.attnum) is not null
     union all
     select format('alter table %s alter column %I set not null', $1::text, a.attname), false
       from pg_attribute a where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped and a.attnotnull
     union all
     select format('alter table %s add constraint %I %s', $1::text, c.conname, pg_get_constraintdef(c.oid)),
            c.contype = 'f' -- after the keys and indexes it may reference
       from pg_constraint c where c.conrelid = t.oid and c.contype in ('p', 'u', 'c', 'f', 'x')
     union all
     select pg_get_indexdef(i.indexrelid), false
       from pg_index i
      where i.indrelid = t.oid -- but not the indexes of the keys above (a foreign key names the index it uses too)
        and not exists (select 1 from pg_constraint c
                         where c.conindid = i.indexrelid and c.conrelid = t.oid and c.contype in ('p', 'u', 'x'))
     union all
     select format('create policy %I on %s as %s for %s to %s%s%s', p.polname, $1::text,
                   case when p.polpermissive then 'permissive' else 'restrictive' end,
                   case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                                 when 'd' then 'delete' else 'all' end,
                   (select string_agg(case when r = 0 then 'public' else quote_ident(pg_get_userbyid(r)) end, ', ')
                      from unnest(p.polroles) as r),
                   ' using (' || pg_get_expr(p.polqual, p.polrelid) || ')',
                   ' with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')'), false
       from pg_policy p where p.polrelid = t.oid
   ) as carried),
  concat_ws('; ', case when t.relrowsecurity then format('alter table %s enable row level security', $1::text) end,
            case when t.relforcerowsecurity then format('alter table %s force row level security', $1::text) end),
  case when t.relowner = (select oid from pg_roles where rolname = current_user) then ''
       when pg_has_role(t.relowner, 'member') and (has_schema_privilege(t.relowner, t.relnamespace, 'create')
                                                  or (select rolsuper from pg_roles where rolname = current_user))
         then format('alter table %s owner to %I', $1::text, pg_get_userbyid(t.relowner))
       else format('grant all on table %s to %I', $1::text, pg_get_userbyid(t.relowner)) end)";

/// What the swap must know of the table it replaces, in one round trip: the
/// facts replace_refusal() judges (existing_table_sql()'s), then what it
/// carries over. No row when there is no table.
const std::string& old_table_sql() {
  static const std::string sql = "select " + std::string(kViewsOnTable) + ",\n  " +
                                 std::string(kSameColumns) + ",\n  " + std::string(kCarriedOver) + ",\n  " +
                                 std::string(kReferencingTables) +
                                 "\nfrom pg_class t where t.oid = to_regclass($1::text)";
  return sql;
}

}  // namespace

const std::string& existing_table_sql() {
  static const std::string sql = "select t.relkind::text,\n  " + std::string(kViewsOnTable) + ",\n  " +
                                 std::string(kReferencingTables) + ",\n  " + std::string(kSameColumns) +
                                 "\nfrom pg_class t where t.oid = to_regclass($1::text)";
  return sql;
}

std::string replace_refusal(const std::string& target, const std::string& views,
                            const std::string& referencing, bool same_columns) {
  // Neither way of replacing suits a table other tables' foreign keys point
  // at: the drop fails (2BP01), and emptying it fails too or, with
  // `on delete cascade`, empties those tables as well.
  if (!referencing.empty())
    return fmt::format(
        "{} cannot be replaced: the foreign keys of {} reference it; write it with "
        "merge(key), or drop those foreign keys",
        target, referencing);
  if (!views.empty() && !same_columns)
    return fmt::format(
        "{} cannot be replaced: {} {} on it, and the select's columns are not the "
        "table's; keep the columns, or change those views first",
        target, views, views.find(',') == std::string::npos ? "depends" : "depend");
  return "";
}

namespace {

/// The swap, after the expectations passed on the staging table: the new
/// table takes the old one's name and its grants (a reporting role's SELECT
/// on a published table must survive the nightly run) and, when it has the
/// same columns, the comments, constraints and indexes people gave the old
/// one. Views on the old table would go with it, so when there are any it
/// is filled in place instead (truncate and insert, in this transaction),
/// which keeps all of that, as long as the select still has the table's
/// columns.
void swap_replace(SqlSession& s, const Task& task) {
  const std::string target = quote_table(*task.output);
  const std::string staging = quote_table(task.output->staging());
  const std::string name = plan::quote_identifier(task.output->name);
  pqxx::result old = s.exec("what the old table has", old_table_sql(),
                            {{"table", "text", target}, {"staging", "text", staging}});
  if (old.empty()) {
    s.exec("swap in the new table", "alter table " + staging + " rename to " + name);
    return;
  }
  auto text = [&](int column) { return old[0][column].as(std::string()); };
  const std::string views = text(0), grants = text(2), declared = text(3), row_security = text(4),
                    owner = text(5), referencing = text(6);
  const bool same_columns = old[0][1].as<bool>();
  if (std::string why = replace_refusal(target, views, referencing, same_columns); !why.empty())
    throw PlanProblem(why);
  if (!views.empty()) {
    s.exec("empty the table in place (views depend on it)", "truncate " + target);
    s.exec("fill it from the new table", "insert into " + target + " select * from " + staging);
    s.exec("drop the new table", "drop table " + staging);
    return;
  }
  s.exec("drop the old table", "drop table " + target);
  s.exec("swap in the new table", "alter table " + staging + " rename to " + name);
  if (!grants.empty()) s.exec_script("grant what the old table granted", grants);
  // With other columns the table is a new one: what was declared on the old
  // columns may not apply to it.
  if (same_columns && !declared.empty())
    s.exec_script("give it the old table's comments, constraints, indexes and policies", declared);
  // Row security stays on whatever the columns: the grants carried over
  // must not read past policies the new table lacks (without them, it
  // shows other roles no row).
  if (!row_security.empty()) s.exec_script("keep row security on", row_security);
  // Last: the statements above need the table's owner, which the running role is until now.
  if (!owner.empty()) s.exec("give it the old table's owner", owner);
}

int64_t write_overwrite_partition(SqlSession& s, const Task& task, const plan::Plan& plan, const std::string& select) {
  std::vector<BoundParam> params = task.select.params;
  std::optional<size_t> at = partition_param(task, plan, params);
  if (!at)
    throw PlanProblem(fmt::format("overwrite_partition({}): no param named `{}` carries the partition value",
                                  task.partition_column, task.partition_column));
  const BoundParam& p = params[*at];
  std::string target = quote_table(*task.output);
  std::string column = plan::quote_identifier(task.partition_column);
  create_if_missing(s, target, select, task.select);
  std::vector<std::string> columns = select_columns(s, select, task.select);
  s.exec("delete the partition", fmt::format("delete from {} where {} = $1::{}", target, column, p.sql_type), {p});
  // Rows outside the partition would survive the next attempt's delete and be
  // written twice: count them in the same statement and refuse.
  pqxx::result r = s.exec("insert the partition",
                          fmt::format("with flow_inserted as (\n"
                                      "  insert into {0} ({1})\n"
                                      "  select {1} from (\n{2}\n) as flow_select\n"
                                      "  returning {3}\n)\n"
                                      "select count(*), count(*) filter (where {3} is distinct from ${4}::{5}) "
                                      "from flow_inserted",
                                      target, join_quoted(columns), select, column, *at + 1, p.sql_type),
                          params);
  int64_t stray = r[0][1].as<int64_t>();
  if (stray > 0)
    throw PlanProblem(fmt::format("overwrite_partition({}): the select produced {} outside {} = {}",
                                  task.partition_column, stray == 1 ? "1 row" : fmt::format("{} rows", stray),
                                  task.partition_column, p.value));
  return r[0][0].as<int64_t>();
}

/// The suffix of the unique index a merge keeps on its key.
constexpr std::string_view kKeyIndexSuffix = "__flow_key";

/// A table name too long for `__flow_key` was only cut, before the key
/// index's name kept a hash of it: the index an earlier flowc so named on
/// this table (not another's of the same cut name) gives way to the new one.
void drop_index_of_cut_name(SqlSession& s, const Task& task, const std::string& target) {
  const std::string& name = task.output->name;
  const size_t room = plan::kMaxIdentifierBytes - kKeyIndexSuffix.size();
  if (name.size() <= room) return;  // never cut
  const std::string cut = plan::quote_identifier(task.output->schema) + "." +
                          plan::quote_identifier(name.substr(0, room) + std::string(kKeyIndexSuffix));
  pqxx::result earlier = s.exec("find the key index an earlier flowc named by cutting the table's name",
                                "select exists (select 1 from pg_index where indexrelid = to_regclass($1) "
                                "and indrelid = to_regclass($2))",
                                {{"index", "text", cut}, {"table", "text", target}});
  if (earlier[0][0].as<bool>()) s.exec("drop it: the key's index has a name of its own", "drop index " + cut);
}

int64_t write_merge(SqlSession& s, const Task& task, const std::string& select) {
  if (task.merge_key.empty()) throw PlanProblem("merge: the key is empty");
  std::string target = quote_table(*task.output);
  create_if_missing(s, target, select, task.select);
  // ON CONFLICT needs a unique index on exactly the key. One left by an
  // earlier key (`merge(key = [k])` become `[k, j]`) has the same name but
  // other columns: `if not exists` would keep it, and every run would fail
  // with 42P10. It is replaced, in the attempt's transaction.
  const std::string index =
      plan::quote_identifier(plan::identifier_with_suffix(task.output->name, kKeyIndexSuffix));
  const std::string qualified_index = plan::quote_identifier(task.output->schema) + "." + index;
  drop_index_of_cut_name(s, task, target);
  pqxx::result same =
      s.exec("read the key's unique index",
             "select coalesce((select string_agg('\"' || replace(a.attname, '\"', '\"\"') || '\"', ', ' "
             "order by k.n) = $2 "
             "from pg_index i "
             "cross join lateral unnest(i.indkey) with ordinality as k(attnum, n) "
             "join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum "
             "where i.indexrelid = to_regclass($1)), true)",
             {{"index", "text", qualified_index}, {"key", "text", join_quoted(task.merge_key)}});
  if (!same[0][0].as<bool>())
    s.exec("drop the unique index of the earlier key", "drop index " + qualified_index);
  s.exec("ensure the key's unique index", fmt::format("create unique index if not exists {} on {} ({})",
                                                      index, target, join_quoted(task.merge_key)));
  std::vector<std::string> columns = select_columns(s, select, task.select);
  std::vector<std::string> updates;
  for (const std::string& c : columns) {
    bool key = false;
    for (const std::string& k : task.merge_key) key = key || k == c;
    if (!key) updates.push_back(fmt::format("{0} = excluded.{0}", plan::quote_identifier(c)));
  }
  // Every column a key column: `do nothing` would let the select return a
  // key twice without a word, where another merge fails (21000). Setting a
  // key column to itself makes it fail the same way.
  if (updates.empty())
    updates.push_back(fmt::format("{0} = excluded.{0}", plan::quote_identifier(task.merge_key.front())));
  std::string action = "do update set " + fmt::format("{}", fmt::join(updates, ", "));
  // A NULL in the key matches no row, not even the one the last attempt
  // inserted: every rerun would add the row again. Counted in the same
  // statement, and refused (the transaction rolls back).
  std::vector<std::string> null_tests;
  for (const std::string& k : task.merge_key) null_tests.push_back(plan::quote_identifier(k) + " is null");
  pqxx::result r = s.exec(
      "upsert on the key",
      fmt::format("with upserted as (\ninsert into {0} ({1})\nselect {1} from (\n{2}\n) as flow_select\n"
                  "on conflict ({3}) {4}\nreturning {3}\n)\n"
                  "select count(*), count(*) filter (where {5}) from upserted",
                  target, join_quoted(columns), select, join_quoted(task.merge_key), action,
                  fmt::join(null_tests, " or ")),
      task.select.params);
  if (const auto null_keys = r[0][1].as<int64_t>(); null_keys > 0)
    throw PlanProblem(fmt::format(
        "merge({0}): the select returns {1} with a NULL in the key, which matches no "
        "row, so each rerun would add {2} again: give the key a value (coalesce) or "
        "leave such rows out",
        fmt::join(task.merge_key, ", "), null_keys == 1 ? "1 row" : std::to_string(null_keys) + " rows",
        null_keys == 1 ? "it" : "them"));
  return r[0][0].as<int64_t>();
}

int64_t write_append(SqlSession& s, const Task& task, const std::string& select) {
  std::string target = quote_table(*task.output);
  create_if_missing(s, target, select, task.select);
  std::vector<std::string> columns = select_columns(s, select, task.select);
  pqxx::result r = s.exec("append",
                          fmt::format("insert into {0} ({1})\nselect {1} from (\n{2}\n) as flow_select", target,
                                      join_quoted(columns), select),
                          task.select.params);
  return static_cast<int64_t>(r.affected_rows());
}

/// A mirror run's `none` statements stay read-only to their end, whatever
/// they say: the transaction takes its snapshot before them (so a `set
/// transaction read write` among them is refused) and the session's default
/// is read-only while they run (so a `commit` among them does not open a
/// writable transaction for the rest). The default is reset when the
/// attempt ends; a connection on which that fails is closed, so no later
/// task inherits it.
class ReadOnlyStatements {
 public:
  ReadOnlyStatements(pqxx::connection& connection, bool active) : connection_(connection), active_(active) {}
  ReadOnlyStatements(const ReadOnlyStatements&) = delete;
  ReadOnlyStatements& operator=(const ReadOnlyStatements&) = delete;
  ~ReadOnlyStatements() {
    if (!active_ || !connection_.is_open()) return;
    try {
      pqxx::nontransaction(connection_).exec("reset default_transaction_read_only");
    } catch (...) {
      connection_.disconnect();
    }
  }

  void begin(SqlSession& s) const {
    if (active_)
      s.exec_script("a mirror run: the statements may not write",
             "set transaction read only; set default_transaction_read_only = on; select 1");
  }

 private:
  pqxx::connection& connection_;
  bool active_;
};

/// A mirror run writes only its mirror tables (runtime.md), but the task's
/// select runs in a writable transaction and may call a function that
/// writes elsewhere (a legacy job's `select refresh_kpi(ds)`). Before the
/// swap and the commit, the tables this transaction wrote must all be in
/// the mirror schema or temporary; else the attempt fails and rolls back.
/// Written: rows inserted, updated or deleted (the transaction's own
/// statistics, `pg_stat_xact_all_tables`), a table truncated, altered or
/// dropped (the ACCESS EXCLUSIVE lock those take), a foreign table written.
/// A lock alone is no write (`lock table ... in share mode` reads
/// consistently), nor is the catalog (a comment), nor a sequence's
/// `nextval`, which nothing rolls back.
///
/// The statistics a session has not yet sent count its earlier transactions
/// too (PostgreSQL 15), so they are read once when the attempt begins
/// (RowsWritten) and a table counts as written when its count grew since.
struct RowsWritten {
  std::string tables, counts;  // `{oid,...}` and `{n,...}`, as PostgreSQL prints arrays
};

RowsWritten rows_written(SqlSession& s) {
  pqxx::result r =
      s.exec("rows written before the attempt",
             "select coalesce(array_agg(relid), '{}'), coalesce(array_agg(n_tup_ins + n_tup_upd + "
             "n_tup_del), '{}') from pg_stat_xact_all_tables where n_tup_ins + n_tup_upd + n_tup_del > 0");
  return {r[0][0].as(std::string()), r[0][1].as(std::string())};
}

void refuse_production_writes(SqlSession& s, const Task& task, const RowsWritten& before) {
  static const std::string kWrittenElsewhere = R"(with written as (
  select x.relid from pg_stat_xact_all_tables x
  left join unnest($2::oid[], $3::bigint[]) as b(relid, n) on b.relid = x.relid
  where x.n_tup_ins + x.n_tup_upd + x.n_tup_del > coalesce(b.n, 0)
  union
  select l.relation from pg_locks l join pg_class c on c.oid = l.relation
  where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.granted
    and (l.mode = 'AccessExclusiveLock' or (c.relkind = 'f' and l.mode = 'RowExclusiveLock'))
)
select string_agg(distinct quote_ident(n.nspname) || '.' || quote_ident(c.relname), ', ')
from written w
join pg_class c on c.oid = w.relid
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'm', 'f')
  and n.nspname <> coalesce(nullif($1, ''), current_schema())
  and n.nspname not like 'pg\_temp\_%' and n.nspname not like 'pg\_toast%'
  and n.nspname not in ('pg_catalog', 'information_schema'))";
  pqxx::result r = s.exec("no table but the mirror's written", kWrittenElsewhere,
                          {{"mirror_schema", "text", task.output->schema},
                           {"tables", "text", before.tables},
                           {"counts", "text", before.counts}});
  if (r.empty() || r[0][0].is_null()) return;
  throw PlanProblem(
      fmt::format("a mirror run writes only its mirror tables, and this attempt wrote {} (through what its "
                  "select calls): "
                  "rolled back, nothing of it stays",
                  r[0][0].as(std::string())));
}

/// The attempt on the target (see on_target).
AttemptResult write_and_check(const AttemptContext& context, AttemptLog& log,
                              std::optional<Clock::time_point> deadline, const QueryWatchdog& watchdog) {
  const plan::Plan& plan = *context.plan;
  const Task& task = plan.tasks[context.task];
  pqxx::connection& connection = *context.target;
  AttemptResult result;
  // A mirror run never writes a production table (runtime.md). The write
  // modes write the mirror table the plan names; a `none` task's statements
  // write what they name, which flowc cannot redirect, so they run in a
  // read-only transaction. Its success is then recorded by the executor
  // after it, not in it (the finish writes the state tables).
  const bool read_only = task.mode == WriteMode::None && plan.stage == plan::Stage::Mirror;
  try {
    if (task.mode != WriteMode::None && !task.output) throw PlanProblem("the task has a write mode but no output table");
    if (task.output && !task.output->schema.empty()) ensure_schema(connection, task.output->schema, log);
    // A task that writes nothing, checks nothing and has no timeout is just
    // its statements: sent in autocommit they still run as one transaction
    // (a query string of several statements is one implicit transaction),
    // in one round trip instead of BEGIN, the statements and COMMIT.
    const bool bare = task.mode == WriteMode::None && task.checks.empty() && !deadline && !context.record_success_in &&
                      !read_only;
    const ReadOnlyStatements read_only_statements(connection, read_only);  // outlives the transaction
    std::optional<pqxx::work> in_transaction;
    std::optional<pqxx::nontransaction> in_autocommit;
    pqxx::transaction_base& tx = bare ? static_cast<pqxx::transaction_base&>(in_autocommit.emplace(connection))
                                      : in_transaction.emplace(connection, "flowc_attempt");
    SqlSession s(tx, log, deadline, context.stop);
    read_only_statements.begin(s);
    if (task.output && task.mode != WriteMode::None) {
      // Two attempts of one task can overlap only when a stale executor has
      // not yet noticed its lost lease; they then take turns instead of
      // failing on each other's staging table or key index.
      s.exec("lock the output", fmt::format("select pg_advisory_xact_lock({}, hashtext($1::text))", kLockSpace),
             {{"output", "text", quote_table(*task.output)}});
    }
    const bool mirror_write = plan.stage == plan::Stage::Mirror && task.mode != WriteMode::None;
    const RowsWritten before = mirror_write ? rows_written(s) : RowsWritten{};
    std::string select = plan::strip_statement(task.select.sql);
    switch (task.mode) {
      case WriteMode::Replace: result.rows_written = write_replace(s, task, select); break;
      case WriteMode::OverwritePartition: result.rows_written = write_overwrite_partition(s, task, plan, select); break;
      case WriteMode::Merge: result.rows_written = write_merge(s, task, select); break;
      case WriteMode::Append: result.rows_written = write_append(s, task, select); break;
      case WriteMode::None: {
        // The task's own statements, as written (several only without params:
        // the extended protocol takes one statement).
        pqxx::result r = task.select.params.empty() ? s.exec_script("run the statements", task.select.sql)
                                                    : s.exec("run the statements", task.select.sql, task.select.params);
        result.rows_written = static_cast<int64_t>(r.affected_rows());
        break;
      }
    }
    log.line(fmt::format("rows written: {}", result.rows_written));
    if (!run_expectations(s, task, context, result)) {
      tx.abort();
      result.rows_written = -1;  // rolled back: nothing stays written
      log.line("an error-level expectation failed: rolled back");
      return result;
    }
    if (mirror_write) refuse_production_writes(s, task, before);
    if (task.mode == WriteMode::Replace) swap_replace(s, task);
    commit_success(tx, read_only ? nullptr : &context.record_success_in, result, log);
  } catch (...) {
    AttemptResult failed = failure_from_exception(context, log, watchdog, connection.is_open());
    failed.expectations = std::move(result.expectations);
    failed.rows_written = -1;  // nothing was written: the transaction rolled back
    if (read_only && failed.sqlstate == "25006")
      failed.message += " (a mirror run keeps a `mode = none` task read-only: flowc cannot send the tables its "
                        "statements name to the mirror schemas; give the task `writes` and a write mode)";
    // However it failed (57P01 administrator shutdown, a FATAL), a dead
    // connection cannot serve the next attempt.
    if (!connection.is_open()) failed.reconnect = true;
    return failed;
  }
  return result;
}

}  // namespace

AttemptResult run_sql_task(const AttemptContext& context, AttemptLog& log) {
  return on_target(context, log, [&](std::optional<Clock::time_point> deadline, const QueryWatchdog& watchdog) {
    return write_and_check(context, log, deadline, watchdog);
  });
}

}  // namespace flowc::runtime::materialize_detail
