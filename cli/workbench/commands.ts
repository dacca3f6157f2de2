// The workbench's subcommands of `pgasc` (docs/workbench.md): playground, fmt and lsp, each loading
// its module only when run. Consumes the commander program and a way to set the exit status.

import type { Command } from "commander";
import { nonNegativeInt } from "../option-parsers.js";

export function addWorkbenchCommands(cli: Command, setStatus: (status: number) => void): void {
  cli
    .command("playground")
    .description("a local web page to edit, check, look inside and run programs (http://127.0.0.1:PORT/)")
    .option("--port <port>", "the port to listen on (0: any free one)", nonNegativeInt, 8080)
    .action(async (opts: { port: number }) => {
      const { startPlayground } = await import("./playground/server.js");
      let url: string;
      try {
        ({ url } = await startPlayground(opts.port));
      } catch (error) {
        process.stderr.write(`pgasc: playground: cannot listen on port ${opts.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
        setStatus(1);
        return;
      }
      process.stdout.write(`pgasc playground: ${url}\n`);
      await new Promise<never>(() => undefined); // serves until interrupted
    });

  cli
    .command("fmt")
    .description("format .pgas files in place (--check: only list the files that are not formatted, status 1 if any)")
    .argument("[files...]", "programs", ["main.pgas"])
    .option("--check", "write nothing; list the files whose formatting differs")
    .action(async (files: string[], opts: { check?: boolean }) => {
      const { formatFiles } = await import("./fmt.js");
      setStatus(await formatFiles(files, opts.check === true));
    });

  cli
    .command("lsp")
    .description("a Language Server on standard input and output, for editors: diagnostics, hover, go to definition, symbols, completion")
    .action(async () => {
      const { runLanguageServer } = await import("./lsp.js");
      // runs until the client says exit (or closes its end): the server library ends the process
      await new Promise<never>(() => runLanguageServer());
    });
}
