// `pgasc fmt [FILES] [--check]`: formats .pgas files in place with the prettier plugin of
// compiler/format (the same as `prettier --plugin pgasc/prettier --write`); with --check, writes
// nothing and lists the files that are not formatted. Consumes file names; produces files, a
// report on stderr and an exit status (0, 1: not formatted or not readable/parsable).

import { readFileSync, writeFileSync } from "node:fs";
import { format } from "prettier";
import plugin from "../../compiler/format/prettier-plugin.js";

/** `text` formatted, or the error prettier gave (a syntax error, with its diagnostics). */
export async function formatPgas(text: string, file: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    return { ok: true, text: await format(text, { parser: "pgas", plugins: [plugin], filepath: file }) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

export async function formatFiles(files: readonly string[], check: boolean): Promise<number> {
  let status = 0;
  let changed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      process.stderr.write(`pgasc: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      status = 1;
      continue;
    }
    const result = await formatPgas(text, file);
    if (!result.ok) {
      process.stderr.write(result.message.endsWith("\n") ? result.message : result.message + "\n");
      status = 1;
      continue;
    }
    if (result.text === text) continue;
    changed++;
    if (check) {
      process.stderr.write(`${file}: not formatted\n`);
      status = 1;
    } else {
      writeFileSync(file, result.text);
      process.stderr.write(`${file}: formatted\n`);
    }
  }
  if (check && changed > 0) process.stderr.write(`pgasc: ${changed} of ${files.length} file${files.length === 1 ? "" : "s"} not formatted (pgasc fmt formats them)\n`);
  return status;
}
