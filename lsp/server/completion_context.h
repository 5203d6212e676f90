// Where the cursor is, for completion, read from the text up to the cursor
// with a small scanner (strings, text blocks, `${}`, comments, brackets and
// block braces) rather than from the syntax tree: while the user types, the
// file is usually not valid and the tree says little about the cursor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flowc::lsp {

/// One block around the cursor: `task revenue_daily {`.
struct BlockFrame {
  std::string keyword;  // "workflow", "task", ...
  std::string name;
};

struct CompletionContext {
  enum class Where {
    None,           // a comment or a string: nothing to complete
    TopLevel,       // start of a declaration at the top level
    Member,         // start of a line inside a block
    Value,          // an expression (attribute value, argument, list element)
    Expect,         // after `expect`
    Type,           // after `param name:` or inside a fn signature
    Interpolation,  // inside `${...}` of a string
  } where = Where::None;
  std::vector<BlockFrame> blocks;  // outermost first
  std::string attribute;           // Value: the attribute the expression is assigned to
  std::string call;                // the innermost call whose parentheses hold the cursor
  std::string named_arg;           // `name =` written before the cursor inside that call
  /// Inside that call's own parentheses, not after `name =`: the position
  /// of the argument at the cursor, when the arguments before it are
  /// positional (-1 otherwise), and the names of those written `name = ...`.
  int argument = -1;
  std::vector<std::string> named_before;
  /// How many arguments were written by position before the first named
  /// one (only names may follow a named argument).
  int positional_before = 0;
  std::string param_type;          // Value of `param name: TYPE = `: TYPE as written
  std::string qualifier;           // `workflow.` written just before the prefix
  std::string prefix;              // the identifier characters before the cursor
};

/// The context at byte `offset` of `text`.
CompletionContext completion_context(std::string_view text, uint32_t offset);

}  // namespace flowc::lsp
