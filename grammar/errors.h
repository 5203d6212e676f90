// The error-message table: one entry per `must<>` point of the grammar, keyed
// by rule. The parser's control static_asserts that every rule it may raise on
// has an entry here, so PEGTL's default message (which names internal rule
// types) can never reach a user.
#pragma once

#include "grammar/error_point.h"
#include "grammar/flow_grammar.h"

namespace flowc::grammar {

using F = ErrorFlavor;
constexpr DiagKind kSyntax = DiagKind::ExpectedSyntax;

/// The entry for `Rule`; the primary template has no message (not an error point).
template <typename Rule>
inline constexpr ErrorPoint error_point{};

// clang-format off
// Declarations and members.
template <> inline constexpr ErrorPoint error_point<decl> = {kSyntax, F::Start, "expected a declaration (`workflow`, `target`, `route`, `legacy`, `project`, `fn` or `extern fn`)"};
template <> inline constexpr ErrorPoint error_point<member> = {kSyntax, F::Start, "expected an attribute (`name = value`), a block, `param` or `expect`"};
template <> inline constexpr ErrorPoint error_point<block_name> = {kSyntax, F::Name, "expected a name after `{kw}`"};
template <> inline constexpr ErrorPoint error_point<block_brace> = {kSyntax, F::Plain, "expected `{` after `{kw} {name}`"};
template <> inline constexpr ErrorPoint error_point<attr_eq> = {kSyntax, F::AttributeEq, "expected `=` after attribute name `{name}`"};
template <> inline constexpr ErrorPoint error_point<attr_value> = {kSyntax, F::Plain, "expected a value after `{name} =`"};
template <> inline constexpr ErrorPoint error_point<param_name> = {kSyntax, F::Name, "expected a parameter name after `param`"};
template <> inline constexpr ErrorPoint error_point<param_colon> = {kSyntax, F::Plain, "expected `:` and a type after parameter name `{name}`"};
template <> inline constexpr ErrorPoint error_point<param_type> = {kSyntax, F::Plain, "expected a type after `{name}:`"};
template <> inline constexpr ErrorPoint error_point<param_default> = {kSyntax, F::Plain, "expected a default value for parameter `{name}` after `=`"};
template <> inline constexpr ErrorPoint error_point<expect_cond> = {kSyntax, F::Plain, "expected a condition after `expect`"};
template <> inline constexpr ErrorPoint error_point<expect_severity> = {kSyntax, F::Plain, "expected `warn` or `fail` after `else`"};
template <> inline constexpr ErrorPoint error_point<expect_label> = {kSyntax, F::Plain, "expected a string label after `as`"};

// Functions.
template <> inline constexpr ErrorPoint error_point<extern_fn_kw> = {kSyntax, F::Plain, "expected `fn` after `extern`"};
template <> inline constexpr ErrorPoint error_point<fn_name> = {kSyntax, F::Name, "expected a function name after `fn`"};
template <> inline constexpr ErrorPoint error_point<fn_open> = {kSyntax, F::Plain, "expected `(` after function name `{fn}`"};
template <> inline constexpr ErrorPoint error_point<fn_param_colon> = {kSyntax, F::Plain, "expected `:` and a type after parameter name `{name}`"};
template <> inline constexpr ErrorPoint error_point<fn_param_type> = {kSyntax, F::Plain, "expected a type after `{name}:`"};
template <> inline constexpr ErrorPoint error_point<fn_close> = {kSyntax, F::Close, "expected `,` or `)` in the parameters of `{fn}`", "expected `)` to close the parameters of `{fn}`"};
template <> inline constexpr ErrorPoint error_point<fn_arrow> = {kSyntax, F::Plain, "expected `->` and a result type after the parameters of `{fn}`"};
template <> inline constexpr ErrorPoint error_point<fn_result> = {kSyntax, F::Plain, "expected a result type after `->`"};
template <> inline constexpr ErrorPoint error_point<fn_body> = {kSyntax, F::Plain, "expected the body of `{fn}` after `=`"};

// Types.
template <> inline constexpr ErrorPoint error_point<type_arg> = {kSyntax, F::Plain, "expected a type after `<`"};
template <> inline constexpr ErrorPoint error_point<type_arg_close> = {kSyntax, F::Close, "expected `>` after the type argument of `{open}`", "expected `>` to close the type argument of `{open}`"};

// Expressions.
template <> inline constexpr ErrorPoint error_point<list_close> = {kSyntax, F::Close, "expected `,` or `]` after the list element", "expected `]` to close the list opened here"};
template <> inline constexpr ErrorPoint error_point<paren_inner> = {kSyntax, F::Plain, "expected an expression after `(`"};
template <> inline constexpr ErrorPoint error_point<paren_close> = {kSyntax, F::Close, "expected `)` after the expression", "expected `)` to close the `(` opened here"};
template <> inline constexpr ErrorPoint error_point<call_close> = {kSyntax, F::Close, "expected `,` or `)` after the argument of `{open}`", "expected `)` to close the call to `{open}`"};
template <> inline constexpr ErrorPoint error_point<named_arg_value> = {kSyntax, F::Plain, "expected a value for argument `{name}` after `=`"};
template <> inline constexpr ErrorPoint error_point<member_name> = {kSyntax, F::Plain, "expected a name after `.`"};
template <> inline constexpr ErrorPoint error_point<range_end> = {kSyntax, F::Plain, "expected the end of the range after `..`"};
template <> inline constexpr ErrorPoint error_point<change_op> = {kSyntax, F::Plain, "expected a comparison operator (`<`, `<=`, `>`, `>=`, `==` or `!=`) after `change`"};
template <typename S> inline constexpr ErrorPoint error_point<cmp_rhs<S>> = {kSyntax, F::Plain, "expected an expression after `{op}`"};
template <typename S> inline constexpr ErrorPoint error_point<in_rhs<S>> = {kSyntax, F::Plain, "expected a range or list after `in`"};
template <typename S> inline constexpr ErrorPoint error_point<change_rhs<S>> = {kSyntax, F::Plain, "expected an expression after `change {op}`"};
template <typename S> inline constexpr ErrorPoint error_point<not_operand<S>> = {kSyntax, F::Plain, "expected an expression after `not`"};
template <typename S> inline constexpr ErrorPoint error_point<and_rhs<S>> = {kSyntax, F::Plain, "expected an expression after `and`"};
template <typename S> inline constexpr ErrorPoint error_point<or_rhs<S>> = {kSyntax, F::Plain, "expected an expression after `or`"};

// Strings.
template <> inline constexpr ErrorPoint error_point<str_close> = {DiagKind::UnterminatedString, F::Unterminated, "unterminated string: expected `\"` before the end of the line"};
template <> inline constexpr ErrorPoint error_point<tb_close> = {DiagKind::UnterminatedString, F::Unterminated, "unterminated text block: expected `\"\"\"` to close it"};
template <> inline constexpr ErrorPoint error_point<interp_expr> = {DiagKind::BadInterpolation, F::Interpolation, "expected an expression inside `${...}`"};
template <> inline constexpr ErrorPoint error_point<interp_close> = {DiagKind::BadInterpolation, F::Close, "expected `}` to close the interpolation opened here", "expected `}` to close the interpolation opened here"};
// clang-format on

}  // namespace flowc::grammar
