/**
 * defineServer: what every server repeats to launch its program, said once. A server declares its program,
 * its generated types module, its implementation and its options; it gets back
 *
 *   compile()       the IR and the types module (tests compare the committed types module with it),
 *   start(launch)   the server on a runtime, resolved once its listening source listens (tests, benchmarks),
 *   serve()         the command line: flags, start, a banner once listening, clean stop on SIGINT/SIGTERM.
 *
 *   export const web = defineServer({ name: 'web', program: new URL('../web.flux', import.meta.url),
 *     types: new URL('./web.flux.ts', import.meta.url), implementation: new URL('./web.ts', import.meta.url),
 *     defaults: DEFAULTS });
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, formatDiagnostics } from '@flux/compiler';
import type { ProgramIR } from '@flux/compiler';
import type { ListenAddress, RuntimeKind } from '../api.ts';
import type { OptionValue } from '../cli/args.ts';
import { serveFromCommandLine, type ServingServer } from '../cli/run-server.ts';
import { codes, FluxError, messageOf } from '../errors.ts';
import { start, type FluxServer } from '../start.ts';

export interface ServerDefinition {
  /** The server's name, as in `pnpm serve <name>`; prefixes its messages. */
  readonly name: string;
  /** The `.flux` program. */
  readonly program: URL;
  /** The generated implementation interface (`<name>.flux.ts`), which the implementation imports. */
  readonly types: URL;
  /** The module whose default export is the Implementation. */
  readonly implementation: URL;
  /** The server's options with their defaults; each is a flag of `serve()` (`cacheBytes` -> `--cache-bytes`). */
  readonly defaults: Readonly<Record<string, OptionValue>>;
  /** The source whose address `start` waits for and `serve` announces (default `Listen`). */
  readonly listenSource?: string;
  /** The line `serve` prints once listening (default `<name>: listening on http://<host>:<port>/`). */
  readonly banner?: (address: ListenAddress) => string;
}

export interface Launch {
  readonly runtime: RuntimeKind;
  /** Server options over the defaults; `port` defaults to 0 (a free port), `host` to 127.0.0.1. */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly threads?: number;
  readonly maxThreads?: number;
  readonly queueLimit?: number;
  readonly onError?: (error: FluxError) => void;
  /** Another implementation module of the same program (tests wrap the real one to inject faults). */
  readonly implementation?: URL;
}

export interface RunningServer {
  readonly server: FluxServer;
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  stop(): Promise<void>;
}

export interface ServerKit {
  readonly definition: ServerDefinition;
  /** Absolute paths of the program and the types module. */
  readonly programFile: string;
  readonly typesFile: string;
  compile(): { readonly ir: ProgramIR; readonly typesModule: string };
  /** Writes the types module the compiler generates (a server's `generate-types` script). */
  writeTypes(): void;
  start(launch: Launch): Promise<RunningServer>;
  serve(argv?: readonly string[]): Promise<ServingServer>;
}

export function defineServer(definition: ServerDefinition): ServerKit {
  const programFile = fileURLToPath(definition.program);
  const typesFile = fileURLToPath(definition.types);
  const listenSource = definition.listenSource ?? 'Listen';
  const banner = definition.banner ?? ((address: ListenAddress) => `${definition.name}: listening on http://${hostText(address.host)}:${address.port}/`);

  const kit: ServerKit = {
    definition,
    programFile,
    typesFile,

    compile() {
      const result = compile(readFileSync(programFile, 'utf8'), programFile, { outDir: dirname(typesFile) });
      if (result.ir === undefined || result.typesModule === undefined) {
        throw new FluxError(codes.BAD_ARGUMENT, `${programFile} does not compile:\n${formatDiagnostics(result.diagnostics, result.source)}`);
      }
      return { ir: result.ir, typesModule: result.typesModule };
    },

    writeTypes() {
      writeFileSync(typesFile, kit.compile().typesModule);
    },

    async start(launch) {
      const { ir } = kit.compile();
      const server = await start({
        ir,
        implementation: launch.implementation ?? definition.implementation,
        runtime: launch.runtime,
        options: { ...definition.defaults, host: '127.0.0.1', port: 0, ...launch.options },
        threads: launch.threads,
        maxThreads: launch.maxThreads,
        queueLimit: launch.queueLimit,
        onError: launch.onError,
      });
      let address: ListenAddress;
      try {
        // Under every runtime, once every copy of the source listens.
        address = await server.listening(listenSource);
      } catch (error) {
        await server.stop({ deadlineMs: 1000 });
        throw error;
      }
      const { host, port } = address;
      return { server, host, port, url: `http://${hostText(host)}:${port}`, stop: () => server.stop() };
    },

    async serve(argv) {
      const serving = await serveFromCommandLine({
        fluxFile: programFile,
        implementation: definition.implementation,
        defaults: definition.defaults,
        argv,
      });
      try {
        process.stdout.write(`${banner(await serving.server.listening(listenSource))}\n`);
      } catch (error) {
        process.stderr.write(`${definition.name}: cannot listen: ${messageOf(error)}\n`);
        await serving.exit(1);
      }
      return serving;
    },
  };
  return kit;
}

function hostText(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
