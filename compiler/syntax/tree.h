// The syntax tree of one .flow file: every node lives in a vector of the tree
// and is referred to by a typed 32-bit id. Every node carries its byte range.
// Text (identifiers, literal spellings) is viewed from the SourceBuffer, which
// must outlive the tree; decoded string contents are owned by the tree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"

namespace flowc::syntax {

/// A typed index into one of the tree's vectors. Default-constructed ids are
/// invalid ("absent").
template <typename Tag>
struct Id {
  uint32_t index = UINT32_MAX;
  [[nodiscard]] bool valid() const { return index != UINT32_MAX; }
  friend bool operator==(Id a, Id b) { return a.index == b.index; }
};

using ExprId = Id<struct ExprTag>;
using TypeId = Id<struct TypeTag>;
using MemberId = Id<struct MemberTag>;
using BlockId = Id<struct BlockTag>;
using FnId = Id<struct FnTag>;

/// An identifier as written, with its range.
struct Ident {
  std::string_view text;
  SourceRange range;
};

enum class ExprKind : uint8_t {
  Error,     // the parser could not build this expression (already diagnosed)
  Int,       // int_value
  Float,     // float_value
  Percent,   // float_value is the number before `%` (5% -> 5.0)
  Duration,  // int_value is seconds
  Date,      // int_value is days since 1970-01-01
  Time,      // int_value is seconds since midnight
  Bool,      // int_value is 0 or 1
  String,    // parts [first_part, first_part + part_count); text_block marks """..."""
  Name,      // text is the identifier
  Self,      // `self`
  List,      // operands are the elements
  Paren,     // operands[0] is the inner expression
  Member,    // operands[0] is the object; text/name_range is the member name
  Call,      // operands[0] is the callee; operands[1..] are the arguments
  NamedArg,  // `name = value` inside a call: text is the name, operands[0] the value
  Not,       // operands[0]
  And,       // operands[0], operands[1]
  Or,        // operands[0], operands[1]
  Compare,   // operands[0] op operands[1]
  In,        // operands[0] in operands[1] (a Range)
  Change,    // operands[0] change op operands[1]
  Range,     // operands[0] .. operands[1]
};

enum class CompareOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

struct Expr {
  ExprKind kind = ExprKind::Error;
  CompareOp op = CompareOp::Eq;  // Compare and Change
  bool text_block = false;       // String written as """..."""
  SourceRange range;
  std::string_view text;  // Name, Member, NamedArg: the identifier; literals: the spelling
  SourceRange name_range; // Member, NamedArg: the identifier's range
  int64_t int_value = 0;
  double float_value = 0;
  uint32_t first_part = 0;   // String: index into SyntaxTree::string_parts
  uint32_t part_count = 0;
  std::vector<ExprId> operands;
};

/// A piece of a string literal: literal text (escapes decoded, text-block
/// indentation removed) or an interpolated `${expr}`.
struct StringPart {
  bool is_interpolation = false;
  std::string text;  // decoded literal text ("$${" already turned into "${")
  ExprId expr;       // interpolation only
  SourceRange range; // the literal run, or the whole `${...}`
};

/// `name` or `name<arg>`.
struct TypeRef {
  Ident name;
  TypeId arg;
  SourceRange range;
};

enum class BlockKind : uint8_t { Project, Target, Environment, Route, Legacy, Workflow, Source, Task };

enum class MemberKind : uint8_t { Attribute, Block, Param, Expect };

enum class ExpectSeverity : uint8_t { Default, Warn, Fail };

/// One line inside a block.
struct Member {
  MemberKind kind = MemberKind::Attribute;
  SourceRange range;
  Ident name;                // Attribute and Param
  ExprId value;              // Attribute value, Param default (optional), Expect condition
  TypeId type;               // Param
  BlockId block;             // nested Block
  ExpectSeverity severity = ExpectSeverity::Default;  // Expect
  SourceRange severity_range;                         // Expect: the `warn`/`fail` word, if written
  ExprId label;              // Expect: the `as "..."` string, optional
  std::string doc;           // Param: its doc comment
  bool recovered = false;    // it did not parse (its syntax error is reported); value is an Error
};

struct Block {
  BlockKind kind = BlockKind::Workflow;
  Ident name;
  SourceRange range;          // keyword through closing brace
  SourceRange keyword_range;
  std::vector<MemberId> members;
  std::string doc;            // `##` lines directly above, `## ` prefixes removed, joined by '\n'
  bool closed = true;         // false when the closing brace was missing
};

struct FnParam {
  Ident name;
  TypeId type;
  bool variadic = false;
  SourceRange range;
};

struct FnDecl {
  bool is_extern = false;
  /// Its declaration did not parse (the syntax error is reported): only its
  /// name and parameter names are kept, so that uses of it stay quiet.
  bool recovered = false;
  Ident name;
  std::vector<FnParam> params;
  TypeId result;
  ExprId body;  // absent for extern fn
  SourceRange range;
  std::string doc;
};

/// A top-level declaration: exactly one of block and fn is valid.
struct Decl {
  BlockId block;
  FnId fn;
};

/// A `#` comment (including `##` doc lines), kept for the formatter.
struct Comment {
  SourceRange range;  // from `#` to the end of the line, terminator excluded
};

struct SyntaxTree {
  FileId file;
  std::vector<Decl> decls;
  std::vector<Block> blocks;
  std::vector<Member> members;
  std::vector<FnDecl> fns;
  std::vector<Expr> exprs;
  std::vector<StringPart> string_parts;
  std::vector<TypeRef> types;
  std::vector<Comment> comments;

  [[nodiscard]] const Expr& expr(ExprId id) const { return exprs[id.index]; }
  [[nodiscard]] const Block& block(BlockId id) const { return blocks[id.index]; }
  [[nodiscard]] const Member& member(MemberId id) const { return members[id.index]; }
  [[nodiscard]] const FnDecl& fn(FnId id) const { return fns[id.index]; }
  [[nodiscard]] const TypeRef& type(TypeId id) const { return types[id.index]; }
};

/// "workflow", "task", ...
std::string_view block_kind_name(BlockKind kind);

}  // namespace flowc::syntax
