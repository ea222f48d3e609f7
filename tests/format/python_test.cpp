// The reader of Alembic's Python: what it reads of the subset, what it
// marks unsupported (with its place), and what it refuses.
#include <gtest/gtest.h>

#include "format/python.h"

namespace retort::format::python {
namespace {

TEST(Python, ReadsARevisionModule) {
  Module m = Parse(R"py("""add users

Revision ID: ab12
Create Date: 2024-03-01 10:20:30.1
"""
from typing import Sequence, Union
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = 'ab12'
down_revision: Union[str, None] = ("a1", "b2",)
branch_labels = None

def upgrade() -> None:
    op.create_table('users',  # a comment inside brackets
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), server_default=sa.text("'x'"),
                  comment='it''s' "concatenated"),
    )
    op.execute("""
      UPDATE t SET a = 1
    """) ; pass
    if x:
        op.drop_table('a')
    else:
        op.drop_table('b')
    op.f(-1)

def downgrade(): pass
)py",
                   "r.py");
  EXPECT_EQ(m.docstring.substr(0, 9), "add users");
  ASSERT_EQ(m.body.size(), 8u);
  EXPECT_EQ(m.body[3].kind, Statement::Kind::kAssign);
  EXPECT_EQ(m.body[3].target, "revision");
  EXPECT_EQ(m.body[3].value->text, "ab12");
  EXPECT_EQ(m.body[4].value->kind, Expr::Kind::kTuple);
  EXPECT_EQ(m.body[4].value->items.size(), 2u);
  EXPECT_EQ(m.body[5].value->kind, Expr::Kind::kNone);
  const Statement& up = m.body[6];
  ASSERT_EQ(up.kind, Statement::Kind::kDef);
  ASSERT_EQ(up.body.size(), 5u);
  const Expr& create = *up.body[0].value;
  EXPECT_EQ(create.DottedName(), "op.create_table");
  ASSERT_EQ(create.items.size(), 3u);
  const Expr& name = *create.items[2];
  EXPECT_EQ(name.items[0]->text, "name");
  EXPECT_EQ(name.Keyword("comment")->text, "its" "concatenated");
  EXPECT_EQ(name.Keyword("server_default")->items[0]->text, "'x'");
  EXPECT_EQ(up.body[1].value->items[0]->text, "\n      UPDATE t SET a = 1\n    ");
  EXPECT_EQ(up.body[2].kind, Statement::Kind::kPass);  // after a ';'
  // The if statement and its else clause: one statement, at its place.
  EXPECT_EQ(up.body[3].kind, Statement::Kind::kIf);
  EXPECT_EQ(up.body[3].value->text, "x");
  EXPECT_EQ(up.body[3].body.at(0).value->items.at(0)->text, "a");
  EXPECT_EQ(up.body[3].orelse.at(0).value->items.at(0)->text, "b");
  EXPECT_EQ(up.body[3].line, 24);
  EXPECT_EQ(up.body[3].column, 5);
  ASSERT_EQ(up.body[4].kind, Statement::Kind::kExpr);
  EXPECT_EQ(up.body[4].value->items.at(0)->kind, Expr::Kind::kNegative);
  EXPECT_EQ(m.body[7].body.at(0).kind, Statement::Kind::kPass);
}

TEST(Python, MarksWhatIsOutsideTheSubset) {
  Module m = Parse("def upgrade():\n    op.execute(f\"x{y}\")\n    a[1]\n    x = 1 + 2\n    op.f(*args)\n", "r.py");
  const Block& body = m.body.at(0).body;
  ASSERT_EQ(body.size(), 4u);
  EXPECT_EQ(body[0].value->items[0]->kind, Expr::Kind::kFString);
  EXPECT_EQ(body[0].value->items[0]->text, "x{y}");
  EXPECT_EQ(body[1].value->text, "a subscript");
  EXPECT_EQ(body[2].kind, Statement::Kind::kAssign);
  EXPECT_EQ(body[2].value->kind, Expr::Kind::kUnsupported);
  // An unpacked argument: the expression is marked, at its place.
  ASSERT_EQ(body[3].kind, Statement::Kind::kExpr);
  EXPECT_EQ(body[3].value->text, "an unpacked argument (* or **)");
  EXPECT_EQ(body[3].value->column, 10);
}

// Tests of the dialect's name and loops over literals, as revisions branch.
TEST(Python, ReadsBranchesLoopsAndTests) {
  Module m = Parse(R"py(def upgrade():
    if bind.dialect.name == "postgresql" and not x:
        pass
    elif name in ("sqlite", 'mysql'): op.a()
    elif a is not None or b != 'c':
        pass
    else:
        op.b()
    for (t, c) in [("a", "b")]:
        op.f(f"ix_{t}" "{c}")
    for t in "a", "b": pass
    if a == b == c: pass
    for x in y:
        pass
    else:
        pass
    if a < b: pass
)py",
                   "r.py");
  const Block& body = m.body.at(0).body;
  ASSERT_EQ(body.size(), 6u);
  const Statement& branch = body[0];
  ASSERT_EQ(branch.kind, Statement::Kind::kIf);
  EXPECT_EQ(branch.value->kind, Expr::Kind::kAnd);
  EXPECT_EQ(branch.value->items.at(0)->kind, Expr::Kind::kCompare);
  EXPECT_EQ(branch.value->items.at(0)->text, "==");
  EXPECT_EQ(branch.value->items.at(1)->kind, Expr::Kind::kNot);
  // Each elif: one if in the orelse of the one before.
  const Statement& second = branch.orelse.at(0);
  ASSERT_EQ(second.kind, Statement::Kind::kIf);
  EXPECT_EQ(second.value->text, "in");
  EXPECT_EQ(second.value->items.at(0)->items.size(), 2u);
  EXPECT_EQ(second.body.at(0).value->DottedName(), "op.a");
  const Statement& third = second.orelse.at(0);
  EXPECT_EQ(third.value->kind, Expr::Kind::kOr);
  EXPECT_EQ(third.value->items.at(0)->text, "is not");
  EXPECT_EQ(third.orelse.at(0).value->DottedName(), "op.b");
  const Statement& loop = body[1];
  ASSERT_EQ(loop.kind, Statement::Kind::kFor);
  EXPECT_EQ(loop.targets, (std::vector<std::string>{"t", "c"}));
  EXPECT_EQ(loop.value->kind, Expr::Kind::kList);
  // A plain string after an f-string: its braces are literal.
  EXPECT_EQ(loop.body.at(0).value->items.at(0)->text, "ix_{t}{{c}}");
  EXPECT_EQ(body[2].value->kind, Expr::Kind::kTuple);
  EXPECT_EQ(body[3].value->kind, Expr::Kind::kUnsupported);
  EXPECT_EQ(body[3].value->text, "a chained comparison");
  EXPECT_EQ(body[4].kind, Statement::Kind::kUnsupported);
  EXPECT_EQ(body[4].text, "a for statement with an else clause");
  EXPECT_EQ(body[5].value->kind, Expr::Kind::kUnsupported);
  // A long run of elif clauses is refused, not followed down the stack.
  std::string chain = "if a == 'x': pass\n";
  for (int i = 0; i < 150; ++i) chain += "elif a == 'x': pass\n";
  Module many = Parse(chain, "r.py");
  EXPECT_EQ(many.body.at(0).kind, Statement::Kind::kUnsupported);
  EXPECT_EQ(many.body.at(0).text, "an if with more than 100 elif clauses");
}

TEST(Python, RefusesHostileNesting) {
  for (const std::string& text : {std::string(5000, '(') + "\n", std::string("x = ") + std::string(101, '[') + "\n"}) {
    try {
      Parse(text, "r.py");
      ADD_FAILURE() << "parsed";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("brackets nested too deep"), std::string::npos) << e.what();
    }
  }
  // A run of signs is read without recursion.
  Module m = Parse("x = " + std::string(200000, '-') + "-1\n", "r.py");
  EXPECT_EQ(m.body.at(0).value->kind, Expr::Kind::kNegative);
  std::string blocks;
  for (int i = 0; i < 150; ++i) blocks += std::string(i, ' ') + "def f():\n";
  try {
    Parse(blocks + std::string(150, ' ') + "pass\n", "r.py");
    ADD_FAILURE() << "parsed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("blocks nested too deep"), std::string::npos) << e.what();
  }
}

TEST(Python, RefusesWhatIsNoPython) {
  struct Bad {
    const char* text;
    const char* message;
  };
  for (const Bad& b : {Bad{"x = 'open\n", "r.py:1:5: a string is never closed"},
                       Bad{"x = (1,\ny = 2\n", "r.py:1:5: this bracket is never closed"},
                       Bad{"def f():\n    a\n  b\n", "r.py:3:3: this line's indentation matches no outer block"},
                       Bad{"x = 1 $ 2\n", "r.py:1:7: a character Python does not know here: '$'"},
                       Bad{"x = )\n", "r.py:1:5: ')' closes no bracket"},
                       Bad{"x = '\\x4'\n", "r.py:1:8: \\x needs two hex digits"}}) {
    try {
      Parse(b.text, "r.py");
      ADD_FAILURE() << "parsed: " << b.text;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), b.message);
    }
  }
}

}  // namespace
}  // namespace retort::format::python
