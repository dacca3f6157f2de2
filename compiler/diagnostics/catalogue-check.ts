// Messages of the binder and checker (codes E2001-E2999). See catalogue.ts.
// Consumed by compiler/check and compiler/intrinsics; each message says what is wrong and what
// would be right. Codes are stable: add new ones at the end, never renumber.

import { defineError } from "./diagnostic.js";

/**
 * How to get from a value of type `found` to one of type `expected`, as a clause to append to a
 * message (starting with ": "), or "" when there is nothing useful to say. Types are given as
 * written in the language (`int`, `float(:)`, ...).
 */
export function conversionHint(expected: string, found: string): string {
  const numeric = (t: string) => t === "int" || t === "float";
  const isArray = (t: string) => t.includes("(");
  if (found === "error") return "";
  if (expected === "int" && found === "float") return ": convert explicitly with int(...), which truncates toward zero";
  if (expected === "float" && found === "bool") return ": a bool is not a number; use 'if' to choose a value";
  if (expected === "int" && found === "bool") return ": a bool is not a number; use 'if' to choose a value";
  if (expected === "string" && (numeric(found) || found === "bool")) return ": convert explicitly with str(...)";
  if (expected === "bool" && numeric(found)) return ": compare explicitly, as in 'x != 0'";
  if (numeric(expected) && found === "string") return ": a string is not a number; read number arguments with arg_int/arg_float";
  if (!isArray(expected) && isArray(found)) return ": an array is not a scalar; take one element, as in a(i)";
  if (found === "void") return ": that call returns nothing";
  return "";
}

/** "a 'float'" / "an 'int'": the article that reads right before a quoted type. */
function aType(t: string): string {
  return `${/^[aeiou]/.test(t) ? "an" : "a"} '${t}'`;
}

export const Check = {
  // --- names and scopes ------------------------------------------------------------------------
  undeclaredName: defineError(
    "E2001",
    (name: string) => `'${name}' is not declared: declare it (e.g. 'var ${name} = 0') before this use, or check the spelling`,
  ),
  redeclared: defineError(
    "E2002",
    (name: string) =>
      `'${name}' is already declared in this scope: choose another name, or drop 'var'/'const' to assign to the existing one`,
  ),
  usedBeforeDeclaration: defineError(
    "E2003",
    (name: string) =>
      `'${name}' is used before its declaration: statements see only names declared above them, so move the declaration up`,
  ),

  // --- types -----------------------------------------------------------------------------------
  assignMismatch: defineError(
    "E2004",
    (target: string, expected: string, found: string, hint: string) =>
      `cannot store a value of type '${found}' in ${target} of type '${expected}'${hint}`,
  ),
  conditionNotBool: defineError(
    "E2005",
    (found: string, hint: string) => `a condition must be 'bool', found '${found}'${hint}`,
  ),
  binaryOperands: defineError(
    "E2006",
    (op: string, left: string, right: string, rule: string) =>
      `operator '${op}' cannot be applied to '${left}' and '${right}': ${rule}`,
  ),
  unaryOperand: defineError(
    "E2007",
    (op: string, found: string, rule: string) => `operator '${op}' cannot be applied to '${found}': ${rule}`,
  ),
  notCallable: defineError(
    "E2008",
    (name: string, what: string, hint: string) => `'${name}' is ${what}, not a function${hint}`,
  ),
  functionAsValue: defineError(
    "E2009",
    (name: string) => `'${name}' is a function, not a value: call it, as in '${name}(...)'`,
  ),
  argumentCount: defineError(
    "E2010",
    (name: string, expected: string, found: number) =>
      `'${name}' takes ${expected}, but ${found} ${found === 1 ? "was" : "were"} given`,
  ),
  argumentType: defineError(
    "E2011",
    (index: number, name: string, expected: string, found: string, hint: string) =>
      `argument ${index} of '${name}' must be ${expected}, found '${found}'${hint}`,
  ),
  arrayArgumentMismatch: defineError(
    "E2012",
    (index: number, name: string, expected: string, found: string) =>
      `argument ${index} of '${name}' is passed by reference as '${expected}': pass a whole array of exactly that element type and rank, found '${found}'`,
  ),
  coarrayParamArgument: defineError(
    "E2013",
    (index: number, name: string, expected: string, found: string, what: string) =>
      `argument ${index} of '${name}' must be ${what} of type '${expected}', found '${found}': a '${expected}' parameter accepts only ${what === "a coarray" ? "coarrays declared with [*]" : "arrays declared with 'shared'"}`,
  ),
  voidAsValue: defineError(
    "E2014",
    (name: string) =>
      `'${name}' returns nothing, so its call has no value: call it as a statement, or declare it with '-> T' and return a value`,
  ),

  // --- collective declarations -------------------------------------------------------------------
  collectiveDeclNotTopLevel: defineError(
    "E2015",
    (what: string, name: string) =>
      `${what} '${name}' must be declared at the top level of the program, not inside a block or function: every image allocates it together, so move the declaration out`,
  ),
  collectiveSizeNotInvariant: defineError(
    "E2016",
    (what: string, name: string, culprit: string) =>
      `the size of ${what} '${name}' must be the same on every image, so it may be built only from literals, consts, num_images() and arg_int/arg_float with constant arguments, not from ${culprit}`,
  ),

  // --- image selectors -------------------------------------------------------------------------
  notACoarray: defineError(
    "E2017",
    (name: string) =>
      `'${name}' is not a coarray: only coarrays take an image selector [p] (declare it with [*] at the top level to give every image a copy)`,
  ),
  sharedWithSelector: defineError(
    "E2018",
    (name: string) =>
      `'${name}' is a shared array and takes no image selector: write ${name}(i), which reaches the element wherever it lives`,
  ),
  selectorNotInt: defineError(
    "E2019",
    (found: string, hint: string) => `an image selector must be an 'int' image number, found '${found}'${hint}`,
  ),

  // --- atomics and collectives -----------------------------------------------------------------
  atomicTarget: defineError(
    "E2020",
    (name: string, found: string) =>
      `'${name}' needs an 'int' coarray element (s[p], c(i)[p], s, c(i)) or an 'int' shared-array element x(i) as its first argument, found ${found}`,
  ),
  collectiveTarget: defineError(
    "E2021",
    (name: string, found: string) =>
      `'${name}' needs an int or float variable to reduce in place (a scalar variable, a local array, or a coarray's own part), found ${found}`,
  ),
  coReduceFunction: defineError(
    "E2022",
    (elem: string, found: string) =>
      `co_reduce needs a user function declared 'fn f(a: ${elem}, b: ${elem}) -> ${elem}' as its second argument, found ${found}`,
  ),

  // --- control flow ------------------------------------------------------------------------------
  imageControlInCritical: defineError(
    "E2023",
    (stmt: string) =>
      `'${stmt}' is an image control statement and is not allowed inside 'critical': move it before or after the critical block ('error stop' is allowed)`,
  ),
  loopControlOutsideLoop: defineError(
    "E2024",
    (stmt: string) => `'${stmt}' is allowed only inside a for, while or forall loop of the same function`,
  ),
  returnOutsideFunction: defineError(
    "E2025",
    () => `'return' is allowed only inside a function: use 'stop' to end this image`,
  ),
  returnTypeMismatch: defineError(
    "E2026",
    (fn: string, expected: string, found: string, hint: string) =>
      `'${fn}' returns '${expected}', but this value is '${found}'${hint}`,
  ),
  returnMissingValue: defineError(
    "E2027",
    (fn: string, expected: string) => `'${fn}' must return ${aType(expected)}: write 'return <value>'`,
  ),
  returnValueInVoid: defineError(
    "E2028",
    (fn: string) =>
      `'${fn}' returns nothing (no '->' in its declaration): write a bare 'return', or declare it with '-> T'`,
  ),
  missingReturn: defineError(
    "E2029",
    (fn: string, expected: string) =>
      `'${fn}' must return ${aType(expected)}, but the end of its body can be reached: end every path with 'return <value>'`,
  ),

  // --- assignment ------------------------------------------------------------------------------
  assignToConst: defineError(
    "E2030",
    (name: string) => `'${name}' is a const and cannot be changed: declare it with 'var' to make it mutable`,
  ),
  assignToLoopVariable: defineError(
    "E2031",
    (name: string) => `'${name}' is a loop variable and is read-only: copy it into a 'var' to change the copy`,
  ),
  assignToSyncObject: defineError(
    "E2032",
    (name: string, what: string, how: string) => `'${name}' is ${what} and cannot be assigned: ${how}`,
  ),
  notAssignable: defineError(
    "E2033",
    (what: string) =>
      `${what} cannot be assigned to: assign to a variable, an element a(i), a section a(lo:hi) or a remote reference c(i)[p]`,
  ),

  // --- arrays ------------------------------------------------------------------------------------
  indexCount: defineError(
    "E2034",
    (name: string, rank: number, found: number) =>
      `'${name}' has ${rank} dimension${rank === 1 ? "" : "s"}, so it takes ${rank} ${rank === 1 ? "index" : "indices"} (${name}(${rank === 1 ? "i" : "i, j"})), found ${found}`,
  ),
  indexNotInt: defineError(
    "E2035",
    (what: string, found: string, hint: string) => `${what} must be 'int', found '${found}'${hint}`,
  ),
  notAnArray: defineError(
    "E2036",
    (name: string, what: string) => `'${name}' is ${what}, not an array: only arrays take indices like a(i)`,
  ),
  sectionNotOnArray: defineError(
    "E2037",
    (name: string) =>
      `a section 'lo:hi' is allowed only in an array reference, and '${name}' is not an array: pass a value instead`,
  ),
  arrayRank: defineError(
    "E2038",
    (count: number) => `arrays have 1 or 2 dimensions, found ${count}: use a 2-D array and compute the rest of the index`,
  ),

  // --- synchronisation operands ------------------------------------------------------------------
  lockOperand: defineError(
    "E2039",
    (stmt: string, found: string) => `'${stmt}' needs a lock coarray (declared 'var l: lock[*]'), as in '${stmt} l[p]'; found ${found}`,
  ),
  eventPostOperand: defineError(
    "E2040",
    (found: string) => `'event post' needs an event coarray (declared 'var e: event[*]'), as in 'event post e[p]'; found ${found}`,
  ),
  ownEventOperand: defineError(
    "E2041",
    (what: string, found: string) =>
      `${what} takes this image's own event, written without an image selector (as in 'event wait e'); found ${found}`,
  ),
  syncImagesOperand: defineError(
    "E2042",
    (found: string) => `'sync images' takes an int image, a 1-D int array of images, or '*'; found '${found}'`,
  ),

  // --- values in the wrong place -------------------------------------------------------------------
  printArgument: defineError(
    "E2043",
    (index: number, found: string) =>
      `argument ${index} of 'print' is '${found}', but print takes scalars (int, float, bool, string): print an array element by element`,
  ),
  stringStorage: defineError(
    "E2044",
    (name: string) =>
      `'${name}' cannot hold strings: strings may be only scalar local variables, parameters and print arguments; use a 'string' scalar`,
  ),
  forallAffinity: defineError(
    "E2045",
    (found: string) =>
      `'on' takes a shared-array element like x(i) (the iteration runs on its owner) or an int image number, found '${found}'`,
  ),
  loopBoundNotInt: defineError(
    "E2046",
    (what: string, found: string, hint: string) => `a loop ${what} must be 'int', found '${found}'${hint}`,
  ),
  varInitNotScalar: defineError(
    "E2047",
    (keyword: string, name: string, found: string) =>
      `'${keyword} ${name} = ...' needs a scalar value, found '${found}': declare an array with its type, as in 'var ${name}: float(n)'`,
  ),
  intLiteralRange: defineError(
    "E2048",
    (text: string, rule: string) => `integer literal ${text} does not fit in 'int': ${rule}`,
  ),
  invalidDeclaredType: defineError(
    "E2049",
    (name: string, problem: string, fix: string) => `'${name}' ${problem}: ${fix}`,
  ),
  exprStatementNotCall: defineError(
    "E2050",
    () => `this expression does nothing as a statement: assign its value (x = ...) or call a function`,
  ),
  intrinsicArgument: defineError(
    "E2051",
    (name: string, problem: string) => `'${name}' ${problem}`,
  ),
  errorStopValue: defineError(
    "E2052",
    (found: string) => `'error stop' takes an int exit code or a string message, found '${found}'`,
  ),
  missingType: defineError(
    "E2053",
    (name: string) => `'${name}' needs a type or an initial value: write 'var ${name}: int' or 'var ${name} = 0'`,
  ),
  elementwiseRank: defineError(
    "E2054",
    (left: string, right: string) =>
      `elementwise operands must have the same rank, found '${left}' and '${right}': take a section of matching shape`,
  ),
  checkpointPlacement: defineError(
    "E2055",
    (where: string) =>
      `'checkpoint' is not allowed inside ${where}: it may stand only at the top level of the program or in if, for and while blocks there, where every image reaches it in the same order`,
  ),
  notifyTarget: defineError(
    "E2056",
    (problem: string) => `'notify' goes with a put to another image, but ${problem}`,
  ),
  notifyOperand: defineError(
    "E2057",
    (found: string) => `'notify' takes an event coarray on the put's target image, as in 'notify e[p]', found ${found}`,
  ),
  teamOperand: defineError(
    "E2058",
    (stmt: string, found: string) => `'${stmt}' takes a team variable (declared 'var t: team'), found ${found}`,
  ),
  teamDeclaration: defineError(
    "E2059",
    (name: string, problem: string) =>
      `'${name}' ${problem}: a team is a private scalar, declared 'var ${name}: team' and set only by 'form team(k, ${name})'`,
  ),
  leaveChangeTeam: defineError(
    "E2060",
    (stmt: string) =>
      `'${stmt}' cannot leave a 'change team' block: the block must end normally so that its team synchronises; set a flag and test it after the block`,
  ),
};
