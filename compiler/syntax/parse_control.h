// The PEGTL control of the parser (included only by parse.cpp, with the
// grammar): error points become diagnostics, nesting is bounded, and member
// lines and declarations are transactional.
#pragma once

#include <utility>

#include "compiler/syntax/builder.h"
#include "grammar/errors.h"
#include "grammar/flow_grammar.h"

namespace flowc::syntax {

namespace pegtl = tao::pegtl;
namespace g = flowc::grammar;

/// Every rule: a failed `must<>` reports the rule's entry of grammar/errors.h
/// and abandons the member (SyntaxAbort). PEGTL's own message never shows.
template <typename Rule>
struct BaseControl : pegtl::normal<Rule> {
  template <typename ParseInput>
  [[noreturn]] static void raise(const ParseInput& in, TreeBuilder& b) {
    static_assert(g::error_point<Rule>.message != nullptr,
                  "every must<> target needs an entry in grammar/errors.h");
    b.report_error(g::error_point<Rule>, b.offset(in.current()));
    throw g::SyntaxAbort{};
  }

  /// Runs the rule's action; an expression it made too deep (reported by the
  /// builder) abandons the member like a syntax error.
  template <template <typename...> class Action, typename Iterator, typename ParseInput>
  static auto apply(const Iterator& begin, const ParseInput& in, TreeBuilder& b)
      -> decltype(Action<Rule>::apply(std::declval<const typename ParseInput::action_t&>(), b)) {
    const typename ParseInput::action_t action_input(begin, in);
    Action<Rule>::apply(action_input, b);
    if (b.take_too_deep()) throw g::SyntaxAbort{};
  }
};

/// Rules entered once per nesting level (after their opening token).
template <typename Rule>
struct NestingControl : BaseControl<Rule> {
  template <typename ParseInput>
  static void start(const ParseInput& in, TreeBuilder& b) {
    if (b.depth >= kMaxNesting) {
      b.report_too_deep(b.offset(in.current()));
      throw g::SyntaxAbort{};
    }
    ++b.depth;
  }
  template <typename ParseInput>
  static void success(const ParseInput&, TreeBuilder& b) {
    --b.depth;
  }
  template <typename ParseInput>
  static void failure(const ParseInput&, TreeBuilder& b) {
    --b.depth;
  }
  template <typename ParseInput>
  static void unwind(const ParseInput&, TreeBuilder& b) {
    --b.depth;
  }
};

/// Member lines and declarations: what they built is dropped if they fail.
template <typename Rule>
struct UnitControl : BaseControl<Rule> {
  template <typename ParseInput>
  static void start(const ParseInput&, TreeBuilder& b) {
    b.push_snapshot();
  }
  template <typename ParseInput>
  static void success(const ParseInput&, TreeBuilder& b) {
    b.pop_snapshot();
  }
  template <typename ParseInput>
  static void failure(const ParseInput&, TreeBuilder& b) {
    b.restore_snapshot();
  }
  template <typename ParseInput>
  static void unwind(const ParseInput&, TreeBuilder& b) {
    b.restore_snapshot();
  }
};

template <typename Rule>
struct Control : BaseControl<Rule> {};

// clang-format off

template <> struct Control<g::member_line> : UnitControl<g::member_line> {};
template <> struct Control<g::decl_line> : UnitControl<g::decl_line> {};
template <> struct Control<g::block_body> : NestingControl<g::block_body> {};
template <> struct Control<g::list_content> : NestingControl<g::list_content> {};
template <> struct Control<g::call_args> : NestingControl<g::call_args> {};
template <> struct Control<g::paren_inner> : NestingControl<g::paren_inner> {};
template <> struct Control<g::interp_expr> : NestingControl<g::interp_expr> {};
template <> struct Control<g::type_arg> : NestingControl<g::type_arg> {};
template <typename S> struct Control<g::not_operand<S>> : NestingControl<g::not_operand<S>> {};
// clang-format on

}  // namespace flowc::syntax
