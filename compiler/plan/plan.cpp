#include "compiler/plan/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "compiler/spelling/table_names.h"

namespace flowc::plan {

namespace {

/// PostgreSQL's keywords that cannot name a table unquoted: the "reserved"
/// ones and those reserved but allowed as a function or type name (its
/// documentation, appendix C), sorted.
// clang-format off
constexpr std::string_view kReservedKeywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary",
    "both", "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
    "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
    "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left",
    "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only",
    "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
    "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to",
    "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window",
    "with"};
// clang-format on

/// PostgreSQL folds unquoted identifiers to lower case, so only names made of
/// lower-case letters, digits and `_` (not starting with a digit) are safe
/// bare; in SQL, not a reserved keyword (`select`) either.
bool is_plain_identifier(std::string_view name, bool in_sql) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return !in_sql || !std::binary_search(std::begin(kReservedKeywords), std::end(kReservedKeywords), name);
}

std::string bare_or_quoted(std::string_view name, bool in_sql) {
  return is_plain_identifier(name, in_sql) ? std::string(name) : quote_identifier(name);
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

uint64_t stable_hash(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;  // FNV-1a 64 prime
  }
  return hash;
}

std::string identifier_with_suffix(std::string_view name, std::string_view suffix) {
  if (name.size() + suffix.size() <= kMaxIdentifierBytes) return std::string(name) + std::string(suffix);
  const std::string hash = fmt::format("_{:08x}", static_cast<uint32_t>(stable_hash(name)));
  size_t keep = kMaxIdentifierBytes - suffix.size() - hash.size();
  // Not inside a UTF-8 character: its continuation bytes are 10xxxxxx.
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return std::string(name.substr(0, keep)) + hash + std::string(suffix);
}

std::string shell_words(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                   "-_./=:,+@%") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::string TableName::quoted() const { return quote_identifier(schema) + "." + quote_identifier(name); }

// Quoted only where PostgreSQL would need it (language.md §7.2), so command
// arguments read `analytics.revenue_daily` yet stay valid SQL names.
std::string TableName::dotted() const {
  return bare_or_quoted(schema, false) + "." + bare_or_quoted(name, false);
}

std::string TableName::argument() const {
  return bare_or_quoted(schema, true) + "." + bare_or_quoted(name, true);
}

std::string_view to_string(WriteMode mode) {
  switch (mode) {
    case WriteMode::Replace: return "replace";
    case WriteMode::OverwritePartition: return "overwrite_partition";
    case WriteMode::Merge: return "merge";
    case WriteMode::Append: return "append";
    case WriteMode::None: return "none";
  }
  return "none";
}

TableName TableName::staging() const { return {schema, name + std::string(spelling::kStagingSuffix)}; }

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Info: return "info";
    case Severity::Low: return "low";
    case Severity::Medium: return "medium";
    case Severity::High: return "high";
    case Severity::Critical: return "critical";
  }
  return "high";
}

std::string env_name(std::string_view env) { return env.empty() ? "production" : std::string(env); }

std::string_view to_string(Stage stage) {
  switch (stage) {
    case Stage::Model: return "model";
    case Stage::Mirror: return "mirror";
    case Stage::Production: return "production";
  }
  return "model";
}

bool uses_target(const Task& task) { return task.kind != TaskKind::Command || !task.checks.empty(); }

std::vector<std::string> secret_env_names(const Plan& plan) {
  std::vector<std::string> names;
  auto add = [&](const std::string& name) {
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  add(plan.target_dsn_env);
  for (const Task& t : plan.tasks)
    for (const std::string& name : t.env_secrets) add(name);
  for (const Route& r : plan.routes)
    for (const Channel& c : r.channels) {
      add(c.secret_env);
      for (const std::string& name : c.env_secrets) add(name);
    }
  return names;
}

std::vector<std::vector<uint32_t>> direct_dependents(const Plan& plan) {
  const size_t n = plan.tasks.size();
  std::vector<std::vector<uint32_t>> direct(n);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t dep : plan.tasks[i].deps)
      if (dep < n) direct[dep].push_back(i);
  return direct;
}

std::vector<uint32_t> downstream_of(const Plan& plan, uint32_t task) {
  std::vector<bool> below(plan.tasks.size(), false);
  std::vector<uint32_t> out;
  for (uint32_t i = task + 1; i < plan.tasks.size(); ++i) {
    for (uint32_t dep : plan.tasks[i].deps) {
      if (dep == task || (dep < below.size() && below[dep])) {
        below[i] = true;
        out.push_back(i);
        break;
      }
    }
  }
  return out;
}

std::string parity_query(const Parity& parity, std::span<const std::string> metric_sql, ParitySide side) {
  std::string list;
  for (const std::string& m : metric_sql) list += (list.empty() ? "" : ", ") + m;
  const std::string mirror = parity.mirror.quoted(), legacy = parity.legacy.quoted();
  if (side == ParitySide::Legacy) {
    for (size_t at = list.find(mirror); at != std::string::npos; at = list.find(mirror, at + legacy.size()))
      list.replace(at, mirror.size(), legacy);
  }
  return "select " + list + " from " + (side == ParitySide::Legacy ? legacy : mirror) +
         (parity.partition.empty() ? "" : " where " + parity.partition);
}

std::string_view to_string(TaskKind kind) {
  switch (kind) {
    case TaskKind::Source: return "source";
    case TaskKind::Sql: return "sql";
    case TaskKind::Command: return "command";
  }
  return "sql";
}

std::string select_columns_sql(std::string_view select) {
  return "select * from (\n" + strip_statement(select) + "\n) as flow_select limit 0";
}

std::string strip_statement(std::string_view sql) {
  while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ' || sql.back() == '\n' ||
                          sql.back() == '\t' || sql.back() == '\r'))
    sql.remove_suffix(1);
  return std::string(sql);
}

}  // namespace flowc::plan
