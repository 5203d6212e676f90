// Compiler magic behind the standard library's `extern fn`s: parameter
// defaults, and the checks a signature cannot express (a cron expression is
// valid, `env` names a variable, `file` reads a .sql file, ...).
#include "compiler/check/builtins.h"

#include <algorithm>
#include <cctype>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"
#include "compiler/cron/cron.h"
#include "compiler/dsn/withhold.h"

namespace flowc::check {

namespace {

using D = BuiltinDefault::Kind;

constexpr BuiltinDefault kDefaults[] = {
    {"cron", "tz", D::String, "\"UTC\"", "UTC"},
    {"alert", "severity", D::Enum, "high", "high"},
    {"retry", "attempts", D::Int, "3", "", 3},
    {"retry", "backoff", D::Call, "exponential()", "exponential"},
    {"retry", "on", D::Enum, "transient", "transient"},
    {"exponential", "initial", D::Duration, "30s", "", 30},
    {"exponential", "max", D::Duration, "10m", "", 600},
    {"command", "env", D::EmptyList, "[]", ""},
};

/// The authority of an http(s) URL, split as libcurl reads it.
struct UrlAuthority {
  std::string_view userinfo;  // before the `@`; empty when none is written
  std::string_view password;  // of `user:password@`; empty when none is written
  std::string_view host;
  std::string_view port;  // after the host's `:`; empty when none is written
};

UrlAuthority split_authority(std::string_view authority) {
  UrlAuthority out;
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    out.userinfo = authority.substr(0, at);
    if (size_t colon = out.userinfo.find(':'); colon != std::string_view::npos)
      out.password = out.userinfo.substr(colon + 1);
    authority.remove_prefix(at + 1);
  }
  // An IPv6 literal (`[::1]:8080`) has colons of its own.
  size_t host_end = authority.starts_with('[') ? authority.find(']') : 0;
  host_end = host_end == std::string_view::npos ? authority.size() : host_end;
  size_t colon = authority.find(':', host_end);
  out.host = authority.substr(0, colon);
  if (colon != std::string_view::npos) out.port = authority.substr(colon + 1);
  return out;
}

}  // namespace

const BuiltinDefault* find_builtin_default(std::string_view fn, std::string_view param) {
  for (const BuiltinDefault& d : kDefaults) {
    if (d.fn == fn && d.param == param) return &d;
  }
  return nullptr;
}

TermId Checker::default_argument(const Scope& s, FnInfo& fn, size_t index) {
  ParamSig& p = fn.params[index];
  if (p.default_term.valid()) return p.default_term;
  const BuiltinDefault* d = p.builtin_default;
  if (d == nullptr) return error_term({});
  model::Term t;
  t.type = p.type;
  switch (d->kind) {
    case D::String:
      t.kind = model::Term::Kind::String;
      t.text = std::string(d->value);
      t.type = scalar(TypeKind::String);
      break;
    case D::Enum:
      if (const EnumValueSpec* v = find_enum_value(p.type.kind, d->value)) {
        t.kind = model::Term::Kind::Enum;
        t.text = std::string(v->name);
        t.int_value = v->ordinal;
      }
      break;
    case D::Int:
      t.kind = model::Term::Kind::Int;
      t.type = scalar(TypeKind::Int);
      t.int_value = d->number;
      break;
    case D::Duration:
      t.kind = model::Term::Kind::Duration;
      t.int_value = d->number;
      break;
    case D::EmptyList:
      t.kind = model::Term::Kind::List;
      t.type = list_of(p.type.kind);
      break;
    case D::Call: {
      auto it = globals.find(d->value);
      FnInfo* callee = it == globals.end() ? nullptr : function(it->second);
      if (callee == nullptr) return error_term({});
      Scope quiet{callee->tree};
      quiet.quiet = true;
      TermId call = bare_call(quiet, *callee, {});
      p.default_term = call;
      return call;
    }
  }
  p.default_term = add_term(std::move(t));
  return p.default_term;
}

TermId Checker::bare_call(const Scope& s, FnInfo& fn, SourceRange range) {
  llvm::SmallVector<TermId, 4> args;
  for (size_t i = 0; i < fn.params.size(); ++i) {
    if (fn.params[i].builtin_default == nullptr) {
      Diagnostic& d =
          sink(s).report(DiagKind::WrongArguments, range,
                         "`" + model.symbol(fn.symbol).name + "` is a function: call it with its arguments");
      add_signature_note(d, fn);
      return error_term(range);
    }
    args.push_back(default_argument(s, fn, i));
  }
  return call_function(s, fn, range, args);
}

void Checker::check_cron(const Scope& s, TermId expr_term, TermId tz_term) {
  const model::Term& expr = term(expr_term);
  if (expr.kind == model::Term::Kind::String) {
    cron::CronError error;
    std::optional<cron::CronSpec> spec = cron::parse(expr.text, error);
    if (!spec) {
      SourceRange at =
          map_string_offset(expr.range, expr.text, error.begin, std::max(error.end, error.begin + 1));
      Diagnostic& d =
          sink(s).report(DiagKind::InvalidSchedule, at, "invalid cron expression: " + error.message);
      d.helps.push_back("five fields: minute hour day-of-month month day-of-week, as in `0 7 * * *`");
    } else if (cron::never_fires(*spec)) {
      // Well formed, yet no day matches (`0 7 30 2 *`): a schedule that never
      // starts a run, silently.
      sink(s).report(DiagKind::InvalidSchedule, expr.range,
                     "cron expression `" + expr.text + "` never fires: none of its months has that day");
    }
  }
  if (!tz_term.valid()) return;
  const model::Term& tz = term(tz_term);
  if (tz.kind != model::Term::Kind::String || cron::is_valid_time_zone(tz.text)) return;
  Diagnostic& d = sink(s).report(DiagKind::InvalidSchedule, tz.range, "unknown time zone `" + tz.text + "`");
  std::string near = cron::closest_time_zone(tz.text);
  if (!near.empty()) {
    d.fixits.push_back({tz.range, "\"" + near + "\"", "did you mean `" + near + "`?"});
  } else {
    d.helps.push_back("write an IANA time zone name such as `UTC` or `Europe/Berlin`");
  }
}

void Checker::check_webhook_url(const Scope& s, const model::Term& arg) {
  // The URL is not quoted back: an incoming-webhook URL is half a secret.
  std::string_view url = arg.text;
  auto lower_starts = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    return true;
  };
  size_t scheme = lower_starts("https://") ? 8 : lower_starts("http://") ? 7 : 0;
  std::string_view rest = url.substr(scheme);
  UrlAuthority authority = split_authority(rest.substr(0, rest.find_first_of("/?#")));
  // A plain URL is for a hook without credentials: the file is committed,
  // plans print the URL and runs store it. A user name alone is one too
  // (`https://TOKEN@host/`): libcurl sends it as basic authentication, and
  // hooks that take a token that way take it there.
  const bool password = !authority.password.empty();
  if (password || (!authority.userinfo.empty() && authority.userinfo != ":")) {
    Diagnostic& d = sink(s).report(
        DiagKind::SecretLeak, arg.range,
        password ? "the `webhook` URL has a password written in the file"
                 : "the `webhook` URL has a user name written in the file, which is sent as a credential");
    d.hidden.emplace_back(password ? authority.password : authority.userinfo);
    d.helps.push_back("take the URL from the environment: `webhook(env(\"ONCALL_HOOK_URL\"))`");
  }
  if (scheme == 0 || authority.host.empty()) {
    sink(s).report(DiagKind::WrongArguments, arg.range,
                   "`webhook` needs an http:// or https:// URL with a host, as in "
                   "`webhook(\"https://hooks.example.com/flowc\")`");
    return;
  }
  bool blank = std::any_of(url.begin(), url.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c));
  });
  if (blank) {
    Diagnostic& d =
        sink(s).report(DiagKind::WrongArguments, arg.range, "a `webhook` URL cannot contain a blank");
    d.helps.push_back("remove it, or write it as `%20` in the path");
    return;
  }
  bool digits = !authority.port.empty() && authority.port.size() <= 5 &&
                std::all_of(authority.port.begin(), authority.port.end(),
                            [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  int port = digits ? std::stoi(std::string(authority.port)) : 0;
  if (!authority.port.empty() && (port < 1 || port > 65535)) {
    Diagnostic& d = sink(s).report(DiagKind::WrongArguments, arg.range,
                                   "the port of a `webhook` URL must be a number from 1 to 65535");
    d.helps.push_back("leave the port out for the scheme's own (80 for http, 443 for https)");
  }
}

TermId Checker::apply_builtin(const Scope& s, const FnInfo& fn, TermId call) {
  const std::string& name = model.symbol(fn.symbol).name;
  std::span<const TermId> args = operands(call);
  auto arg = [&](size_t i) -> const model::Term& { return term(args[i]); };
  if (name == "cron" && args.size() == 2) {
    check_cron(s, args[0], args[1]);
  } else if (name == "env" && args.size() == 1) {
    const model::Term& a = arg(0);
    if (a.kind == model::Term::Kind::String && !is_identifier(a.text)) {
      // What was pasted in place of the name may be the secret itself.
      sink(s).report(DiagKind::WrongArguments, a.range,
                     "`" + dsn::withhold_secrets(a.text) + "` is not an environment variable name");
    } else if (a.kind != model::Term::Kind::String && a.kind != model::Term::Kind::Error) {
      sink(s).report(DiagKind::WrongArguments, a.range,
                     "`env` takes the variable's name as a literal string, as in `env(\"WAREHOUSE_DSN\")`");
    }
  } else if (name == "file" && args.size() == 1) {
    const model::Term& a = arg(0);
    if (a.kind == model::Term::Kind::String) return load_sql_file(s, args[0]);
    if (a.kind != model::Term::Kind::Error) {
      sink(s).report(DiagKind::WrongArguments, a.range,
                     "`file` takes a literal path, as in `file(\"sql/x.sql\")`");
    }
    return error_term(term(call).range);
  } else if (name == "retry" && args.size() == 3) {
    const model::Term& on = arg(2);
    // `retry(0, on = any)` retries nothing.
    const bool none = arg(0).kind == model::Term::Kind::Int && arg(0).int_value == 0;
    if (on.kind == model::Term::Kind::Enum && on.text == "any" && on.range.valid() && !none) {
      Diagnostic& d =
          sink(s).report(DiagKind::BroadRetry, on.range, "`retry(on = any)` retries every failure");
      d.helps.push_back(
          "a failing expectation or a SQL error will fail again; the default `on = transient` retries "
          "only lost connections, serialization failures, deadlocks and lock timeouts");
    }
  } else if (name == "merge" && args.size() == 1) {
    if (arg(0).kind == model::Term::Kind::List && arg(0).operand_count == 0) {
      sink(s).report(DiagKind::WrongArguments, term(call).range, "`merge` needs at least one key column");
    }
  } else if (name == "webhook" && args.size() == 1 && arg(0).kind == model::Term::Kind::String) {
    check_webhook_url(s, arg(0));
  } else if (name == "jsonl" && args.size() == 1 && arg(0).kind == model::Term::Kind::String) {
    const model::Term& path = arg(0);
    std::string last = path.text.substr(path.text.find_last_of('/') + 1);
    if (is_blank(path.text)) {
      sink(s).report(DiagKind::WrongArguments, path.range,
                     "`jsonl` needs the file to append to, as in `jsonl(\".flow/alerts.jsonl\")`");
    } else if (last.empty() || last == "." || last == "..") {
      Diagnostic& d = sink(s).report(DiagKind::WrongArguments, path.range,
                                     "`jsonl` appends to a file, and `" + path.text + "` names a directory");
      d.helps.push_back("name the file in it, as in `jsonl(\"" +
                        (last.empty() ? path.text : path.text + "/") + "alerts.jsonl\")`");
    }
  } else if (name == "command" && !args.empty()) {
    if (arg(0).kind == model::Term::Kind::List && arg(0).operand_count == 0) {
      sink(s).report(DiagKind::WrongArguments, arg(0).range, "`command` needs the program to run");
    } else if (arg(0).kind == model::Term::Kind::List) {
      // The program is looked up as written: an empty name is no program.
      const model::Term& program = term(operands(args[0])[0]);
      if (program.kind == model::Term::Kind::String && is_blank(program.text)) {
        Diagnostic& d = sink(s).report(DiagKind::WrongArguments, program.range,
                                       "the program of a `command` (its first element) is empty");
        d.helps.push_back("name the program first, then its arguments, as in `command([\"notify-oncall\", "
                          "\"analytics\"])`");
      }
    }
  } else if (name == "overwrite_partition" && args.size() == 1 && s.workflow.valid() && !s.quiet) {
    // The partition's value for a run comes from the param of the same name.
    const model::Term& col = arg(0);
    const auto& scope = workflow_scopes[s.workflow.index];
    auto it = scope.find(col.text);
    bool is_param = it != scope.end() && model.symbol(it->second).kind == model::SymbolKind::Param;
    if (col.kind == model::Term::Kind::Column && !is_param) {
      Diagnostic& d = sink(s).report(DiagKind::WrongArguments, col.range,
                                     "workflow `" + model.workflows[s.workflow.index].name +
                                         "` has no param `" + col.text + "` to give the partition's value");
      d.helps.push_back("add `param " + col.text +
                        ": date = logical_date`, or partition by a column named like a param");
    }
  } else if (name == "partition_exists" && args.size() == 1) {
    const model::Term& a = arg(0);
    bool is_param = a.kind == model::Term::Kind::Ref && a.symbol.valid() &&
                    model.symbol(a.symbol).kind == model::SymbolKind::Param;
    if (!is_param && a.kind != model::Term::Kind::Error) {
      sink(s).report(
          DiagKind::WrongArguments, a.range,
          "`partition_exists` takes a param, as in `partition_exists(ds)`: the partition column is "
          "named like the param");
    }
  }
  return call;
}

}  // namespace flowc::check
