" Vim syntax file for flowc's `.flow` language (language.md §2 and §2b).
" A minimal counterpart of the VS Code grammar in editors/vscode/syntaxes:
" comments and `##` doc comments, block kinds and names, attribute names,
" keywords, strings and text blocks with `${...}` interpolation, numbers,
" percents, durations, dates, times, booleans, calls and type names.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syntax case match
syntax iskeyword @,48-57,_

" Comments. `##` lines are doc comments (hover and `flowc doc` show them).
syntax keyword flowTodo contained TODO FIXME XXX NOTE
syntax match flowComment "#.*$" contains=flowTodo,@Spell
syntax match flowDocComment "^\s*##.*$" contains=flowTodo,flowDocCode,@Spell
syntax match flowDocCode "`[^`]*`" contained

" Declarations: `workflow name {`, `[extern] fn name(`, `param name`.
" A match, not a keyword: `target = warehouse` is an attribute named `target`.
syntax match flowBlockKind "\<\%(project\|target\|environment\|route\|legacy\|workflow\|source\|task\)\>\ze\s\+\h" nextgroup=flowBlockName skipwhite
syntax match flowBlockName "\<\h\w*\>" contained
syntax keyword flowFn fn nextgroup=flowFunctionName skipwhite
syntax keyword flowExtern extern
syntax match flowFunctionName "\<\h\w*\>" contained
syntax keyword flowParam param nextgroup=flowParamName skipwhite
syntax match flowParamName "\<\h\w*\>" contained

" Attribute names before `=` (not `==`), at the start of a line or after `{`.
syntax match flowAttribute "\%(^\s*\|{\s*\)\zs\h\w*\ze\s*=\%(=\)\@!"

" Keywords and operators.
syntax keyword flowKeyword expect else as
syntax keyword flowSeverity warn fail
syntax keyword flowOperatorWord and or not in change
syntax keyword flowBoolean true false
syntax keyword flowSelf self
syntax match flowOperator "==\|!=\|<=\|>=\|\.\.\.\?\|->"
syntax match flowOperator "[<>]"

" Types after `:` and `->` (`date`, `list<string>`, `metric<int>`).
syntax match flowTypeAnnotation "\%(:\|->\)\s*\h\w*\%(\s*<\s*\h\w*\%(\s*<\s*\h\w*\s*>\)\=\s*>\)\=" contains=flowType,flowOperator
syntax match flowType "\<\h\w*\>" contained

" Calls: a name directly followed by `(`.
syntax match flowCall "\<\h\w*\ze\s*("

" Literals that start with a digit: dates, times, durations, percents,
" floats, integers; anything else starting with a digit is malformed.
syntax match flowError "\<\d\%(\w\|%\|[.:-]\d\)*"
syntax match flowNumber "\<\d[0-9_]*\%(\.\d[0-9_]*\)\=\>"
syntax match flowPercent "\<\d[0-9_]*\%(\.\d[0-9_]*\)\=%"
syntax match flowDuration "\<\%(\d\+d\%(\d\+h\)\=\%(\d\+m\)\=\%(\d\+s\)\=\|\d\+h\%(\d\+m\)\=\%(\d\+s\)\=\|\d\+m\%(\d\+s\)\=\|\d\+s\)\>"
syntax match flowDate "\<\d\{4}-\d\{2}-\d\{2}\>"
syntax match flowTime "\<\d\{1,2}:\d\{2}\%(:\d\{2}\)\=\>"

" Strings, text blocks and interpolation. `$${` is a literal `${`.
syntax match flowEscape "\\\%([\"\\nt]\|u{\x\{1,8}}\)" contained
syntax match flowEscapeError "\\[^\"\\ntu]" contained
syntax match flowInterpolationEscape "\$\${" contained
syntax region flowInterpolation matchgroup=flowInterpolationDelimiter start="\${" end="}" contained contains=@flowExpression
syntax region flowString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=flowEscape,flowEscapeError,flowInterpolationEscape,flowInterpolation
syntax region flowTextBlock start=+"""+ end=+"""\%("\)\@!+ contains=flowInterpolationEscape,flowInterpolation,@Spell

" Text blocks span lines; flow files are small, so parse from the top.
syntax sync fromstart

syntax cluster flowExpression contains=flowString,flowCall,flowNumber,flowPercent,flowDuration,flowDate,flowTime,flowBoolean,flowSelf,flowOperator,flowOperatorWord,flowError

highlight default link flowComment Comment
highlight default link flowDocComment SpecialComment
highlight default link flowDocCode Special
highlight default link flowTodo Todo
highlight default link flowBlockKind Structure
highlight default link flowBlockName Identifier
highlight default link flowFn Keyword
highlight default link flowExtern StorageClass
highlight default link flowFunctionName Function
highlight default link flowParam Keyword
highlight default link flowParamName Identifier
highlight default link flowAttribute Label
highlight default link flowKeyword Keyword
highlight default link flowSeverity Keyword
highlight default link flowOperatorWord Operator
highlight default link flowOperator Operator
highlight default link flowBoolean Boolean
highlight default link flowSelf Constant
highlight default link flowType Type
highlight default link flowCall Function
highlight default link flowError Error
highlight default link flowNumber Number
highlight default link flowPercent Number
highlight default link flowDuration Number
highlight default link flowDate Number
highlight default link flowTime Number
highlight default link flowString String
highlight default link flowTextBlock String
highlight default link flowEscape SpecialChar
highlight default link flowEscapeError Error
highlight default link flowInterpolationEscape SpecialChar
highlight default link flowInterpolationDelimiter Delimiter

let b:current_syntax = 'flow'

let &cpo = s:cpo_save
unlet s:cpo_save
