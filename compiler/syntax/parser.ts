// The grammar of .pgas (LANGUAGE.md §3-§5) as a Chevrotain CstParser, free of embedded actions.
// Consumes the filtered token vector from lexer.ts; gives a concrete syntax tree (CST) for
// cst-to-ast.ts and the serialized grammar for the railroad diagrams (grammar/generate.ts).

import { CstParser } from "./chevrotain.js";
import * as T from "./tokens.js";
import { SyntaxMessages } from "./messages.js";

/**
 * Building an instance is costly (Chevrotain's self-analysis of the grammar): instances are
 * reused through withParser below. Separators: every statement must be followed by a `separator` (newline, `;`, or the implicit
 * separator the newline filter puts before each `}` and at the end of the input); separators
 * alone are empty statements.
 */
export class PgasParser extends CstParser {
  /** This instance's error messages, which know the token vector of the parse in progress. */
  readonly messages: SyntaxMessages;

  constructor() {
    const messages = new SyntaxMessages();
    super([...T.allTokens], {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: "full",
      errorMessageProvider: messages,
    });
    this.messages = messages;
    this.performSelfAnalysis();
  }

  // -------------------------------------------------------------------------------------------
  // Program structure
  // -------------------------------------------------------------------------------------------

  // The statement loop is written out in `program` and `block` (not shared as a sub-rule) so that
  // Chevrotain's in-repetition recovery knows what follows it (end of file, `}`) and can skip a
  // stray token and carry on with the next statement, reporting every error in the file.

  public program = this.RULE("program", () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.separator) },
        {
          ALT: () => {
            this.SUBRULE(this.statement);
            this.SUBRULE2(this.separator);
          },
        },
      ]);
    });
  });

  public separator = this.RULE("separator", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Newline) },
      { ALT: () => this.CONSUME(T.Semicolon) },
      { ALT: () => this.CONSUME(T.ImplicitSeparator) },
    ]);
  });

  public block = this.RULE("block", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.separator) },
        {
          ALT: () => {
            this.SUBRULE(this.statement);
            this.SUBRULE2(this.separator);
          },
        },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  public statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.varDecl) },
      { ALT: () => this.SUBRULE(this.sharedDecl) },
      // Functions are only allowed at top level; the AST builder says so with a clear message.
      { ALT: () => this.SUBRULE(this.fnDecl) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.whileStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.forallStmt) },
      { ALT: () => this.SUBRULE(this.breakStmt) },
      { ALT: () => this.SUBRULE(this.continueStmt) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.stopStmt) },
      { ALT: () => this.SUBRULE(this.errorStopStmt) },
      { ALT: () => this.SUBRULE(this.checkpointStmt) },
      { ALT: () => this.SUBRULE(this.formTeamStmt) },
      { ALT: () => this.SUBRULE(this.changeTeamStmt) },
      { ALT: () => this.SUBRULE(this.syncStmt) },
      { ALT: () => this.SUBRULE(this.criticalStmt) },
      { ALT: () => this.SUBRULE(this.lockStmt) },
      { ALT: () => this.SUBRULE(this.unlockStmt) },
      { ALT: () => this.SUBRULE(this.eventStmt) },
      { ALT: () => this.SUBRULE(this.assignOrCallStmt) },
    ]);
  });

  // -------------------------------------------------------------------------------------------
  // Declarations
  // -------------------------------------------------------------------------------------------

  public constDecl = this.RULE("constDecl", () => {
    this.CONSUME(T.Const);
    this.SUBRULE(this.declaredName);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  public varDecl = this.RULE("varDecl", () => {
    this.CONSUME(T.Var);
    this.SUBRULE(this.declaredName);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeExpr);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
  });

  public sharedDecl = this.RULE("sharedDecl", () => {
    this.CONSUME(T.Shared);
    this.SUBRULE(this.declaredName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
    this.OPTION(() => this.SUBRULE(this.layout));
  });

  /**
   * The name a declaration introduces. A reserved word is accepted here by the grammar (nothing
   * else can stand after `var`, `fn`, ...) so the AST builder can say "'block' is a reserved
   * word" and parsing goes on as if it were a name.
   */
  public declaredName = this.RULE("declaredName", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]);
  });

  public layout = this.RULE("layout", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Cyclic);
          this.OPTION(() => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.expression);
            this.CONSUME(T.RParen);
          });
        },
      },
      { ALT: () => this.CONSUME(T.BlockKw) },
    ]);
  });

  /** `float`, `float(N)`, `int(R, C)[*]`, `lock[*]`, `shared float(:)`, `float(:, :)[*]`. */
  public typeExpr = this.RULE("typeExpr", () => {
    this.OPTION(() => this.CONSUME(T.Shared));
    this.SUBRULE(this.elementType);
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.SUBRULE(this.extent);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.extent);
      });
      this.CONSUME(T.RParen);
    });
    this.OPTION3(() => {
      this.CONSUME(T.LBracket);
      this.CONSUME(T.Star);
      this.CONSUME(T.RBracket);
    });
  });

  public elementType = this.RULE("elementType", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Int) },
      { ALT: () => this.CONSUME(T.Float) },
      { ALT: () => this.CONSUME(T.Bool) },
      { ALT: () => this.CONSUME(T.String_) },
      { ALT: () => this.CONSUME(T.Lock) },
      { ALT: () => this.CONSUME(T.Event) },
      { ALT: () => this.CONSUME(T.Team) },
    ]);
  });

  /** An array extent: a size in declarations, `:` in parameters. */
  public extent = this.RULE("extent", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Colon) }, { ALT: () => this.SUBRULE(this.expression) }]);
  });

  public fnDecl = this.RULE("fnDecl", () => {
    this.CONSUME(T.Fn);
    this.SUBRULE(this.declaredName);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.param);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.param);
      });
    });
    this.CONSUME(T.RParen);
    this.OPTION2(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.typeExpr);
    });
    this.SUBRULE(this.block);
  });

  public param = this.RULE("param", () => {
    this.SUBRULE(this.declaredName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
  });

  // -------------------------------------------------------------------------------------------
  // Statements
  // -------------------------------------------------------------------------------------------

  public ifStmt = this.RULE("ifStmt", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.block);
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([{ ALT: () => this.SUBRULE(this.ifStmt) }, { ALT: () => this.SUBRULE2(this.block) }]);
    });
  });

  public whileStmt = this.RULE("whileStmt", () => {
    this.CONSUME(T.While);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.block);
  });

  public forStmt = this.RULE("forStmt", () => {
    this.CONSUME(T.For);
    this.SUBRULE(this.declaredName);
    this.CONSUME(T.In);
    this.SUBRULE(this.expression);
    this.CONSUME(T.DotDot);
    this.SUBRULE2(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.By);
      this.SUBRULE3(this.expression);
    });
    this.SUBRULE(this.block);
  });

  public forallStmt = this.RULE("forallStmt", () => {
    this.CONSUME(T.Forall);
    this.SUBRULE(this.declaredName);
    this.CONSUME(T.In);
    this.SUBRULE(this.expression);
    this.CONSUME(T.DotDot);
    this.SUBRULE2(this.expression);
    this.CONSUME(T.On);
    this.SUBRULE3(this.expression);
    this.SUBRULE(this.block);
  });

  public breakStmt = this.RULE("breakStmt", () => {
    this.CONSUME(T.Break);
  });

  public continueStmt = this.RULE("continueStmt", () => {
    this.CONSUME(T.Continue);
  });

  public returnStmt = this.RULE("returnStmt", () => {
    this.CONSUME(T.Return);
    this.OPTION(() => this.SUBRULE(this.expression));
  });

  public stopStmt = this.RULE("stopStmt", () => {
    this.CONSUME(T.Stop);
  });

  public errorStopStmt = this.RULE("errorStopStmt", () => {
    this.CONSUME(T.Error_);
    this.CONSUME(T.Stop);
    this.OPTION(() => this.SUBRULE(this.expression));
  });

  public checkpointStmt = this.RULE("checkpointStmt", () => {
    this.CONSUME(T.Checkpoint);
  });

  /** `form team(k, t)` (LANGUAGE.md §7.1). */
  public formTeamStmt = this.RULE("formTeamStmt", () => {
    this.CONSUME(T.Form);
    this.CONSUME(T.Team);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expression);
    this.CONSUME(T.RParen);
  });

  /** `change team(t) { ... }` (LANGUAGE.md §7.1). */
  public changeTeamStmt = this.RULE("changeTeamStmt", () => {
    this.CONSUME(T.Change);
    this.CONSUME(T.Team);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    this.SUBRULE(this.block);
  });

  public syncStmt = this.RULE("syncStmt", () => {
    this.CONSUME(T.Sync);
    this.OR([
      { ALT: () => this.CONSUME(T.All) },
      {
        ALT: () => {
          this.CONSUME(T.Images);
          this.CONSUME(T.LParen);
          this.OR2([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.SUBRULE(this.expression) }]);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.CONSUME(T.Memory) },
    ]);
  });

  public criticalStmt = this.RULE("criticalStmt", () => {
    this.CONSUME(T.Critical);
    this.SUBRULE(this.block);
  });

  public lockStmt = this.RULE("lockStmt", () => {
    this.CONSUME(T.Lock);
    this.SUBRULE(this.expression);
  });

  public unlockStmt = this.RULE("unlockStmt", () => {
    this.CONSUME(T.Unlock);
    this.SUBRULE(this.expression);
  });

  public eventStmt = this.RULE("eventStmt", () => {
    this.CONSUME(T.Event);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Post);
          this.SUBRULE(this.expression);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Wait);
          this.SUBRULE2(this.expression);
          this.OPTION(() => {
            this.CONSUME(T.Until);
            this.SUBRULE3(this.expression);
          });
        },
      },
    ]);
  });

  /** `target op value` or a call standing alone; the AST builder checks the shapes. */
  public assignOrCallStmt = this.RULE("assignOrCallStmt", () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.AssignOp);
      this.SUBRULE2(this.expression);
      // a notified put (LANGUAGE.md §7.2): `c(i)[p] = x notify e[p]`
      this.OPTION2(() => {
        this.CONSUME(T.Notify);
        this.SUBRULE3(this.expression);
      });
    });
  });

  // -------------------------------------------------------------------------------------------
  // Expressions (LANGUAGE.md §4)
  //
  // The grammar takes an expression as a flat chain `operand (binaryOperator operand)*` and the
  // AST builder applies the precedence table (precedence climbing). One rule level per
  // parenthesis instead of one per precedence level keeps the recursion shallow enough for the
  // 256 nesting levels language-notes.md promises, and parses faster.
  // -------------------------------------------------------------------------------------------

  public expression = this.RULE("expression", () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(T.BinaryOperator);
      this.SUBRULE2(this.operand);
    });
  });

  /**
   * Unary operators, then a primary with its postfix parts: `x`, `f(args)`, `a(i, j)`,
   * `a(lo:hi)`, `s[p]`, `c(i)[p]`, `float(i)`, literals, `( e )`.
   */
  public operand = this.RULE("operand", () => {
    this.MANY(() => this.CONSUME(T.UnaryOp));
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION(() => this.SUBRULE(this.argumentList));
          this.OPTION2(() => this.SUBRULE(this.imageSelector));
        },
      },
      {
        // `float(i)`, `int(x)`: the type words double as conversion functions.
        ALT: () => {
          this.CONSUME(T.TypeKeyword);
          this.SUBRULE2(this.argumentList);
        },
      },
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.FloatLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  public argumentList = this.RULE("argumentList", () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.argument);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.argument);
      });
    });
    this.CONSUME(T.RParen);
  });

  /** An index or value `e`, or a section `lo:hi`, `lo:`, `:hi`, `:`. */
  public argument = this.RULE("argument", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Colon);
          this.OPTION(() => this.SUBRULE(this.expression));
        },
      },
      {
        ALT: () => {
          this.SUBRULE2(this.expression);
          this.OPTION2(() => {
            this.CONSUME2(T.Colon);
            this.OPTION3(() => this.SUBRULE3(this.expression));
          });
        },
      },
    ]);
  });

  public imageSelector = this.RULE("imageSelector", () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RBracket);
  });
}

/**
 * Parsers not in use. A parser is stateful while it parses (its input, errors and message
 * context) and costs 0.2-0.7 s to build, so each parse borrows one here for its duration: an
 * idle one, or a new one when every parser is busy (a parse started inside another, or by a
 * second compilation in the same process). An idle parser holds nothing of any program. The one
 * piece of module-level mutable state in compiler/: a cache of interchangeable objects.
 */
const idleParsers: PgasParser[] = [];

/** Runs `use` with a parser that no other parse touches until `use` returns. */
export function withParser<T>(use: (parser: PgasParser) => T): T {
  const parser = idleParsers.pop() ?? new PgasParser();
  try {
    return use(parser);
  } finally {
    parser.input = [];
    parser.messages.end();
    idleParsers.push(parser);
  }
}
