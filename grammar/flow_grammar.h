// The PEGTL grammar of the `.flow` language (language.md §2 and §2b): rules
// only, one per line. Actions, the error-message table (grammar/errors.h) and
// the control that turns `must<>` failures into diagnostics live elsewhere;
// compiler/syntax/parse.cpp is the only translation unit that includes this.
//
// Shape of error recovery, built into the grammar on purpose:
// - every member line of a block is tried inside `try_catch_type<SyntaxAbort>`;
//   a failed `must<>` records its diagnostic and throws SyntaxAbort, and
//   `recover_member` skips the rest of the member (bracket-aware);
// - every top-level declaration is tried the same way, `recover_top` skips
//   the broken line with what it opened, to the next line at column 0;
// - a missing `}` and junk after a complete member are reported without
//   throwing (`block_unclosed`, `member_junk`), so the member is kept.
// The custom skipping rules (below, before the grammar) call compiler/syntax/recovery.h.
#pragma once

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

#include "compiler/syntax/recovery.h"

namespace flowc::grammar {

namespace pegtl = tao::pegtl;
using pegtl::at;
using pegtl::eof;
using pegtl::must;
using pegtl::not_at;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;
using pegtl::string;

/// Thrown (after the diagnostic is recorded) to abandon the current member or
/// declaration; caught by the try_catch at the recovery points below.
struct SyntaxAbort {};

// ---- Custom rules (recovery and look-ahead), defined over plain text ---------

/// Succeeds without consuming at column 0 of a line that starts a top-level
/// declaration (`workflow x`, `fn f`, ...): a block body stops there.
struct toplevel_start {
  using rule_t = toplevel_start;
  using subs_t = pegtl::type_list<>;
  template <typename ParseInput>
  static bool match(ParseInput& in) {
    return syntax::starts_toplevel_declaration(in.begin(), in.current(), in.end());
  }
};

/// Skips what is left of a broken member: to the end of its line (newlines
/// inside brackets included), stopping before a `}` that closes the block.
struct recover_member {
  using rule_t = recover_member;
  using subs_t = pegtl::type_list<>;
  template <typename ParseInput>
  static bool match(ParseInput& in) {
    const char* stop = syntax::skip_member(in.begin(), in.current(), in.end(), true);
    if (stop == in.current()) return false;
    in.bump(static_cast<std::size_t>(stop - in.current()));
    return true;
  }
};

/// Junk after a complete member on the same line; skipped like recover_member.
struct member_junk : recover_member {
  using rule_t = member_junk;
};

/// Junk after a complete top-level declaration; a `}` does not stop it.
struct decl_junk {
  using rule_t = decl_junk;
  using subs_t = pegtl::type_list<>;
  template <typename ParseInput>
  static bool match(ParseInput& in) {
    const char* stop = syntax::skip_member(in.begin(), in.current(), in.end(), false);
    if (stop == in.current()) return false;
    in.bump(static_cast<std::size_t>(stop - in.current()));
    return true;
  }
};

/// Skips a broken top-level line and what it opened, up to the next line
/// that may start a top-level item.
struct recover_top {
  using rule_t = recover_top;
  using subs_t = pegtl::type_list<>;
  template <typename ParseInput>
  static bool match(ParseInput& in) {
    const char* stop = syntax::skip_top_level(in.begin(), in.current(), in.end());
    if (stop == in.current()) return false;
    in.bump(static_cast<std::size_t>(stop - in.current()));
    return true;
  }
};

/// A block header with junk before its `{` (`task a b {`): consumes through
/// the `{` when one follows on the same line (the junk is reported).
struct brace_later {
  using rule_t = brace_later;
  using subs_t = pegtl::type_list<>;
  template <typename ParseInput>
  static bool match(ParseInput& in) {
    const char* brace = syntax::find_brace_on_line(in.current(), in.end());
    if (brace == nullptr) return false;
    in.bump(static_cast<std::size_t>(brace + 1 - in.current()));
    return true;
  }
};

// One rule per line, however long.
// clang-format off
// ---- Lexical ------------------------------------------------------------------

struct bom : string<'\xEF', '\xBB', '\xBF'> {};
struct eol : one<'\n'> {};
struct blank : one<' ', '\t', '\r'> {};
// A comment ends at its line end or at any CR: after a lone CR, what
// editors show on a line of its own is read (an error where a newline is
// due), never hidden in the comment. The CRs of `\r\n` are blanks.
struct comment : seq<one<'#'>, star<pegtl::not_one<'\n', '\r'>>> {};
struct sp : star<sor<blank, comment>> {};
struct spn : star<sor<blank, comment, eol>> {};
struct spn1 : plus<sor<blank, comment, eol>> {};
struct word : pegtl::identifier {};

struct kw_project : TAO_PEGTL_KEYWORD("project") {};
struct kw_target : TAO_PEGTL_KEYWORD("target") {};
struct kw_environment : TAO_PEGTL_KEYWORD("environment") {};
struct kw_route : TAO_PEGTL_KEYWORD("route") {};
struct kw_legacy : TAO_PEGTL_KEYWORD("legacy") {};
struct kw_workflow : TAO_PEGTL_KEYWORD("workflow") {};
struct kw_source : TAO_PEGTL_KEYWORD("source") {};
struct kw_task : TAO_PEGTL_KEYWORD("task") {};
struct kw_param : TAO_PEGTL_KEYWORD("param") {};
struct kw_fn : TAO_PEGTL_KEYWORD("fn") {};
struct kw_extern : TAO_PEGTL_KEYWORD("extern") {};
struct kw_expect : TAO_PEGTL_KEYWORD("expect") {};
struct kw_else : TAO_PEGTL_KEYWORD("else") {};
struct kw_warn : TAO_PEGTL_KEYWORD("warn") {};
struct kw_fail : TAO_PEGTL_KEYWORD("fail") {};
struct kw_as : TAO_PEGTL_KEYWORD("as") {};
struct kw_change : TAO_PEGTL_KEYWORD("change") {};
struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_true : TAO_PEGTL_KEYWORD("true") {};
struct kw_false : TAO_PEGTL_KEYWORD("false") {};
struct kw_self : TAO_PEGTL_KEYWORD("self") {};
struct block_kw : sor<kw_project, kw_target, kw_environment, kw_route, kw_legacy, kw_workflow, kw_source, kw_task> {};
struct keyword : sor<block_kw, kw_param, kw_fn, kw_extern, kw_expect, kw_else, kw_warn, kw_fail, kw_as, kw_change, kw_and, kw_or, kw_not, kw_in, kw_true, kw_false, kw_self> {};
struct name : seq<not_at<keyword>, pegtl::identifier> {};

// One token for every literal that starts with a digit; the builder classifies
// it (int, float, percent, duration, date, time) and reports E0005 if malformed.
// A `%` or a duration unit after blanks belongs to it too (`5 %`, `30 m`:
// nothing else may follow a number there; `else` and `as` are longer than
// one letter), so that the spacing is the one mistake reported.
struct spaced_unit : seq<plus<one<' ', '\t'>>, sor<one<'%'>, seq<one<'s', 'm', 'h', 'd'>, not_at<pegtl::identifier_other>>>> {};
struct number : seq<pegtl::digit, star<sor<pegtl::identifier_other, one<'%'>, seq<one<'.', ':', '-'>, pegtl::digit>>>, opt<spaced_unit>> {};

// ---- Strings and text blocks --------------------------------------------------

template <typename S> struct expr;
struct interp_open : string<'$', '{'> {};
struct interp_expr;
struct interp_close : one<'}'> {};
// Inside `${...}` a `#` starts no comment: it is in a string, and there it
// is the shell's (`${X#y}`), reported as an unclosed interpolation.
struct isp : star<sor<blank, eol>> {};
struct interpolation : seq<interp_open, isp, must<interp_expr>, isp, must<interp_close>> {};
struct escaped_interp : string<'$', '$', '{'> {};
struct str_open : one<'"'> {};
struct str_close : one<'"'> {};
struct str_plain : plus<pegtl::not_one<'"', '\\', '$', '\n', '\r'>> {};
struct str_escape : seq<one<'\\'>, sor<seq<one<'u'>, one<'{'>, pegtl::rep_min_max<1, 8, pegtl::xdigit>, one<'}'>>, seq<not_at<one<'\n', '\r'>>, pegtl::utf8::any>>> {};
struct str_dollar : one<'$'> {};
struct str_body : star<sor<str_plain, str_escape, escaped_interp, interpolation, str_dollar>> {};
struct plain_string : seq<str_open, str_body, must<str_close>> {};
struct tb_open : string<'"', '"', '"'> {};
struct tb_close : string<'"', '"', '"'> {};
struct tb_plain : plus<pegtl::not_one<'"', '$'>> {};
struct tb_quote : sor<seq<one<'"'>, not_at<one<'"'>, one<'"'>>>, seq<one<'"'>, at<one<'"'>, one<'"'>, one<'"'>>>> {};
struct tb_dollar : one<'$'> {};
struct tb_body : star<sor<tb_plain, escaped_interp, interpolation, tb_dollar, tb_quote>> {};
struct text_block : seq<tb_open, tb_body, must<tb_close>> {};
struct string_lit : sor<text_block, plain_string> {};

// ---- Expressions ---------------------------------------------------------------
// S is the whitespace between operators: `sp` on a member line (a newline ends
// the member), `spn` inside brackets and `${}` (newlines are whitespace).

struct comma : seq<spn, one<','>, spn> {};
struct lit_true : kw_true {};
struct lit_false : kw_false {};
struct self_ref : kw_self {};
struct name_ref : name {};
struct list_open : one<'['> {};
struct list_item;
struct list_content : seq<spn, opt<pegtl::list<list_item, comma>, opt<comma>>, spn> {};
struct list_close : one<']'> {};
struct list_lit : seq<list_open, list_content, must<list_close>> {};
struct paren_open : one<'('> {};
struct paren_inner;
struct paren_close : one<')'> {};
struct paren_expr : seq<paren_open, spn, must<paren_inner>, spn, must<paren_close>> {};
struct primary : sor<number, string_lit, lit_true, lit_false, self_ref, name_ref, list_lit, paren_expr> {};

struct member_name : pegtl::identifier {};
struct member_suffix : seq<one<'.'>, not_at<one<'.'>>, must<member_name>> {};
struct arg_name : pegtl::identifier {};
struct named_arg_head : seq<arg_name, spn, one<'='>, not_at<one<'='>>> {};
struct named_arg_value;
struct named_arg : seq<named_arg_head, spn, must<named_arg_value>> {};
struct arg;
struct call_open : one<'('> {};
struct call_args : seq<spn, opt<pegtl::list<arg, comma>, opt<comma>>, spn> {};
struct call_close : one<')'> {};
struct call_suffix : seq<call_open, call_args, must<call_close>> {};
struct postfix : seq<primary, star<sor<member_suffix, call_suffix>>> {};

struct range_op : string<'.', '.'> {};
struct range_end : postfix {};
template <typename S> struct range_tail : seq<S, range_op, S, must<range_end>> {};
template <typename S> struct range_expr : seq<postfix, opt<range_tail<S>>> {};

struct cmp_op : sor<string<'=', '='>, string<'!', '='>, string<'<', '='>, string<'>', '='>, one<'<'>, one<'>'>> {};
template <typename S> struct cmp_rhs : range_expr<S> {};
template <typename S> struct cmp_tail : seq<S, cmp_op, S, must<cmp_rhs<S>>> {};
template <typename S> struct in_rhs : range_expr<S> {};
template <typename S> struct in_tail : seq<S, kw_in, S, must<in_rhs<S>>> {};
struct change_op : cmp_op {};
template <typename S> struct change_rhs : range_expr<S> {};
template <typename S> struct change_tail : seq<S, kw_change, S, must<change_op>, S, must<change_rhs<S>>> {};
template <typename S> struct comparison : seq<range_expr<S>, opt<sor<cmp_tail<S>, in_tail<S>, change_tail<S>>>> {};

template <typename S> struct not_expr;
template <typename S> struct not_operand : not_expr<S> {};
template <typename S> struct not_prefixed : seq<kw_not, S, must<not_operand<S>>> {};
template <typename S> struct not_expr : sor<not_prefixed<S>, comparison<S>> {};
template <typename S> struct and_rhs : not_expr<S> {};
template <typename S> struct and_tail : seq<S, kw_and, S, must<and_rhs<S>>> {};
template <typename S> struct and_expr : seq<not_expr<S>, star<and_tail<S>>> {};
template <typename S> struct or_rhs : and_expr<S> {};
template <typename S> struct or_tail : seq<S, kw_or, S, must<or_rhs<S>>> {};
template <typename S> struct expr : seq<and_expr<S>, star<or_tail<S>>> {};
struct interp_expr : expr<isp> {};
struct list_item : expr<spn> {};
struct paren_inner : expr<spn> {};
struct named_arg_value : expr<spn> {};
struct arg : sor<named_arg, expr<spn>> {};

// ---- Types ---------------------------------------------------------------------

struct type_name : pegtl::identifier {};
struct type_arg_open : one<'<'> {};
struct type_arg;
struct type_arg_close : one<'>'> {};
struct type_ref : seq<type_name, opt<sp, type_arg_open, sp, must<type_arg>, sp, must<type_arg_close>>> {};
struct type_arg : type_ref {};

// ---- Blocks and members -------------------------------------------------------

struct member_line;
struct member_item : sor<pegtl::try_catch_type<SyntaxAbort, member_line>, recover_member> {};
struct block_head : seq<block_kw, sp, not_at<one<'='>>> {};
struct block_name : name {};
struct block_open : one<'{'> {};
struct block_brace : sor<block_open, brace_later> {};
struct block_body : star<sor<spn1, seq<not_at<one<'}'>>, not_at<eof>, not_at<toplevel_start>, member_item>>> {};
struct block_close : one<'}'> {};
struct block_unclosed : pegtl::success {};
struct block : seq<block_head, must<block_name>, sp, must<block_brace>, block_body, sor<block_close, block_unclosed>> {};

struct param_head : seq<kw_param, sp, not_at<one<'='>>> {};
struct param_name : name {};
struct param_colon : one<':'> {};
struct param_type : type_ref {};
struct param_eq : one<'='> {};
struct param_default : expr<sp> {};
struct param_decl : seq<param_head, must<param_name>, sp, must<param_colon>, sp, must<param_type>, opt<sp, param_eq, sp, must<param_default>>> {};

struct expect_head : seq<kw_expect, sp, not_at<one<'='>>> {};
struct expect_cond : expr<sp> {};
struct expect_severity : sor<kw_warn, kw_fail> {};
struct expect_else : seq<sp, kw_else, sp, must<expect_severity>> {};
struct expect_label : string_lit {};
struct expect_as : seq<sp, kw_as, sp, must<expect_label>> {};
struct expect_stmt : seq<expect_head, must<expect_cond>, opt<expect_else>, opt<expect_as>> {};

struct attr_name : pegtl::identifier {};
struct attr_eq : seq<one<'='>, not_at<one<'='>>> {};
struct attr_value : expr<sp> {};
struct attribute : seq<attr_name, sp, must<attr_eq>, sp, must<attr_value>> {};

struct member : sor<block, param_decl, expect_stmt, attribute> {};
struct member_end : sor<eol, eof, at<one<'}'>>, toplevel_start> {};
struct member_line : seq<must<member>, sp, sor<member_end, member_junk>> {};

// ---- Functions and the file ---------------------------------------------------

struct extern_fn_kw : kw_fn {};
struct fn_intro : sor<seq<kw_extern, sp, must<extern_fn_kw>>, kw_fn> {};
struct fn_name : name {};
struct fn_open : one<'('> {};
struct fn_param_name : pegtl::identifier {};  // keywords allowed: `alert(route: route)`
struct fn_param_colon : one<':'> {};
struct fn_param_type : type_ref {};
struct variadic : string<'.', '.', '.'> {};
// Inside `()` a line break is whitespace (language.md §2), around `:` too.
struct fn_param : seq<fn_param_name, spn, must<fn_param_colon>, spn, must<fn_param_type>, opt<spn, variadic>> {};
struct fn_params : seq<spn, opt<pegtl::list<fn_param, comma>, opt<comma>>, spn> {};
struct fn_close : one<')'> {};
struct fn_arrow : string<'-', '>'> {};
struct fn_result : type_ref {};
struct fn_eq : one<'='> {};
struct fn_body : expr<sp> {};
// The `= body` may start on the next line (a long signature, then its body).
struct fn_decl : seq<fn_intro, sp, must<fn_name>, sp, must<fn_open>, fn_params, must<fn_close>, sp, must<fn_arrow>, sp, must<fn_result>, opt<spn, fn_eq, sp, must<fn_body>>> {};

struct decl : sor<block, fn_decl> {};
struct decl_end : sor<eol, eof, toplevel_start> {};
struct decl_line : seq<must<decl>, sp, sor<decl_end, decl_junk>> {};
struct top_item : sor<pegtl::try_catch_type<SyntaxAbort, decl_line>, recover_top> {};
struct file : seq<opt<bom>, star<sor<spn1, seq<not_at<eof>, top_item>>>, eof> {};

// clang-format on
}  // namespace flowc::grammar

// How the custom rules behave for tao::pegtl::analyze (grammar_test.cpp).
namespace tao::pegtl {
template <typename Name>
struct analyze_traits<Name, flowc::grammar::toplevel_start> : analyze_opt_traits<> {};
template <typename Name>
struct analyze_traits<Name, flowc::grammar::recover_member> : analyze_any_traits<> {};
template <typename Name>
struct analyze_traits<Name, flowc::grammar::member_junk> : analyze_any_traits<> {};
template <typename Name>
struct analyze_traits<Name, flowc::grammar::decl_junk> : analyze_any_traits<> {};
template <typename Name>
struct analyze_traits<Name, flowc::grammar::recover_top> : analyze_any_traits<> {};
template <typename Name>
struct analyze_traits<Name, flowc::grammar::brace_later> : analyze_any_traits<> {};
}  // namespace tao::pegtl
