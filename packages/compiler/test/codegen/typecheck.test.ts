import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compile } from '../../src/index.ts';

/**
 * The generated types module makes `tsc` check an implementation against the program: a matching
 * implementation passes, one whose node returns the wrong tuple fails.
 */
const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const tsc = join(repoRoot, 'node_modules/.bin/tsc');
const programFile = fileURLToPath(new URL('../programs/image.flux', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flux-typecheck-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const result = compile(readFileSync(programFile, 'utf8'), programFile, { outDir: dir });
assert.ok(result.typesModule, 'image.flux compiles');
writeFileSync(join(dir, 'image.flux.ts'), result.typesModule);

const IMPLEMENTATION = (readRequestResult: string) => `
import type { ImageImplementation } from './image.flux.ts';
import type { Conn, CacheEntry, ImageRequest } from '${fileURLToPath(new URL('../programs/types.ts', import.meta.url))}';

const entry = (request: ImageRequest): CacheEntry => ({ key: request.path, image: null });

export default {
  nodes: {
    ReadRequest: (conn: Conn) => ${readRequestResult},
    CheckCache: (conn, keepAlive, request) => [conn, keepAlive, entry(request)],
    ReadInFromDisk: async (conn, keepAlive, e) => [conn, keepAlive, e, new Uint8Array(0)],
    Compress: (conn, keepAlive, e, original) => [conn, keepAlive, e, original],
    StoreInCache: (conn, keepAlive, e) => [conn, keepAlive, e],
    Write: (conn, keepAlive, e) => [conn, keepAlive, e],
    Complete: () => {},
  },
  sources: {
    Listen: async (ctx) => {
      await ctx.emit({ id: 1, remoteAddress: '127.0.0.1', remotePort: 1 });
    },
  },
  predicates: { TestInCache: (e) => e.image !== null },
  sessions: {},
  handlers: {
    BadRequest: (error, conn) => void [error, conn.id],
    FourOhFour: async (error, conn, keepAlive, e) => void [error, conn, keepAlive, e.key],
  },
} satisfies ImageImplementation;
`;

function tsconfig(file: string): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'es2024',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['es2024'],
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      typeRoots: [join(repoRoot, 'node_modules/@types')],
      types: ['node'],
      paths: { '@flux/runtime/*': [join(repoRoot, 'packages/runtime/src/*')] },
    },
    files: [file],
  });
}

async function typecheck(name: string, source: string): Promise<{ ok: boolean; output: string }> {
  writeFileSync(join(dir, `${name}.ts`), source);
  writeFileSync(join(dir, `tsconfig.${name}.json`), tsconfig(`${name}.ts`));
  try {
    const { stdout } = await run(tsc, ['-p', join(dir, `tsconfig.${name}.json`)], { cwd: dir, timeout: 60_000 });
    return { ok: true, output: stdout };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

test('tsc accepts an implementation that matches the generated interfaces', async () => {
  const { ok, output } = await typecheck('matching', IMPLEMENTATION('[conn, true, { path: "/a.jpg", width: 200 }]'));
  assert.ok(ok, output);
});

test('tsc rejects an implementation whose node returns the wrong tuple', async () => {
  const { ok, output } = await typecheck('mismatching', IMPLEMENTATION('[conn, "yes", { path: "/a.jpg", width: 200 }]'));
  assert.equal(ok, false, 'tsc should fail');
  assert.match(output, /mismatching\.ts\(\d+,\d+\): error TS\d+/);
  assert.match(output, /ReadRequest|boolean/);
});
