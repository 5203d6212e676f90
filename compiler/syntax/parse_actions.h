// The PEGTL actions of the parser (included only by parse.cpp, with the
// grammar): each forwards a committed construct to the TreeBuilder.
#pragma once

#include "compiler/syntax/builder.h"
#include "grammar/flow_grammar.h"

namespace flowc::syntax {

namespace g = flowc::grammar;

template <typename Rule>
struct Action : tao::pegtl::nothing<Rule> {};

/// Shorthand for the many actions that only need the matched offsets.
template <void (TreeBuilder::*Fn)(uint32_t, uint32_t)>
struct SpanAction {
  template <typename ActionInput>
  static void apply(const ActionInput& in, TreeBuilder& b) {
    (b.*Fn)(b.offset(in.begin()), b.offset(in.end()));
  }
};

/// Actions that need only where the match began.
template <void (TreeBuilder::*Fn)(uint32_t)>
struct BeginAction {
  template <typename ActionInput>
  static void apply(const ActionInput& in, TreeBuilder& b) {
    (b.*Fn)(b.offset(in.begin()));
  }
};

/// Actions that need only where the match ended.
template <void (TreeBuilder::*Fn)(uint32_t)>
struct EndAction {
  template <typename ActionInput>
  static void apply(const ActionInput& in, TreeBuilder& b) {
    (b.*Fn)(b.offset(in.end()));
  }
};

/// Actions that need no position.
template <void (TreeBuilder::*Fn)()>
struct PlainAction {
  template <typename ActionInput>
  static void apply(const ActionInput&, TreeBuilder& b) {
    (b.*Fn)();
  }
};

template <ExprKind Kind, int64_t Value = 0>
struct LeafAction {
  template <typename ActionInput>
  static void apply(const ActionInput& in, TreeBuilder& b) {
    b.leaf(Kind, b.offset(in.begin()), b.offset(in.end()), Value);
  }
};

template <ExprKind Kind>
struct BinaryAction {
  template <typename ActionInput>
  static void apply(const ActionInput&, TreeBuilder& b) {
    b.binary(Kind);
  }
};

// One action per line.
// clang-format off
// Lexical and literals.
template <> struct Action<g::comment> : SpanAction<&TreeBuilder::comment> {};
template <> struct Action<g::number> : SpanAction<&TreeBuilder::number> {};
template <> struct Action<g::lit_true> : LeafAction<ExprKind::Bool, 1> {};
template <> struct Action<g::lit_false> : LeafAction<ExprKind::Bool, 0> {};
template <> struct Action<g::self_ref> : LeafAction<ExprKind::Self> {};
template <> struct Action<g::name_ref> : LeafAction<ExprKind::Name> {};

// Strings.
struct OpenStringAction {
  template <typename ActionInput>
  static void apply(const ActionInput& in, TreeBuilder& b) {
    b.begin_string(b.offset(in.begin()), in.size() == 3);
  }
};
template <> struct Action<g::str_open> : OpenStringAction {};
template <> struct Action<g::tb_open> : OpenStringAction {};
template <> struct Action<g::str_close> : EndAction<&TreeBuilder::end_string> {};
template <> struct Action<g::tb_close> : EndAction<&TreeBuilder::end_string> {};
template <> struct Action<g::str_plain> : SpanAction<&TreeBuilder::append_raw> {};
template <> struct Action<g::str_dollar> : SpanAction<&TreeBuilder::append_raw> {};
template <> struct Action<g::tb_plain> : SpanAction<&TreeBuilder::append_raw> {};
template <> struct Action<g::tb_dollar> : SpanAction<&TreeBuilder::append_raw> {};
template <> struct Action<g::tb_quote> : SpanAction<&TreeBuilder::append_raw> {};
template <> struct Action<g::str_escape> : SpanAction<&TreeBuilder::append_escape> {};
template <> struct Action<g::escaped_interp> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, TreeBuilder& b) {
    b.append_decoded("${", b.offset(in.begin()), b.offset(in.end()));
  }
};
template <> struct Action<g::interp_open> : BeginAction<&TreeBuilder::begin_interpolation> {};
template <> struct Action<g::interp_close> : EndAction<&TreeBuilder::end_interpolation> {};

// Expressions.
template <> struct Action<g::list_open> : BeginAction<&TreeBuilder::open_list> {};
template <> struct Action<g::list_close> : EndAction<&TreeBuilder::close_list> {};
template <> struct Action<g::paren_open> : BeginAction<&TreeBuilder::open_paren> {};
template <> struct Action<g::paren_close> : EndAction<&TreeBuilder::close_paren> {};
template <> struct Action<g::call_open> : BeginAction<&TreeBuilder::open_call> {};
template <> struct Action<g::call_close> : EndAction<&TreeBuilder::close_call> {};
template <> struct Action<g::named_arg_head> : BeginAction<&TreeBuilder::named_arg_name> {};
template <> struct Action<g::named_arg> : BeginAction<&TreeBuilder::named_arg> {};
template <> struct Action<g::member_suffix> : SpanAction<&TreeBuilder::member_access> {};
template <> struct Action<g::cmp_op> : SpanAction<&TreeBuilder::comparison_op> {};
template <> struct Action<g::change_op> : SpanAction<&TreeBuilder::comparison_op> {};
template <typename S> struct Action<g::range_tail<S>> : BinaryAction<ExprKind::Range> {};
template <typename S> struct Action<g::in_tail<S>> : BinaryAction<ExprKind::In> {};
template <typename S> struct Action<g::and_tail<S>> : BinaryAction<ExprKind::And> {};
template <typename S> struct Action<g::or_tail<S>> : BinaryAction<ExprKind::Or> {};
template <typename S> struct Action<g::cmp_tail<S>> {
  template <typename ActionInput>
  static void apply(const ActionInput&, TreeBuilder& b) { b.comparison(ExprKind::Compare); }
};
template <typename S> struct Action<g::change_tail<S>> {
  template <typename ActionInput>
  static void apply(const ActionInput&, TreeBuilder& b) { b.comparison(ExprKind::Change); }
};
template <typename S> struct Action<g::not_prefixed<S>> : BeginAction<&TreeBuilder::unary_not> {};

// Types.
template <> struct Action<g::type_name> : SpanAction<&TreeBuilder::type_name> {};
template <> struct Action<g::type_arg_open> : BeginAction<&TreeBuilder::open_type_arg> {};
template <> struct Action<g::type_arg_close> : EndAction<&TreeBuilder::close_type_arg> {};

// Blocks and members.
template <> struct Action<g::block_head> : BeginAction<&TreeBuilder::block_head> {};
template <> struct Action<g::block_name> : SpanAction<&TreeBuilder::block_name> {};
template <> struct Action<g::block_open> : BeginAction<&TreeBuilder::open_block> {};
template <> struct Action<g::brace_later> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, TreeBuilder& b) {
    b.open_block_late(b.offset(in.begin()), b.offset(in.end()) - 1);
  }
};
template <> struct Action<g::block_close> : EndAction<&TreeBuilder::close_block> {};
template <> struct Action<g::block_unclosed> : BeginAction<&TreeBuilder::unclosed_block> {};
template <> struct Action<g::attr_name> : SpanAction<&TreeBuilder::attribute_name> {};
template <> struct Action<g::attribute> : SpanAction<&TreeBuilder::attribute> {};
template <> struct Action<g::param_head> : BeginAction<&TreeBuilder::param_begin> {};
template <> struct Action<g::param_name> : SpanAction<&TreeBuilder::param_name> {};
template <> struct Action<g::param_type> : PlainAction<&TreeBuilder::param_type> {};
template <> struct Action<g::param_default> : PlainAction<&TreeBuilder::param_default> {};
template <> struct Action<g::param_decl> : SpanAction<&TreeBuilder::param> {};
template <> struct Action<g::expect_head> : BeginAction<&TreeBuilder::expect_begin> {};
template <> struct Action<g::expect_cond> : PlainAction<&TreeBuilder::expect_condition> {};
template <> struct Action<g::expect_severity> : SpanAction<&TreeBuilder::expect_severity> {};
template <> struct Action<g::expect_label> : PlainAction<&TreeBuilder::expect_label> {};
template <> struct Action<g::expect_stmt> : SpanAction<&TreeBuilder::expect> {};
template <> struct Action<g::member_junk> : SpanAction<&TreeBuilder::report_junk> {};
template <> struct Action<g::decl_junk> : SpanAction<&TreeBuilder::report_junk> {};
template <> struct Action<g::recover_member> : SpanAction<&TreeBuilder::recovered_member> {};
template <> struct Action<g::recover_top> : SpanAction<&TreeBuilder::recovered_top> {};

// Functions.
template <> struct Action<g::fn_intro> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, TreeBuilder& b) {
    b.fn_begin(b.offset(in.begin()), *in.begin() == 'e');
  }
};
template <> struct Action<g::fn_name> : SpanAction<&TreeBuilder::fn_name> {};
template <> struct Action<g::fn_open> : BeginAction<&TreeBuilder::fn_open> {};
template <> struct Action<g::fn_param_name> : SpanAction<&TreeBuilder::fn_param_name> {};
template <> struct Action<g::fn_param> : SpanAction<&TreeBuilder::fn_param> {};
template <> struct Action<g::fn_close> : PlainAction<&TreeBuilder::fn_close> {};
template <> struct Action<g::fn_result> : PlainAction<&TreeBuilder::fn_result> {};
template <> struct Action<g::fn_body> : PlainAction<&TreeBuilder::fn_body> {};
template <> struct Action<g::fn_decl> : SpanAction<&TreeBuilder::fn> {};
// clang-format on

}  // namespace flowc::syntax
