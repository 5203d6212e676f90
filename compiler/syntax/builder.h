// The tree builder behind the grammar's actions: stacks for expressions,
// brackets, strings and types, the block being filled, and the diagnostics of
// syntax errors. It knows nothing of PEGTL (parse.cpp's actions call it), so
// it compiles apart from the grammar.
//
// Robust to backtracking: grammar rules only call it when a construct has
// committed (after its keyword or opening bracket), and every member line or
// declaration runs between push_snapshot() and pop_snapshot(); when it is
// abandoned, restore_snapshot() truncates every stack and tree vector to where
// the line began.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/syntax/tree.h"
#include "grammar/error_point.h"

namespace flowc::syntax {

/// Brackets, blocks, `${}`, type arguments and `not` nested deeper than this
/// are reported (E0002) instead of overflowing the stack.
inline constexpr uint32_t kMaxNesting = 200;

/// An expression tree deeper than this (a chain such as `a or b or ...` nests
/// one level per operator) is reported (E0002): every later phase walks
/// expressions recursively, and a bound here keeps them all within the stack.
inline constexpr uint32_t kMaxExprDepth = 1000;

class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, FileId file, DiagnosticEngine& diagnostics, SyntaxTree& tree);

  /// Byte offset of `p`, a pointer into the text.
  [[nodiscard]] uint32_t offset(const char* p) const { return static_cast<uint32_t>(p - text_.data()); }

  // Each method below is called by one grammar action (parse_actions.h) with
  // the offsets of what the rule matched; none can fail. Expression methods
  // pop their operands from the value stack and push the node they build.

  /// Records a `#` comment once (backtracking may match it again).
  void comment(uint32_t begin, uint32_t end);

  /// A number-like literal; a malformed one is reported (E0005) and becomes
  /// an Error expression.
  void number(uint32_t begin, uint32_t end);
  void leaf(ExprKind kind, uint32_t begin, uint32_t end, int64_t value = 0);
  void open_list(uint32_t at);
  void close_list(uint32_t end);
  void open_paren(uint32_t at);
  void close_paren(uint32_t end);
  void open_call(uint32_t at);
  void close_call(uint32_t end);
  void named_arg_name(uint32_t begin);
  void named_arg(uint32_t begin);
  void member_access(uint32_t dot, uint32_t end);
  void binary(ExprKind kind);
  void comparison_op(uint32_t begin, uint32_t end);
  void comparison(ExprKind kind);  // Compare or Change, with the last operator
  void unary_not(uint32_t begin);

  /// Strings collect their parts between begin_string and end_string; a text
  /// block's parts are dedented (text_block.h) when it ends.
  void begin_string(uint32_t at, bool text_block);
  void append_raw(uint32_t begin, uint32_t end);
  void append_decoded(std::string_view text, uint32_t begin, uint32_t end);
  void append_escape(uint32_t begin, uint32_t end);
  void begin_interpolation(uint32_t at);
  void end_interpolation(uint32_t end);
  void end_string(uint32_t end);

  /// Types live on their own stack until a param, fn param or result takes them.
  void type_name(uint32_t begin, uint32_t end);
  void open_type_arg(uint32_t at);
  void close_type_arg(uint32_t end);

  /// Blocks open at their `{` and are attached to their parent (or become a
  /// declaration) when closed; unclosed_block reports the missing `}` (E0007).
  void block_head(uint32_t begin);
  void block_name(uint32_t begin, uint32_t end);
  void open_block(uint32_t brace);
  void open_block_late(uint32_t junk, uint32_t brace);
  void close_block(uint32_t end);
  void unclosed_block(uint32_t at);
  void attribute_name(uint32_t begin, uint32_t end);
  void attribute(uint32_t begin, uint32_t end);
  void param_begin(uint32_t begin);
  void param_name(uint32_t begin, uint32_t end);
  void param_type();
  void param_default();
  void param(uint32_t begin, uint32_t end);
  void expect_begin(uint32_t begin);
  void expect_condition();
  void expect_severity(uint32_t begin, uint32_t end);
  void expect_label();
  void expect(uint32_t begin, uint32_t end);

  /// A function is collected in a pending FnDecl and stored by fn().
  void fn_begin(uint32_t begin, bool is_extern);
  void fn_name(uint32_t begin, uint32_t end);
  void fn_open(uint32_t at);
  void fn_param_name(uint32_t begin, uint32_t end);
  void fn_param(uint32_t begin, uint32_t end);
  void fn_close();
  void fn_result();
  void fn_body();
  void fn(uint32_t begin, uint32_t end);

  // Errors and recovery.
  /// Reports a failed error point of the grammar at `at`.
  void report_error(const grammar::ErrorPoint& point, uint32_t at);
  /// Reports nesting deeper than kMaxNesting at `at`.
  void report_too_deep(uint32_t at);
  /// Reports junk [begin, end) after a complete member (or declaration).
  void report_junk(uint32_t begin, uint32_t end);
  /// After recover_member skipped [begin, end): keeps a placeholder for an
  /// attribute or expectation whose head was parsed, so later phases know it
  /// exists (its value is an Error expression) and stay quiet about it.
  void recovered_member(uint32_t begin, uint32_t end);
  /// After recover_top skipped [begin, end): keeps a `fn` whose name was
  /// read, without types or body (FnDecl::recovered), so that its calls are
  /// not reported as unknown functions besides its syntax error.
  void recovered_top(uint32_t begin, uint32_t end);
  /// Transactions around a member line or declaration: restore_snapshot()
  /// truncates every stack and tree vector to where push_snapshot() was.
  void push_snapshot();
  void pop_snapshot();
  void restore_snapshot();

  uint32_t depth = 0;  // current nesting, checked against kMaxNesting

  /// True once an expression grew deeper than kMaxExprDepth (reported);
  /// clears the flag. The parser's control then abandons the member.
  bool take_too_deep() { return std::exchange(too_deep_, false); }

 private:
  struct OpenBracket {
    char kind;            // ( [ { < or $ for `${`
    uint32_t at;          // offset of the opener
    uint32_t value_mark;  // values_.size() when opened
    std::string_view context;
  };
  struct OpenString {
    uint32_t begin;
    uint32_t part_mark;
    bool text_block;
  };
  struct Head {  // the member a snapshot frame is parsing, once known
    bool known = false;
    MemberKind kind = MemberKind::Attribute;
    Ident name;
    uint32_t begin = 0;
  };
  struct Snapshot {
    size_t values, brackets, ops, strings, pending_parts, type_stack, open_blocks;
    size_t exprs, parts, types, members, blocks, fns, decls, parent_members;
    uint32_t depth;
    Head head;
  };
  struct Found {  // the token at an error
    SourceRange range;
    std::string_view text;
    bool eof = false, newline = false, closer = false, invalid = false, line_start = false;
  };

  SourceRange range(uint32_t begin, uint32_t end) const { return {file_, begin, end}; }
  /// Doubles the capacity of a node array that is full, asking for huge pages
  /// (see builder.cpp), before the next element goes in.
  template <typename T>
  static void make_room(std::vector<T>& nodes);
  std::string_view slice(uint32_t begin, uint32_t end) const { return text_.substr(begin, end - begin); }
  std::string_view identifier_at(uint32_t begin) const;
  ExprId add_expr(ExprKind kind, uint32_t begin, uint32_t end);
  /// Records the depth of the composite expression `id` (one more than its
  /// deepest operand or interpolation); past kMaxExprDepth, reports it at the
  /// token at `at` (its operator or opening bracket) and sets too_deep_.
  void deepen(ExprId id, uint32_t at);
  /// The offset of the first token at or after `at` (blanks, newlines and
  /// comments skipped).
  uint32_t next_token(uint32_t at) const;
  ExprId pop_value();
  TypeId pop_type();
  void push_value(ExprId id) { values_.push_back(id); }
  void attach_member(Member member);
  void finish_block(BlockId id);
  /// 0-based byte column of `offset` in its line.
  uint32_t column(uint32_t offset) const;
  /// Finds, inside the unclosed block `outer`, the nested block most likely
  /// missing its `}` (see unclosed_block); false when there is none.
  bool misplaced_close(BlockId outer, BlockId& culprit, uint32_t& spot) const;
  std::string doc_above(uint32_t keyword) const;
  Found token_at(uint32_t at) const;
  std::string fill(const char* message) const;
  /// Records a diagnostic unless one was already reported at the same offset.
  Diagnostic* emit(DiagKind kind, SourceRange where, std::string message);
  /// A help naming flowc's spelling when the error is at `&&`, `||`, `<>`,
  /// `!` or a comparing `=`.
  void add_operator_help(Diagnostic& d, std::string_view found) const;
  /// A letter outside ASCII right after a name's characters (`workflow wé`):
  /// names are ASCII, which the bare "invalid character" does not say.
  void add_name_character_help(Diagnostic& d, const Found& found) const;
  /// A `(` after a name and blanks (`alert (r)`): a call has its `(` right
  /// after the name, and the error at the `(` does not say that.
  void add_call_spacing_help(Diagnostic& d, const Found& found) const;
  /// The help of an interpolation that does not parse but closes on its
  /// line: `$${` writes a literal `${` (`$${X:-y}`); "" otherwise.
  std::string literal_interpolation_help() const;

  std::string_view text_;
  FileId file_;
  DiagnosticEngine& diagnostics_;
  SyntaxTree& tree_;

  std::vector<ExprId> values_;
  std::vector<uint32_t> expr_depth_;  // by expression index; leaves are 1
  bool too_deep_ = false;
  std::vector<OpenBracket> brackets_;
  std::vector<CompareOp> ops_;
  std::vector<OpenString> strings_;
  std::vector<StringPart> pending_parts_;
  std::vector<TypeId> type_stack_;
  std::vector<BlockId> open_blocks_;
  std::vector<Snapshot> snapshots_;
  std::unordered_set<uint32_t> reported_;
  Head failed_head_;
  bool skipped_to_end_ = false;  // a recovery skip swallowed the rest of the file

  // The construct being parsed (members and functions do not nest).
  BlockKind pending_kind_ = BlockKind::Workflow;
  SourceRange pending_keyword_;
  Ident pending_name_;
  Member pending_member_;
  FnDecl pending_fn_;

  // Context for error messages (grammar/error_point.h placeholders).
  std::string_view ctx_name_, ctx_kw_, ctx_fn_, ctx_op_;
  // The last complete member, for "expected a newline after ..." (junk).
  // Kept as two views and spelled only when reported: this is per member.
  const char* last_member_kind_ = nullptr;  // "the value of `{}`", "parameter `{}`", ...
  std::string_view last_member_name_;
};

}  // namespace flowc::syntax
