// `pnpm demo`: the main job, end to end, in under a minute.
// 1. Check every example program and every server's program (diagnostics printed as `flux check` does).
// 2. Build the web server's program and draw it (out/demo/).
// 3. Serve a small site with the Flux web server under each runtime and fetch from it with a real client.
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'out', 'demo');
const cli = join(root, 'packages/compiler/src/cli/main.ts');

function run(args: string[], options: { quiet?: boolean } = {}): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.quiet) process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

function heading(text: string): void {
  console.log(`\n== ${text}`);
}

async function programs(): Promise<string[]> {
  const examples = join(root, 'packages/compiler/test/programs');
  const found = (await readdir(examples)).filter((f) => f.endsWith('.flux')).map((f) => join(examples, f));
  for (const server of await readdir(join(root, 'servers'))) {
    for (const dir of [join(root, 'servers', server), join(root, 'servers', server, 'src')]) {
      if (!existsSync(dir)) continue;
      for (const f of await readdir(dir)) if (f.endsWith('.flux')) found.push(join(dir, f));
    }
  }
  return found.sort();
}

async function serveAndFetch(runtime: string, site: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [join(root, 'servers/web/serve.ts'), '--runtime', runtime, '--port', '0', '--root', site],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`web server (${runtime}) not ready in 15 s\n${stderr}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      buffered += c;
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`web server (${runtime}) exited with ${code}\n${stderr}`)));
  });
  try {
    const page = await fetch(`${url}/`);
    const body = await page.text();
    const missing = await fetch(`${url}/no-such-file`);
    await missing.arrayBuffer();
    const etag = page.headers.get('etag');
    const revalidated = await fetch(`${url}/`, { headers: etag ? { 'if-none-match': etag } : {} });
    await revalidated.arrayBuffer();
    console.log(
      `${runtime.padEnd(10)} ${url}  GET / -> ${page.status} (${body.length} bytes)` +
        `  GET /no-such-file -> ${missing.status}  If-None-Match -> ${revalidated.status}`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
  }
}

async function main(): Promise<void> {
  await mkdir(out, { recursive: true });

  heading('flux check: the example programs and the servers');
  const files = await programs();
  const check = await run([cli, 'check', ...files]);
  console.log(`${files.length} programs checked: ${files.map((f) => relative(root, f)).join(', ')}`);
  if (check.code !== 0) throw new Error('flux check reported errors');

  heading('flux build and flux graph: servers/web/web.flux');
  const web = join(root, 'servers/web/web.flux');
  for (const runtime of ['event', 'threadpool', 'thread', 'workers']) {
    const built = await run([cli, 'build', web, '--runtime', runtime, '--out', join(out, runtime)], { quiet: true });
    if (built.code !== 0) throw new Error(`flux build --runtime ${runtime} failed`);
  }
  const graph = await run([cli, 'graph', web, '--out', join(out, 'web.svg')], { quiet: true });
  if (graph.code !== 0) throw new Error('flux graph failed');
  console.log(`built into ${relative(root, out)}/{event,threadpool,thread,workers}/, drawn to ${relative(root, join(out, 'web.svg'))}`);

  heading('the web server, unmodified, under every runtime');
  const site = await mkdtemp(join(tmpdir(), 'flux-demo-'));
  try {
    await writeFile(join(site, 'index.html'), '<!doctype html><title>Flux</title><h1>Served by Flux</h1>\n');
    for (const runtime of ['event', 'threadpool', 'thread', 'workers']) await serveAndFetch(runtime, site);
  } finally {
    await rm(site, { recursive: true, force: true });
  }
  console.log('\nNext: `pnpm bench web --runtime=all` compares the runtimes with hand-written baselines.');
}

if (!existsSync(join(root, 'servers/web/serve.ts'))) {
  console.error('servers/web/serve.ts is missing');
  process.exit(1);
}
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
