/** Test helpers: a generated image directory, a server per runtime, and a raw HTTP client. */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type Agent } from 'node:http';
import { RUNTIME_KINDS } from '@flux/runtime';
import type { RuntimeKind } from '@flux/runtime';
import { TEST_IMAGES, writeCorpus } from '../src/corpus/corpus.ts';
import { startScaler } from '../src/server.ts';
import type { RunningScaler } from '../src/server.ts';

/** Every runtime the runtime package has (event, threadpool, thread, workers). */
export async function availableRuntimes(): Promise<RuntimeKind[]> {
  return [...RUNTIME_KINDS];
}

export async function imageDirectory(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'image-scaler-test-'));
  await writeCorpus(dir, TEST_IMAGES, true);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function startTestServer(runtime: RuntimeKind, images: string, options: Record<string, unknown> = {}): Promise<RunningScaler> {
  return startScaler({ runtime, threads: 2, options: { images, ...options } });
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** One GET (or other method), over a fresh connection unless an agent is given; bounded in time. */
export function get(base: string, path: string, init: { method?: string; headers?: Record<string, string>; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method: init.method ?? 'GET', headers: init.headers, agent: init.agent ?? false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

export async function stats(base: string, agent?: Agent): Promise<Record<string, number>> {
  const reply = await get(base, '/stats', { agent });
  return JSON.parse(reply.body.toString()) as Record<string, number>;
}
