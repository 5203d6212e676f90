// The checker's shared state: one Checker per check() call, its passes split
// over the files of this folder by responsibility (declare, functions,
// elaborate, calls, builtins, templates, blocks, workflows, graph, rules).
// Internal to compiler/check; the public contract is check.h.
#pragma once

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringMap.h>

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/check/schema.h"
#include "compiler/check/types.h"

namespace flowc::check {

using model::SymbolId;
using model::TaskId;
using model::TermId;
using model::WorkflowId;

/// Where an expression is being checked.
struct Scope {
  explicit Scope(uint32_t tree_index = 0, WorkflowId workflow_id = {}, TaskId node_id = {})
      : tree(tree_index), workflow(workflow_id), node(node_id) {}
  uint32_t tree = 0;            // index into Checker::trees
  WorkflowId workflow;          // invalid outside workflows
  TaskId node;                  // the source or task being checked (`self`, dependencies)
  const llvm::StringMap<TermId>* bindings = nullptr;  // fn parameters in a fn body
  bool quiet = false;           // expanding an already-checked fn body: no diagnostics, no references
  bool in_sql = false;          // resolving inside `${}` of SQL: unknown names are E0306
  bool fn_body = false;         // checking a fn declaration: user fn calls are typed, not expanded
  uint32_t depth = 0;           // fn expansion depth
};

/// A parameter of a function, with its resolved type.
struct ParamSig {
  std::string_view name;
  Type type;                    // variadic: the element type
  bool variadic = false;
  const struct BuiltinDefault* builtin_default = nullptr;  // extern fns: the compiler's default
  SymbolId symbol;
  TermId default_term;          // built on first use
};

/// A `fn` or `extern fn` declaration.
struct FnInfo {
  SymbolId symbol;
  uint32_t tree = 0;
  syntax::FnId fn;
  std::vector<ParamSig> params;
  Type result;
  bool is_extern = false;
  bool recursive = false;       // part of a call cycle (reported once): never expanded
  bool signature_ok = true;
};

/// One dependency edge of a node, with where it was written.
struct Edge {
  TaskId to;
  SourceRange range;
  bool data = true;             // `${name}` (reads the table) or `after`
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
  bool has_owner = false, has_writes = false, has_consumers = false, has_rollback = false;  // written, even if invalid
  SourceRange enabled;
  std::vector<SourceRange> writes;
  SourceRange rollback;
};
struct WorkflowSite {
  bool has_owner = false;  // written, even if its value is invalid
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
  Checker(const CheckInput& input, DiagnosticEngine& diagnostics);
  /// Runs every pass and returns the model.
  model::Model run();
  void reserve();

  // --- state shared by the passes ---------------------------------------
  SourceManager& sources;
  DiagnosticEngine& diags;
  DiagnosticEngine scratch;    // receives diagnostics of quiet scopes
  model::Model model;
  std::vector<const syntax::SyntaxTree*> trees;
  std::vector<bool> tree_in_stdlib;
  llvm::StringMap<SymbolId> globals;           // top-level names and functions
  std::vector<llvm::StringMap<SymbolId>> workflow_scopes;
  std::vector<FnInfo> fns;
  llvm::DenseMap<uint32_t, uint32_t> fn_of_symbol;   // symbol index -> fns index
  std::array<std::vector<SymbolId>, 8> attribute_symbols;  // by block kind, by spec position
  std::vector<SymbolId> enum_symbols;                        // by enum_values() position
  std::vector<BlockSite> workflow_blocks, node_blocks, route_blocks, target_blocks, legacy_blocks;
  std::vector<WorkflowSite> workflow_sites;
  std::vector<NodeSite> node_sites;
  std::vector<LegacySite> legacy_sites;
  BlockSite project_block;

  // Syntax errors already reported by the parser, by file: rules that ask
  // for something missing skip blocks the parser could not read whole.
  llvm::DenseMap<uint32_t, std::vector<uint32_t>> syntax_errors;
  bool any_syntax_error = false;
  /// True when the parser reported an error inside `range`.
  bool broken(SourceRange range) const;

  // --- helpers (checker.cpp) --------------------------------------------
  const syntax::SyntaxTree& tree(uint32_t index) const { return *trees[index]; }
  DiagnosticEngine& sink(const Scope& s) { return s.quiet ? scratch : diags; }
  std::string_view text_of(SourceRange range) const;
  SymbolId add_symbol(model::Symbol symbol);
  void reference(const Scope& s, SourceRange range, SymbolId symbol);
  TermId add_term(model::Term term, std::span<const TermId> operands = {});
  TermId error_term(SourceRange range);
  const model::Term& term(TermId id) const { return model.terms[id.index]; }
  std::span<const TermId> operands(TermId id) const { return model.operands(id); }
  Type type_of(TermId id) const { return id.valid() ? model.terms[id.index].type : Type{}; }
  FnInfo* function(SymbolId symbol);
  TermId retarget(TermId id, SourceRange range);
  std::string signature_of(const FnInfo& fn) const;

  // --- declare.cpp: symbols, scopes, E0102, block placement ------------
  void declare_builtins();
  void declare_tree(uint32_t tree_index);
  void declare_block(uint32_t tree_index, syntax::BlockId id);
  void declare_workflow_members(uint32_t tree_index, syntax::BlockId id, WorkflowId workflow);
  void declare_fn(uint32_t tree_index, syntax::FnId id);
  bool declare_global(SymbolId id, SourceRange at);
  std::optional<Type> resolve_type(const Scope& s, syntax::TypeId id);

  // --- functions.cpp: fn bodies and recursion ---------------------------
  void check_functions();
  std::vector<std::vector<std::pair<uint32_t, SourceRange>>> fn_calls;  // caller fn -> callee fn
  uint32_t checking_fn = UINT32_MAX;

  // --- elaborate.cpp: expressions ----------------------------------------
  TermId elaborate(const Scope& s, syntax::ExprId id, Type expected);
  TermId resolve_name(const Scope& s, std::string_view name, SourceRange range, Type expected);
  TermId resolve_member(const Scope& s, const syntax::Expr& expr, Type expected);
  TermId qualified_node(const Scope& s, std::string_view workflow, SourceRange workflow_range,
                        std::string_view name, SourceRange name_range, SourceRange whole);
  TermId ref_term(SymbolId symbol, SourceRange range);
  void report_unknown_name(const Scope& s, std::string_view name, SourceRange range, Type expected);
  std::vector<std::string_view> visible_names(const Scope& s, Type expected) const;
  TermId elaborate_logic(const Scope& s, const syntax::Expr& expr);
  TermId elaborate_compare(const Scope& s, const syntax::Expr& expr);
  TermId elaborate_list(const Scope& s, const syntax::Expr& expr, Type expected);

  // --- coerce.cpp: E0201 / E0203 with suggestions -----------------------
  /// Checks that `term` fits `want`; reports E0201 (or `kind` for arguments)
  /// naming `what`. Returns false after reporting.
  bool coerce(const Scope& s, TermId term, Type want, std::string_view what,
              DiagKind kind = DiagKind::TypeMismatch, const FnInfo* fn = nullptr);
  void suggest_literal(Diagnostic& d, TermId term, Type want);

  // --- calls.cpp: binding arguments, expanding fn ------------------------
  TermId elaborate_call(const Scope& s, const syntax::Expr& call, Type expected);
  TermId call_function(const Scope& s, FnInfo& fn, SourceRange range, std::span<const TermId> args);
  TermId expand(const Scope& s, const FnInfo& fn, SourceRange range, std::span<const TermId> args);
  TermId default_argument(const Scope& s, FnInfo& fn, size_t param);
  TermId bare_call(const Scope& s, FnInfo& fn, SourceRange range);
  void add_signature_note(Diagnostic& d, const FnInfo& fn) const;

  // --- builtins.cpp: what extern fns need beyond their signature --------
  TermId apply_builtin(const Scope& s, const FnInfo& fn, TermId call);
  void check_cron(const Scope& s, TermId expr_term, TermId tz_term);

  // --- templates.cpp: `${}` strings and .sql files ----------------------
  TermId elaborate_template(const Scope& s, const syntax::Expr& expr, Type expected);
  TermId load_sql_file(const Scope& s, TermId path_term);
  void add_template_part(const Scope& s, model::SqlTemplate& out, TermId value, SourceRange range);
  void scan_sql_file(const Scope& s, FileId file, model::SqlTemplate& out);
  SourceRange map_string_offset(SourceRange part_range, std::string_view decoded, uint32_t begin, uint32_t end) const;

  // --- attrs.cpp: attribute sets --------------------------------------------
  Attrs collect_attributes(const Scope& s, const syntax::Block& block);
  const syntax::Member* attr(const Scope& s, const Attrs& attrs, std::string_view name) const;
  TermId attr_term(const Scope& s, const Attrs& attrs, std::string_view name);
  void check_members(const Scope& s, const syntax::Block& block);

  // --- blocks.cpp: project, targets, routes, legacy jobs ----------------
  void check_project();
  void check_target(uint32_t index);
  void check_route(uint32_t index);
  void check_legacy(uint32_t index);
  model::AlertSpec to_alert(TermId term);
  model::RetryPolicy to_retry(TermId term);
  model::Channel to_channel(TermId term);
  std::string string_value(TermId term) const;
  std::vector<std::string> string_list(TermId term) const;

  // --- workflows.cpp / nodes.cpp: workflows, params, sources, tasks -----
  void check_workflow(uint32_t index);
  void check_node(uint32_t index);
  void check_expectations(const Scope& s, const syntax::Block& block, model::Node& node);
  model::WriteMode to_write_mode(TermId term) const;
  model::SqlTemplate to_template(const Scope& s, TermId term) const;
  void check_source(const Scope& s, const Attrs& attrs, model::Node& node);
  void check_task(const Scope& s, const syntax::Block& block, const Attrs& attrs, model::Node& node);

  // --- graph.cpp: dependencies, cycles, writers, hidden reads, W0404 ----
  void build_graph();
  void check_cycles();
  void check_writers();
  void check_hidden_dependencies();
  void check_unused_outputs();
  std::string table_key(const model::Node& node) const;
  std::string node_label(TaskId id, bool qualified) const;
  std::vector<bool> node_read;

  // --- deadline.cpp: W0406 ------------------------------------------------
  void check_deadlines();

  // --- rules.cpp: E0303 E0304 E0305 E0307 W0401 W0405 --------------------
  void check_rules();
};

}  // namespace flowc::check
