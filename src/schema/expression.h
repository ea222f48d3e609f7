// SQL expressions as the model holds them: text, as written. What the model
// needs to know of one (the names it uses) is read from its tokens: string
// literals and quoted identifiers are kept whole, and nothing is parsed
// further.
#pragma once

#include <string>
#include <vector>

namespace retort::schema {

// `expr` with every identifier `from` (bare, or "quoted") written as `to`
// (bare where it can be, unless `always_quote`: as SQLite writes a rename
// into a view); string literals are left alone.
std::string RenameIdentifier(const std::string& expr, const std::string& from,
                             const std::string& to, bool always_quote = false);

// The names `expr` uses as columns, in order, each once: its identifiers
// (bare or "quoted") that are not a function's name (followed by "("), a
// qualifier (followed by "."), a type after "::", a number, or an SQL
// keyword (AND, NULL, CASE, ...). `lower(email) || 'x'` uses email.
std::vector<std::string> ExpressionColumns(const std::string& expr);

// `sql`, a query, with its column `from` written as `to` (as
// RenameIdentifier, quoted), and where the column is a whole item of a
// select list, named as before: `to AS from`, so that the query's own
// columns keep their names (as PostgreSQL keeps a view's when a column it
// reads is renamed).
std::string RenameColumnInQuery(const std::string& sql, const std::string& from, const std::string& to);

// `expr` trimmed, without the pairs of parentheses that enclose all of it:
// "((a > 0))" is "a > 0"; "(a) AND (b)" stays.
std::string WithoutOuterParens(const std::string& expr);

// True when `sql` names `name` anywhere: "quoted" as written, or bare in
// any case (a table a view reads, a view another reads).
bool MentionsName(const std::string& sql, const std::string& name);

// `sql` in a form for comparing two texts of one query: bare names and
// keywords in lower case, "quoted" lower-case names that need no quotes
// bare, each run of white space one space; strings and bodies ($$ ... $$)
// as written. SQLite writes a
// renamed table into a view's text quoted; the query is the same.
std::string CanonicalQuery(const std::string& sql);

// True when each ')' of `sql` outside its strings and quoted names closes
// an '(' and none is left open: a text that can stand inside parentheses.
bool BalancedParens(const std::string& sql);

// `sql` as a trigger's body (the statements between BEGIN and END):
// trimmed, without ';' at its end. Empty when it is empty, when an END
// outside its strings closes no CASE (it would end the trigger there), when
// it holds a BEGIN, a -- comment, or a string or comment left open.
std::string TriggerBody(const std::string& sql);

// `sql` as one statement's text: trimmed, without one ';' at its end. Empty
// when another ';' stands outside its string literals ('...', E'...',
// $tag$...$tag$), quoted names and /* comments */ (a second statement),
// when one of those is left open, when it holds a -- comment (which would
// hide what follows it), or when nothing is left.
std::string OneStatement(const std::string& sql);

// True when `expr` is one call, name(...), and nothing else: an index entry
// that needs no parentheses of its own.
bool IsFunctionCall(const std::string& expr);

// True when ExpressionColumns(expr) holds `column`.
bool ExpressionUses(const std::string& expr, const std::string& column);

}  // namespace retort::schema
