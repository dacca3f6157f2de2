// POSIX shell words: quoting words so that a remote shell (ssh runs the command through the
// user's login shell) sees them unchanged, and splitting an `--rsh "ssh -p 2222"` option into
// argv. Consumes strings; produces strings / string arrays. Pure.

export class ShellWordsError extends Error {}

/** Characters that never need quoting in a POSIX shell word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for a POSIX shell: left bare when it is safe, else wrapped in single quotes
 * with each `'` written as `'\''`. The empty word becomes `''`.
 */
export function quoteWord(word: string): string {
  if (word !== "" && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes every word and joins them with spaces: one shell command line. */
export function quoteCommand(words: readonly string[]): string {
  return words.map(quoteWord).join(" ");
}

/**
 * Splits a command given as one string (`ssh -o "BatchMode yes" -p 2222`) into words the way a
 * POSIX shell would for plain words, single quotes, double quotes and backslashes. Expansions
 * (`$`, backquotes, globbing) are not performed: they are taken literally.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShellWordsError(`unterminated ' in '${text}'`);
      current += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= text.length) throw new ShellWordsError(`unterminated " in '${text}'`);
        const d = text[i];
        if (d === '"') break;
        if (d === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) {
          current += text[i + 1];
          i += 2;
        } else {
          current += d;
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      if (i + 1 >= text.length) throw new ShellWordsError(`trailing backslash in '${text}'`);
      current += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      current += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(current);
  return words;
}
