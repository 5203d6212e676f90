// The checker's shared state: one Checker per check() call, its passes split
// over the files of this folder by responsibility (declare, functions,
// elaborate, calls, builtins, templates, blocks, workflows, graph, rules).
// Internal to compiler/check; the public contract is check.h.
#pragma once

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringMap.h>

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/check/schema.h"
#include "compiler/check/types.h"
#include "compiler/cron/cron.h"

namespace flowc::check {

/// E0201 for a workflow's or a task's `timeout` of 0s, which would read as
/// "no time at all" but, as 0 is the model's "none", run without a limit.
inline constexpr const char* kTimeoutRule = "`timeout` must be at least 1s (leave it out for no limit)";

/// The first `count` times of day (seconds since midnight) `spec` fires at.
std::vector<int64_t> first_fires(const cron::CronSpec& spec, size_t count);
/// When `flowc schedule` starts a day's run (seconds since midnight): the
/// day's second fire for a schedule that fires more than once a day (the
/// first interval of the day closes then: W0407), else its one fire.
std::optional<int64_t> daily_run_start(const cron::CronSpec& spec);

using model::SymbolId;
using model::TaskId;
using model::TermId;
using model::WorkflowId;

/// Where an expression is being checked.
struct Scope {
  explicit Scope(uint32_t tree_index = 0, WorkflowId workflow_id = {}, TaskId node_id = {})
      : tree(tree_index), workflow(workflow_id), node(node_id) {}
  uint32_t tree = 0;    // index into Checker::trees
  WorkflowId workflow;  // invalid outside workflows
  TaskId node;          // the source or task being checked (`self`, dependencies)
  const llvm::StringMap<TermId>* bindings = nullptr;  // fn parameters in a fn body
  bool quiet = false;    // expanding an already-checked fn body: no diagnostics, no references
  bool in_sql = false;   // resolving inside `${}` of SQL: unknown names are E0306
  bool in_text = false;  // resolving inside `${}` of a string that is not SQL (a command's argument)
  bool fn_body = false;  // checking a fn declaration: user fn calls are typed, not expanded
  uint32_t depth = 0;    // fn expansion depth
};

/// A parameter of a function, with its resolved type.
struct ParamSig {
  std::string_view name;
  Type type;  // variadic: the element type
  bool variadic = false;
  const struct BuiltinDefault* builtin_default = nullptr;  // extern fns: the compiler's default
  SymbolId symbol;
  TermId default_term;  // built on first use
};

/// A `fn` or `extern fn` declaration.
struct FnInfo {
  SymbolId symbol;
  uint32_t tree = 0;
  syntax::FnId fn;
  std::vector<ParamSig> params;
  Type result;
  bool is_extern = false;
  bool recursive = false;  // part of a call cycle (reported once): never expanded
  bool signature_ok = true;
};

/// One dependency edge of a node, with where it was written.
struct Edge {
  TaskId to;
  SourceRange range;
  bool data = true;  // `${name}` (reads the table) or `after`
};

/// A block and the tree it lives in.
struct BlockSite {
  uint32_t tree = UINT32_MAX;
  syntax::BlockId block;
};

/// The attribute members of one block, by position in its AttributeSpec list.
struct Attrs {
  std::array<syntax::MemberId, 16> members{};
  syntax::BlockKind kind = syntax::BlockKind::Workflow;
};

/// Ranges the rules point at, kept while building the model.
struct LegacySite {
  bool has_owner = false, has_writes = false, has_consumers = false,
       has_rollback = false;  // written, even if invalid
  SourceRange enabled;
  std::vector<SourceRange> writes;  // of Legacy::writes, index by index
  SourceRange rollback;
};
struct WorkflowSite {
  bool has_owner = false;  // written, even if its value is invalid
  SourceRange blank_owner;  // `owner = ""` or only blanks: the string (E0305)
  SourceRange schedule, deadline, replaces, on_failure, retry;
  std::optional<model::RetryPolicy> retry_policy;  // default of its tasks
  int64_t timeout_seconds = 0;                     // default of its tasks
};
struct NodeSite {
  SourceRange writes, mode, retry, run, publish;
  llvm::SmallVector<Edge, 4> edges;
  bool own_retry = false;
  bool publish_invalid = false;  // `publish` is written but its value is not a bool
};

class Checker {
 public:
  /// Collects the trees (stdlib first) and the positions of syntax errors already reported.
  Checker(const CheckInput& input, DiagnosticEngine& diagnostics);
  /// Runs every pass and returns the model.
  model::Model run();
  /// Sizes the model's vectors from the trees, so they do not grow by doubling.
  void reserve();

  // --- state shared by the passes ---------------------------------------
  SourceManager& sources;
  DiagnosticEngine& diags;
  std::vector<UnreadableFile>* unreadable;  // CheckInput::unreadable
  std::string project_root;                 // CheckInput::root
  DiagnosticEngine scratch;  // receives diagnostics of quiet scopes
  model::Model model;
  std::vector<const syntax::SyntaxTree*> trees;
  std::vector<bool> tree_in_stdlib;
  llvm::StringMap<SymbolId> globals;  // top-level names and functions
  std::vector<llvm::StringMap<SymbolId>> workflow_scopes;
  std::vector<FnInfo> fns;
  llvm::DenseMap<uint32_t, uint32_t> fn_of_symbol;         // symbol index -> fns index
  std::array<std::vector<SymbolId>, 8> attribute_symbols;  // by block kind, by spec position
  std::vector<SymbolId> enum_symbols;                      // by enum_values() position
  std::vector<BlockSite> workflow_blocks, node_blocks, route_blocks, target_blocks, legacy_blocks;
  std::vector<WorkflowSite> workflow_sites;
  std::vector<NodeSite> node_sites;
  std::vector<LegacySite> legacy_sites;
  /// By route: its `notify = []` when the list is written empty (the route
  /// tells nobody), else an invalid range.
  std::vector<SourceRange> route_empty_notify;
  BlockSite project_block;

  // Syntax errors already reported by the parser, by file: rules that ask
  // for something missing skip blocks the parser could not read whole.
  llvm::DenseMap<uint32_t, std::vector<uint32_t>> syntax_errors;
  bool any_syntax_error = false;
  bool any_sql_file_unread = false;  // a `file("...")` not read: what its SQL reads is unknown
  /// True when the parser reported an error inside `range`.
  bool broken(SourceRange range) const;

  // --- helpers (checker.cpp) --------------------------------------------
  /// The tree at `index` of `trees`.
  const syntax::SyntaxTree& tree(uint32_t index) const { return *trees[index]; }
  /// Where diagnostics of scope `s` go: `scratch` for quiet expansions.
  DiagnosticEngine& sink(const Scope& s) { return s.quiet ? scratch : diags; }
  /// The source text of `range`; empty when the range is invalid.
  std::string_view text_of(SourceRange range) const;
  /// The whole text of `file`; empty when it is not one of the sources.
  std::string_view text_of(FileId file) const;
  /// Appends a symbol and returns its id.
  SymbolId add_symbol(model::Symbol symbol);
  /// Records a use of `symbol` at `range` (not in quiet scopes).
  void reference(const Scope& s, SourceRange range, SymbolId symbol);
  /// Appends a term with its operands and returns its id.
  TermId add_term(model::Term term, std::span<const TermId> operands = {});
  /// An Error term: already diagnosed, accepted everywhere.
  TermId error_term(SourceRange range);
  /// The term `id`.
  const model::Term& term(TermId id) const { return model.terms[id.index]; }
  /// The operands of term `id`.
  std::span<const TermId> operands(TermId id) const { return model.operands(id); }
  /// The type of term `id` (the error type for an invalid id).
  Type type_of(TermId id) const { return id.valid() ? model.terms[id.index].type : Type{}; }
  /// The function declared by `symbol`, or nullptr when it is not a function.
  FnInfo* function(SymbolId symbol);
  /// A copy of term `id` (sharing its operands) placed at `range`.
  TermId retarget(TermId id, SourceRange range);
  /// "fn name(param: type, ...) -> type", with the compiler's defaults.
  std::string signature_of(const FnInfo& fn) const;

  // --- declare.cpp: symbols, scopes, E0102, block placement ------------
  /// Symbols for every attribute of every block kind and every enum value.
  void declare_builtins();
  /// Declares the top-level blocks and functions of one tree.
  void declare_tree(uint32_t tree_index);
  /// Declares one top-level block and its model entity (E0102, E0103 placement).
  void declare_block(uint32_t tree_index, syntax::BlockId id);
  /// Declares a workflow's params, sources and tasks in its scope.
  void declare_workflow_members(uint32_t tree_index, syntax::BlockId id, WorkflowId workflow);
  /// Declares a `fn` or `extern fn` with its resolved signature.
  void declare_fn(uint32_t tree_index, syntax::FnId id);
  /// Adds a top-level name; false (after E0102) when it is taken.
  bool declare_global(SymbolId id, SourceRange at);
  /// The type a TypeRef names; nullopt after reporting an unknown or malformed type.
  std::optional<Type> resolve_type(const Scope& s, syntax::TypeId id);

  // --- functions.cpp: fn bodies and recursion ---------------------------
  /// Type-checks user `fn` bodies and reports recursive functions (E0301).
  void check_functions();
  std::vector<std::vector<std::pair<uint32_t, SourceRange>>> fn_calls;  // caller fn -> callee fn
  uint32_t checking_fn = UINT32_MAX;

  // --- elaborate.cpp: expressions ----------------------------------------
  /// The term of expression `id`; `expected` resolves enum values and columns.
  TermId elaborate(const Scope& s, syntax::ExprId id, Type expected);
  /// Resolves a plain name: fn parameters, enum values, columns, the workflow, top-level names.
  TermId resolve_name(const Scope& s, std::string_view name, SourceRange range, Type expected);
  /// Resolves `workflow.task`.
  TermId resolve_member(const Scope& s, const syntax::Expr& expr, Type expected);
  /// The task or source `name` of `workflow`, or an Error term after E0101/E0306.
  TermId qualified_node(const Scope& s, std::string_view workflow, SourceRange workflow_range,
                        std::string_view name, SourceRange name_range, SourceRange whole);
  /// A Ref term to `symbol` with the symbol's type.
  TermId ref_term(SymbolId symbol, SourceRange range);
  /// E0101 (E0306 inside SQL) with the closest visible name as a fix-it.
  void report_unknown_name(const Scope& s, std::string_view name, SourceRange range, Type expected,
                           DiagKind kind = DiagKind::UnknownName);
  /// The names a typo of a name of type `expected` may have meant.
  std::vector<std::string_view> visible_names(const Scope& s, Type expected) const;
  /// `not`, `and`, `or` over bools and expectations.
  TermId elaborate_logic(const Scope& s, const syntax::Expr& expr);
  /// Comparisons, `in` and `change` (compare.cpp).
  TermId elaborate_compare(const Scope& s, const syntax::Expr& expr);
  /// Whether `value` may be an operand of comparison `e`, whose metric side
  /// is `metric` (invalid when none yet): never a secret (E0203), nor a
  /// second metric (E0201). Reports why not.
  bool compared_value(const Scope& s, const syntax::Expr& e, TermId value, TermId metric);
  /// W0409 when the literal ends of `lo .. hi` are the wrong way round.
  void warn_if_empty(const Scope& s, TermId lo, TermId hi, SourceRange range);
  /// A list literal; its element types must unify.
  TermId elaborate_list(const Scope& s, const syntax::Expr& expr, Type expected);

  // --- coerce.cpp: E0201 / E0203 with suggestions -----------------------
  /// Checks that `term` fits `want`; reports E0201 (or `kind` for arguments)
  /// naming `what`. Returns false after reporting.
  bool coerce(const Scope& s, TermId term, Type want, std::string_view what,
              DiagKind kind = DiagKind::TypeMismatch, const FnInfo* fn = nullptr);
  /// Adds the literal of type `want` the user probably meant, as a fix-it.
  void suggest_literal(Diagnostic& d, TermId term, Type want);

  // --- calls.cpp: binding arguments, expanding fn ------------------------
  /// A call: arguments bound and checked (E0202), then call_function.
  TermId elaborate_call(const Scope& s, const syntax::Expr& call, Type expected);
  /// A Call term for an extern fn (after its builtin checks), or the expansion of a user fn.
  TermId call_function(const Scope& s, FnInfo& fn, SourceRange range, std::span<const TermId> args);
  /// The body of user fn `fn` with its parameters bound to `args`.
  TermId expand(const Scope& s, const FnInfo& fn, SourceRange range, std::span<const TermId> args);
  /// The compiler's default for parameter `param` of extern fn `fn`.
  TermId default_argument(const Scope& s, FnInfo& fn, size_t param);
  /// A function named without `()`: a call with every default, or E0202.
  TermId bare_call(const Scope& s, FnInfo& fn, SourceRange range);
  static constexpr uint32_t kExpansionBudget = 10000;
  static constexpr uint32_t kMaxExpansionDepth = 32;
  uint32_t expansion_budget = kExpansionBudget;  // fn expansions left for the current top-level call
  bool expansion_too_deep = false;               // the current top-level call nests beyond kMaxExpansionDepth
  /// Adds "the signature is `...`" to an E0202.
  void add_signature_note(Diagnostic& d, const FnInfo& fn) const;

  // --- builtins.cpp: what extern fns need beyond their signature --------
  /// The checks of extern fn `fn` beyond its signature; may replace the call (file()).
  TermId apply_builtin(const Scope& s, const FnInfo& fn, TermId call);
  /// E0204 for a bad cron expression or time zone.
  void check_cron(const Scope& s, TermId expr_term, TermId tz_term);
  /// E0202 for a literal `webhook` URL libcurl cannot post to (no http(s)
  /// host, a blank, a port out of range); E0203 for a password written in it.
  void check_webhook_url(const Scope& s, const model::Term& url);

  // --- templates.cpp: `${}` strings and .sql files ----------------------
  /// A string with `${}`: a Template term (SQL when `expected` is sql).
  TermId elaborate_template(const Scope& s, const syntax::Expr& expr, Type expected);
  /// E0306 for a param's `${}` inside a comment, a string literal or a
  /// quoted name of SQL text: it would be sent as `$n` where the server
  /// sees no parameter.
  void check_params_in_sql_text(const Scope& s, const model::SqlTemplate& sql);
  /// The Template term of `file(path)`, read relative to the .flow file.
  TermId load_sql_file(const Scope& s, TermId path_term);
  TermId unread_sql_file(SourceRange at);  // an error term; W0404 is not reported
  /// Appends the piece a `${}` resolves to (table, param, self), recording dependencies.
  void add_template_part(const Scope& s, model::SqlTemplate& out, TermId value, SourceRange range);
  /// Whether Ref term `ref` is a parameter of the function whose body `s` checks.
  bool fn_parameter(const Scope& s, const model::Term& ref) const;
  /// Splits a .sql file into text and resolved `${name}` pieces.
  void scan_sql_file(const Scope& s, FileId file, model::SqlTemplate& out);
  /// The source range of decoded bytes [begin, end) of a string literal; the whole literal when unsure.
  SourceRange map_string_offset(SourceRange part_range, std::string_view decoded, uint32_t begin,
                                uint32_t end) const;

  // --- attrs.cpp: attribute sets --------------------------------------------
  /// The block's attributes by schema position (E0103 unknown or missing, E0102 twice).
  Attrs collect_attributes(const Scope& s, const syntax::Block& block);
  /// The member setting attribute `name`, or nullptr.
  const syntax::Member* attr(const Scope& s, const Attrs& attrs, std::string_view name) const;
  /// The checked value of attribute `name`; invalid when absent, Error when wrong.
  TermId attr_term(const Scope& s, const Attrs& attrs, std::string_view name);
  /// Whether `value` (of `what`: "`owner`", "the default of `n`") names no
  /// param: E0201 at each it names. A param is a run's value; only what
  /// runs in SQL (`ready`, `expect`, `compare`) and `${}` text take one.
  bool names_no_param(TermId value, const std::string& what, bool in_default);
  /// E0103 for params, expectations and blocks where they are not allowed.
  void check_members(const Scope& s, const syntax::Block& block);
  /// The value of Int or Duration term `id` when it lies in [low, high];
  /// else E0201 at it saying `rule`, and nullopt.
  std::optional<int64_t> within(TermId id, int64_t low, int64_t high, const std::string& rule);
  /// Whether String term `id` (attribute `attribute`) is a table name,
  /// `table` or `schema.table`, unquoted; else E0201 at it. A blank one is
  /// left to the caller.
  bool table_name(TermId id, std::string_view attribute);
  /// Whether term `id` of a name attribute (`writes`, a source's `table`,
  /// a schema) is no `${}` template; else E0201 at it. Such a name is fixed
  /// when the workflow is checked (its dependencies and writers are read
  /// from it): a param's value or an interpolated text would not be.
  bool fixed_name(TermId id, std::string_view attribute);

  // --- blocks.cpp: project, targets, routes, legacy jobs ----------------
  /// The project block (or its defaults).
  void check_project();
  /// Target `index` and its environments.
  void check_target(uint32_t index);
  /// Route `index` and its channels.
  void check_route(uint32_t index);
  /// Legacy job `index`.
  void check_legacy(uint32_t index);
  /// The AlertSpec of an `alert(...)` term.
  model::AlertSpec to_alert(TermId term);
  /// The RetryPolicy of a `retry(...)` term.
  model::RetryPolicy to_retry(TermId term);
  /// The Channel of a `webhook/command/jsonl/stderr` term.
  model::Channel to_channel(TermId term);
  /// The text of a String (or Template) term; empty otherwise.
  std::string string_value(TermId term) const;
  /// The texts of a list of strings.
  std::vector<std::string> string_list(TermId term) const;
  /// The table names of a legacy job's `reads` or `writes` list `term`, each
  /// checked by table_name() (E0201) and left out when it is not one (a path
  /// with a `/` in `reads` is a file, kept unchecked); their ranges are
  /// appended to `ranges`, index by index.
  std::vector<std::string> legacy_tables(TermId term, std::string_view attribute, std::vector<SourceRange>& ranges);

  // --- workflows.cpp / tasks.cpp: workflows, params, sources, tasks -----
  /// Workflow `index`: attributes, params, then each node.
  void check_workflow(uint32_t index);
  /// Source or task `index` and its expectations.
  void check_node(uint32_t index);
  /// The `expect` lines of a source or task.
  void check_expectations(const Scope& s, const syntax::Block& block, model::Node& node);
  /// The WriteMode of a `mode` term.
  model::WriteMode to_write_mode(TermId term) const;
  /// The SqlTemplate of a String or Template term.
  model::SqlTemplate to_template(const Scope& s, TermId term) const;
  /// A source's attributes.
  void check_source(const Scope& s, const Attrs& attrs, model::Node& node);
  /// A task's attributes (tasks.cpp).
  void check_task(const Scope& s, const syntax::Block& block, const Attrs& attrs, model::Node& node);
  /// `compare_ignore`: column names, none blank or of the merge key (E0103).
  void check_compare_ignore(const Scope& s, const Attrs& attrs, model::Node& node);
  void check_idempotent_for_mode(TermId idem, model::WriteModeKind mode);

  // --- graph.cpp: dependencies, cycles, writers, hidden reads, W0404 ----
  /// Each node's deduplicated dependencies; E0306 for reads of tables nobody writes.
  /// E0306 when production `node` reads (or waits for) a task of a workflow
  /// not in production: that task never writes the table production reads.
  void check_stage_of_upstream(const model::Node& node, const Edge& edge);
  void build_graph();
  /// E0301 for each dependency cycle, once.
  void check_cycles();
  /// E0302 for a table with two writers.
  void check_writers();
  /// E0302 and E0303 for a table a run names (`s__mirror.t`, `s_dev.t`)
  /// that another task or an enabled legacy job writes (run_writers.cpp).
  void check_run_writers();
  /// W0402 for tables named literally in SQL.
  /// W0402 at `at` when task `node`'s SQL names `name`, a table an enabled
  /// legacy job writes: the task relies on the job's schedule having run
  /// (reads.cpp). True when reported.
  bool report_legacy_read(const model::Node& node, const std::string& name, SourceRange at);
  void check_hidden_dependencies();
  /// W0404 for outputs nothing reads.
  void check_unused_outputs();
  /// E0308 for a write inside the query of a task with a write mode (query_writes.cpp).
  void check_query_writes();
  /// E0310 for a second statement after a `;` in a query flowc runs as one (statements.cpp).
  void check_single_statements();
  /// E0311 for a `none` task that ends its transaction in a mirror run or before its expectations.
  void check_none_transactions();
  /// E0306 for a positional parameter (`$1`) written in SQL (statements.cpp).
  void check_positional_params();
  /// E0306: a param default's `${}` that is not a param declared before it
  /// (lowering works the defaults out in declaration order).
  void check_default_interpolations(const model::Workflow& wf, const model::Param& param);
  /// A table a `mode = none` task's SQL writes: by name (`insert into s.a`,
  /// `table` as the SQL lexer spells it) or through `${a}` (`insert into
  /// ${a}`: `node` is `a`); `verb` as written (`insert into`).
  struct SqlWrite {
    std::string table;
    /// `table` with the workflow's target schema when it names none, as
    /// PostgreSQL reads it; "" for `${a}`.
    std::string qualified;
    TaskId node;
    std::string verb;
    SourceRange range;
  };
  /// What each node's SQL writes when it is a `mode = none` task, by node
  /// index; read once per check by find_none_writes (none_writes.cpp) for
  /// E0302, E0303 and W0402.
  std::vector<std::vector<SqlWrite>> none_writes;
  void find_none_writes();
  /// E0303 for a table a production `mode = none` task's SQL writes that an
  /// enabled legacy job writes too (none_writes.cpp).
  void check_none_writes(const model::Workflow& wf, std::vector<bool>& legacy_reported);
  /// E0303 at `at` for each enabled legacy job not reported yet that writes
  /// `table` (as legacy_table spells it), which workflow `by` writes in
  /// production too; `message` says it, given the job (none_writes.cpp).
  void report_legacy_writers(const std::string& table, SourceRange at,
                             llvm::function_ref<std::string(const model::Legacy&)> message,
                             const std::string& by, std::vector<bool>& legacy_reported);
  /// E0312: a table or schema name longer than PostgreSQL's 63 bytes, as
  /// written or once a suffix is added (environment, `__mirror`, staging).
  void check_name_lengths();
  /// E0313: a task whose output is in the state schema, in production, an
  /// environment or a mirror run (state_schema_writes.cpp).
  void check_state_schema_writes();
  /// "<target>:<schema>.<table>", lower-case: one key per physical table.
  std::string table_key(const model::Node& node) const;
  /// The model::table_key of the table `node` writes or reads, in its
  /// workflow's target schema (no target: legacy jobs name none).
  std::string node_table(const model::Node& node) const;
  /// The model::table_key of a table named in a legacy job's `reads` or
  /// `writes`: an unqualified name is in the default target's schema.
  std::string legacy_table(std::string_view table) const;
  /// "task" or "workflow.task".
  std::string node_label(TaskId id, bool qualified) const;
  std::vector<bool> node_read;

  // --- deadline.cpp: W0406 ------------------------------------------------
  /// W0406 for deadlines the critical path cannot meet.
  void check_deadlines();

  // --- schedule.cpp: W0407, E0309 ------------------------------------------
  /// W0407 for workflow schedules that fire more than once a day; E0309 for
  /// a scheduled workflow's param without a default.
  void check_schedules();

  // --- rules.cpp: E0303 E0304 E0305 E0307 W0401 W0405 W0408 W0410 -----------
  /// E0303, E0304, E0305, E0307, W0401, W0405, W0408, W0410.
  void check_rules();
  /// E0305 for workflow `w`; true when its missing `on_failure` route was reported (rules.cpp).
  bool check_ownership(uint32_t w);
  /// E0303 for workflow `w`: a legacy job replaced twice, or still enabled beside production;
  /// W0410: disabled while `w` is not in production yet.
  void check_replacement(uint32_t w, std::vector<bool>& legacy_reported);
  /// E0307, the cutover checklist, for a production workflow `w`.
  void check_cutover(uint32_t w, bool reported_no_failure_route);
  /// `kind` (E0305, E0307) at the `on_failure` of workflow `w` when its route
  /// notifies nobody: "workflow `w` <why> its `on_failure` route ..."; true
  /// when reported.
  bool report_silent_failure_route(uint32_t w, DiagKind kind, std::string_view why);
  /// W0401 for the sources a scheduled workflow `w` reads.
  void check_readiness(uint32_t w, std::vector<bool>& cross_reported);
  /// E0304: a retrying task whose write mode is not idempotent.
  void check_retry_idempotence();
  /// W0405: a legacy job lacking what the inventory needs.
  void check_legacy_inventory();
  /// W0408: two enabled legacy jobs writing one table.
  void check_legacy_overlap();
};

}  // namespace flowc::check
