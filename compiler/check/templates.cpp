// Strings with `${}`: SQL text (a task's `sql`, the `sql(...)` metric) and
// command arguments become SqlTemplates of text and resolved pieces: a task's
// or source's table (a dependency), a param (a bound parameter), `self`.
// `file("sql/x.sql")` reads the file relative to the .flow file's directory
// (or finds it pre-loaded), so references inside it point into the .sql file.
#include <filesystem>
#include <optional>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"
#include "compiler/spelling/spelling.h"
#include "compiler/sql/sql_words.h"

namespace flowc::check {

using namespace flowc::sql;  // the SQL lexer (sql_words.h)

using Kind = model::Term::Kind;
using Part = model::TemplatePart;

namespace {

/// A literal value as `.flow` writes it, for `${}` in a string that is not
/// SQL (a command's argument, a param's default): `true`, `5%`, `1h30m`,
/// `2026-11-24`, `07:00`. Nothing for anything else.
std::optional<std::string> literal_text(const model::Term& t) {
  switch (t.kind) {
    case Kind::String: return t.text;
    case Kind::Bool: return std::string(t.int_value != 0 ? "true" : "false");
    case Kind::Int: return std::to_string(t.int_value);
    case Kind::Float: return spelling::float_text(t.float_value);
    case Kind::Percent: {  // `5%`, `0.5%`: a whole percent without its `.0`
      std::string number = spelling::float_text(t.float_value);
      if (number.ends_with(".0")) number.resize(number.size() - 2);
      return number + "%";
    }
    case Kind::Duration: return spelling::duration_text(t.int_value);
    case Kind::Date: return spelling::date_text(t.int_value);
    case Kind::Time: return spelling::time_of_day_text(t.int_value);
    default: return std::nullopt;
  }
}

}  // namespace

TermId Checker::elaborate_template(const Scope& s, const syntax::Expr& e, Type expected) {
  const syntax::SyntaxTree& t = tree(s.tree);
  bool sql = expected.kind == TypeKind::Sql;
  model::SqlTemplate out;
  out.file = t.file;
  out.range = e.range;
  Scope inner = s;
  inner.in_sql = sql;
  inner.in_text = !sql;
  for (uint32_t i = 0; i < e.part_count && e.first_part + i < t.string_parts.size(); ++i) {
    const syntax::StringPart& part = t.string_parts[e.first_part + i];
    if (!part.is_interpolation) {
      Part text;
      text.text = part.text;
      text.range = part.range;
      out.parts.push_back(std::move(text));
      continue;
    }
    if (!part.expr.valid()) continue;  // the parser reported the empty `${}`
    TermId value = elaborate(inner, part.expr, scalar(TypeKind::Any));
    add_template_part(inner, out, value, part.range);
  }
  if (sql) check_params_in_sql_text(inner, out);
  model::Term term;
  term.kind = Kind::Template;
  term.type = scalar(sql ? TypeKind::Sql : TypeKind::String);
  term.int_value = static_cast<int64_t>(model.templates.size());
  term.range = e.range;
  model.templates.push_back(std::move(out));
  return add_term(std::move(term));
}

bool Checker::fn_parameter(const Scope& s, const model::Term& ref) const {
  if (!s.fn_body || s.bindings == nullptr) return false;
  auto it = s.bindings->find(model.symbol(ref.symbol).name);
  return it != s.bindings->end() && term(it->second).kind == Kind::Ref && term(it->second).symbol == ref.symbol;
}

void Checker::add_template_part(const Scope& s, model::SqlTemplate& out, TermId value, SourceRange range) {
  const model::Term& t = term(value);
  if (t.kind == Kind::Error) return;
  if (carries_secret(t.type)) {
    Diagnostic& d = sink(s).report(DiagKind::SecretLeak, t.range,
                                   s.in_sql ? "a secret cannot be interpolated into SQL"
                                            : "a secret cannot be interpolated into a string");
    d.helps.push_back(
        "a secret may flow only into a target's `dsn`, a `webhook(...)` url or a `command`'s "
        "`env = [...]`");
    return;
  }
  Part part;
  part.range = range;
  if (t.kind == Kind::Ref) {
    const model::Symbol& sym = model.symbol(t.symbol);
    if (sym.kind == model::SymbolKind::Task || sym.kind == model::SymbolKind::Source) {
      TaskId node{sym.entity};
      if (s.node.valid() && node == s.node) {
        Diagnostic& d = sink(s).report(DiagKind::BadSqlReference, t.range,
                                       "`${" + sym.name + "}` names the task it is written in");
        d.fixits.push_back({t.range, "self", "write `${self}`"});
        return;
      }
      part.kind = Part::Kind::Table;
      part.node = node;
      if (s.node.valid()) node_sites[s.node.index].edges.push_back({node, t.range, true});
    } else if (sym.kind == model::SymbolKind::Param && fn_parameter(s, t) && t.type.kind != TypeKind::Column) {
      // The body is expanded where the function is called: a `column`
      // argument becomes a quoted identifier, any other value would be
      // spliced into the SQL text, which values never are.
      std::string type = model::type_name(t.type);
      sink(s).report(
          DiagKind::BadSqlReference, t.range,
          "`${" + sym.name + "}` is " + std::string(article(type)) + " `" + type +
              "` parameter of the function: in SQL, `${}` takes a task, a source, a workflow param, "
              "`self` or a `column` parameter");
      return;
    } else if (sym.kind == model::SymbolKind::Param) {
      part.kind = Part::Kind::Param;
      part.text = sym.name;
    } else {
      std::string type = model::type_name(sym.type);
      sink(s).report(DiagKind::BadSqlReference, t.range,
                     "`${" + sym.name + "}` is " + std::string(article(type)) + " " + type +
                         ": `${}` takes a task, a source, a param or `self`");
      return;
    }
  } else if (t.kind == Kind::Self) {
    part.kind = Part::Kind::Self;
    // `writes` is checked before `sql` and `run`, so the table is known here.
    const model::Node* node = s.node.valid() ? &model.nodes[s.node.index] : nullptr;
    if (node != nullptr && node->kind == model::NodeKind::Task && node->table.empty() && !s.quiet &&
        !broken(node->range)) {
      Diagnostic& d =
          sink(s).report(DiagKind::BadSqlReference, t.range,
                         "`${self}` is the table task `" + node->name + "` writes, and it writes none");
      d.helps.push_back("add `writes = \"schema.table\"` to `" + node->name + "`");
      return;
    }
  } else if (t.kind == Kind::Column) {
    // A column bound to a fn parameter: spliced as a quoted identifier.
    part.text = "\"" + t.text + "\"";
  } else if (std::optional<std::string> text = s.in_sql ? std::nullopt : literal_text(t)) {
    part.text = std::move(*text);
  } else if (!s.in_sql && t.kind == Kind::Template &&
             static_cast<size_t>(t.int_value) < model.templates.size()) {
    // A string inside a string (`"a${"b${ds}"}c"`): its pieces, in place.
    for (const Part& inner : model.templates[static_cast<size_t>(t.int_value)].parts)
      out.parts.push_back(inner);
    return;
  } else {
    sink(s).report(
        DiagKind::BadSqlReference, t.range,
        std::string(s.in_sql ? "`${}` takes" : "in a string, `${}` takes a value (a literal, a string),") +
            " a task, a source, a param or `self`, found `" + model::type_name(t.type) + "`");
    return;
  }
  out.parts.push_back(std::move(part));
}

void Checker::check_params_in_sql_text(const Scope& s, const model::SqlTemplate& sql) {
  // In a `fn` body a param part is a `column` parameter, which becomes a
  // quoted name wherever it stands.
  if (s.fn_body) return;
  SqlSpan span;
  for (const Part& part : sql.parts) {
    if (part.kind == Part::Kind::Text) {
      span = sql_span_after(part.text, std::move(span));
      continue;
    }
    if (part.kind != Part::Kind::Param || span.kind == SqlSpan::Kind::Code) continue;
    std::string written = "${" + part.text + "}";
    Diagnostic* d = nullptr;
    std::string in;
    if (span.comment()) {
      d = &sink(s).report(DiagKind::BadSqlReference, part.range,
                          "`" + written + "` in a SQL comment would be bound as a parameter the statement does "
                          "not use");
      in = "the comment";
    } else {
      bool name = span.kind == SqlSpan::Kind::QuotedName;
      d = &sink(s).report(DiagKind::BadSqlReference, part.range,
                          "`" + written + "` in a " + (name ? "quoted name" : "SQL string literal") +
                              " is the text `$1`, not the value");
      d->helps.push_back("write `" + written + "` outside the quotes (it is bound as a typed value)");
      in = name ? "the name" : "the string";
    }
    d->helps.push_back("to keep the text `" + written + "` in " + in + ", write `$" + written + "`");
  }
}

TermId Checker::unread_sql_file(SourceRange at) {
  any_sql_file_unread = true;
  return error_term(at);
}

TermId Checker::load_sql_file(const Scope& s, TermId path_term) {
  const model::Term& path = term(path_term);
  SourceRange at = path.range;
  namespace fs = std::filesystem;
  const SourceBuffer& flow = sources.buffer(tree(s.tree).file);
  fs::path base = fs::path(flow.path()).parent_path();
  std::string resolved = (base / fs::path(path.text)).lexically_normal().string();
  // The SQL of a project is in the project: `flowc plan` prints what it
  // names, so `/proc/self/environ` or `../../etc/...` would print what is
  // not the project's (the environment holds the secrets env() reads).
  std::string outside;
  if (fs::path(path.text).is_absolute()) {
    outside = "`" + path.text + "` is an absolute path";
  } else if (!project_root.empty()) {
    std::error_code ec;
    fs::path root = fs::absolute(project_root, ec).lexically_normal();
    fs::path inside = fs::absolute(resolved, ec).lexically_normal().lexically_relative(root);
    if (inside.empty() || *inside.begin() == "..") {
      outside = "`" + path.text + "` is outside the project";
    } else if (links_outside(resolved, root.string())) {  // inside by its name; a link may lead out
      outside = "`" + path.text + "` is a link to a file outside the project";
    }
  }
  if (!outside.empty()) {
    Diagnostic& d = sink(s).report(DiagKind::WrongArguments, at, outside);
    d.helps.push_back("`file` names a file of the project, by a path relative to the directory of `" +
                      fs::path(flow.path()).filename().string() + "`");
    return unread_sql_file(at);
  }
  std::optional<FileId> file = sources.find(resolved);
  if (!file) {
    std::string error;
    std::optional<std::string> text = read_file(resolved, error);
    if (!text) {
      std::error_code ec;
      fs::file_status status = fs::status(resolved, ec);
      if (unreadable != nullptr && fs::exists(status) && !fs::is_directory(status)) {
        // There but unreadable: the machine's problem (exit 2), not the source's.
        unreadable->push_back({resolved, error});
        return unread_sql_file(at);
      }
      Diagnostic& d = sink(s).report(DiagKind::UnknownName, at, "cannot read `" + path.text + "`: " + error);
      d.helps.push_back("the path is relative to the directory of `" +
                        fs::path(flow.path()).filename().string() + "`");
      return unread_sql_file(at);
    }
    file = sources.add(resolved, std::move(*text));
  }
  uint32_t bad = 0;
  std::string_view sql = sources.buffer(*file).text();
  bool valid = is_valid_utf8(sql, bad);
  // PostgreSQL cannot store or run text with a NUL in it, UTF-8 or not.
  if (size_t nul = sql.find('\0'); nul != std::string_view::npos && (valid || nul < bad)) {
    auto offset = static_cast<uint32_t>(nul);
    sink(s).report(DiagKind::InvalidUtf8, SourceRange{*file, offset, offset + 1},
                   "`" + path.text + "` contains a NUL byte: it looks like a binary file, not SQL text");
    return unread_sql_file(at);
  }
  if (!valid) {
    sink(s).report(DiagKind::InvalidUtf8, SourceRange{*file, bad, bad + 1},
                   "`" + path.text + "` is not valid UTF-8 text");
    return unread_sql_file(at);
  }
  model::SqlTemplate out;
  out.file = *file;
  out.range = SourceRange{*file, 0, static_cast<uint32_t>(sources.buffer(*file).text().size())};
  Scope inner = s;
  inner.in_sql = true;
  scan_sql_file(inner, *file, out);
  check_params_in_sql_text(inner, out);
  model::Term t;
  t.kind = Kind::Template;
  t.type = scalar(TypeKind::Sql);
  t.int_value = static_cast<int64_t>(model.templates.size());
  t.range = at;
  model.templates.push_back(std::move(out));
  return add_term(std::move(t));
}

void Checker::scan_sql_file(const Scope& s, FileId file, model::SqlTemplate& out) {
  std::string_view text = sources.buffer(file).text();
  auto at = [&](size_t begin, size_t end) {
    return SourceRange{file, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
  };
  std::string run;
  // A byte order mark (editors on Windows write one) is no SQL: PostgreSQL
  // would read `\ufeffselect`. Dropped, as psql -f drops it.
  const size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  size_t run_start = start;
  auto flush = [&](size_t end) {
    if (!run.empty()) {
      Part part;
      part.text = std::move(run);
      part.range = at(run_start, end);
      out.parts.push_back(std::move(part));
    }
    run.clear();
  };
  size_t pos = start;
  while (pos < text.size()) {
    if (text.compare(pos, 3, "$${") == 0) {
      run += "${";
      pos += 3;
      continue;
    }
    if (text.compare(pos, 2, "${") != 0) {
      run += text[pos++];
      continue;
    }
    flush(pos);
    size_t close = text.find_first_of("}\n", pos + 2);
    if (close == std::string_view::npos || text[close] != '}') {
      sink(s).report(DiagKind::BadInterpolation, at(pos, pos + 2),
                     "this `${` is not closed by `}` on its line");
      run_start = pos;
      run += text[pos++];
      continue;
    }
    // `${ name }`, `${ workflow.task }` or `${ self }`, spaces allowed.
    size_t b = pos + 2;
    while (b < close && text[b] == ' ') ++b;
    size_t e = close;
    while (e > b && text[e - 1] == ' ') --e;
    std::string_view inside = text.substr(b, e - b);
    size_t dot = inside.find('.');
    std::string_view first = inside.substr(0, dot);
    std::string_view second = dot == std::string_view::npos ? std::string_view{} : inside.substr(dot + 1);
    SourceRange whole = at(pos, close + 1);
    if (inside.empty()) {
      sink(s).report(DiagKind::BadInterpolation, whole,
                     "empty `${}`: write a task, a source, a param or `self`");
    } else if (!is_identifier(first) || (dot != std::string_view::npos && !is_identifier(second))) {
      sink(s).report(
          DiagKind::BadSqlReference, at(b, e),
          "in a .sql file `${}` holds a name: a task, a source, a param, `workflow.task` or `self`");
    } else {
      TermId value;
      if (dot == std::string_view::npos && first == "self") {
        model::Term self;
        self.kind = Kind::Self;
        self.type = scalar(TypeKind::Table);
        self.range = at(b, e);
        value = add_term(std::move(self));
      } else if (dot == std::string_view::npos) {
        value = resolve_name(s, first, at(b, e), scalar(TypeKind::Any));
      } else {
        value = qualified_node(s, first, at(b, b + dot), second, at(b + dot + 1, e), at(b, e));
      }
      add_template_part(s, out, value, whole);
    }
    pos = close + 1;
    run_start = pos;
  }
  flush(text.size());
}

SourceRange Checker::map_string_offset(SourceRange literal, std::string_view decoded, uint32_t begin,
                                       uint32_t end) const {
  std::string_view raw = text_of(literal);
  size_t quote = raw.starts_with("\"\"\"") ? 3 : raw.starts_with("\"") && !decoded.starts_with("\"") ? 1 : 0;
  // Walk the source and the decoded text together: characters that differ
  // (escapes, removed indentation) are skipped in the source.
  size_t i = quote, j = 0;
  auto advance_to = [&](size_t target) {
    while (j < target && j < decoded.size() && i < raw.size()) {
      if (raw[i] == decoded[j]) ++j;
      ++i;
    }
  };
  advance_to(begin);
  // Skipped source characters (indentation) before decoded[begin] belong
  // before the range, not in it.
  while (j < decoded.size() && i < raw.size() && raw[i] != decoded[j]) ++i;
  size_t from = i;
  advance_to(end);
  size_t to = i;
  size_t limit = raw.size() - (quote > 0 && raw.size() >= 2 * quote ? quote : 0);
  if (j < std::min<size_t>(end, decoded.size()) || to > limit || from >= to) return literal;
  return SourceRange{literal.file, literal.begin + static_cast<uint32_t>(from),
                     literal.begin + static_cast<uint32_t>(to)};
}

}  // namespace flowc::check
