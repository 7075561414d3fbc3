/**
 * The image scaler's node implementations (the Flux program is image-scaler.flux beside this file). Every
 * function here runs on whichever thread the runtime gives the flow; shared state is reached only through the
 * ScaleCache built in `setup` on buffers from `ctx.shared`, so all threads see one cache.
 */

import type { Conn, SetupContext } from '@flux/runtime';
import { io } from '@flux/runtime';
import type { ImageScalerImplementation } from './image-scaler.flux.ts';
import { ScaleCache, R_COALESCED, R_HITS, R_MISSES, R_SCALED } from './cache/scale-cache.ts';
import { answerFor, BadRequestError, MethodNotAllowedError } from './errors.ts';
import { listen } from './http/listen.ts';
import type { HttpRequest } from './http/request.ts';
import { errorResponse, imageResponse, jsonResponse } from './http/response.ts';
import { resolveOptions } from './options.ts';
import type { ScalerOptions } from './options.ts';
import { parseImageQuery } from './request/query.ts';
import { scaleImage } from './scale/scale-image.ts';
import { configureSharp, sharpThreads } from './scale/sharp-settings.ts';
import { readSource } from './source/read-source.ts';
import type { Answer, ScaleRequest, SourceImage } from './types.ts';

/** This thread's view of the server: set by `setup` before any flow runs here. */
let options: ScalerOptions;
let cache: ScaleCache;
let runtimeKind: string;

function setup(ctx: SetupContext): void {
  options = resolveOptions(ctx.options);
  runtimeKind = ctx.runtime;
  cache = new ScaleCache((name, bytes) => ctx.shared(name, bytes), options);
  configureSharp();
}

function imageQuery(request: ScaleRequest) {
  if (request.query === null) throw new Error('image node reached by a request that is not for an image');
  return request.query;
}

function ReadRequest(conn: Conn, http: HttpRequest): [Conn, ScaleRequest] {
  if (http.problem !== null) throw new BadRequestError(http.problem);
  if (http.method !== 'GET' && http.method !== 'HEAD') throw new MethodNotAllowedError(`method ${http.method} is not allowed`);
  const path = http.target.split('?', 1)[0];
  if (path === '/stats') return [conn, { http, route: 'stats', query: null }];
  return [conn, { http, route: 'image', query: parseImageQuery(http.target, options) }];
}

function ReportStats(conn: Conn, request: ScaleRequest): [Conn, ScaleRequest, Answer] {
  return [conn, request, { kind: 'json', value: { ...cache.stats(), runtime: runtimeKind, sharp: sharpThreads() } }];
}

function CheckCache(conn: Conn, request: ScaleRequest): [Conn, ScaleRequest, Answer] {
  const key = imageQuery(request).key;
  const image = cache.lookup(key);
  if (image !== null) {
    cache.count(R_HITS);
    return [conn, request, { kind: 'image', image }];
  }
  cache.count(R_MISSES);
  // Claimed under the same reader lock as the lookup: an owner stores and releases under the writer lock, so a
  // claim can never land between another flow's store and its release.
  const claim = cache.inflight.claim(key);
  return [conn, request, claim.role === 'waiter' ? { kind: 'wait', claim } : { kind: 'compute', claim }];
}

async function AwaitOwner(conn: Conn, request: ScaleRequest, answer: Answer): Promise<[Conn, ScaleRequest, Answer]> {
  if (answer.kind === 'wait') await cache.inflight.wait(answer.claim, options.waitTimeoutMs);
  return [conn, request, answer];
}

function TakeResult(conn: Conn, request: ScaleRequest, answer: Answer): [Conn, ScaleRequest, Answer] {
  const key = imageQuery(request).key;
  const image = cache.lookup(key);
  if (image !== null) {
    cache.count(R_COALESCED);
    return [conn, request, { kind: 'image', image }];
  }
  // The owner failed or its result was too large to cache: compute here, coordinating with other waiters if we can.
  return [conn, request, { kind: 'compute', claim: cache.inflight.claim(key) }];
}

async function ReadImage(conn: Conn, request: ScaleRequest, answer: Answer): Promise<[Conn, ScaleRequest, Answer, SourceImage]> {
  const source = await readSource(options.images, imageQuery(request).name, options.maxSourceBytes);
  return [conn, request, answer, source];
}

async function Scale(conn: Conn, request: ScaleRequest, answer: Answer, source: SourceImage): Promise<[Conn, ScaleRequest, Answer]> {
  if (answer.kind !== 'compute') throw new Error(`Scale reached with a ${answer.kind} answer`);
  const scaled = await scaleImage(source.bytes, imageQuery(request), options);
  cache.count(R_SCALED);
  const image = { bytes: scaled.bytes, contentType: scaled.contentType, etag: scaled.etag };
  return [conn, request, { kind: 'scaled', claim: answer.claim, image, source: { mtimeMs: source.mtimeMs, size: source.size } }];
}

function StoreInCache(conn: Conn, request: ScaleRequest, answer: Answer): [Conn, ScaleRequest, Answer] {
  if (answer.kind !== 'scaled') throw new Error(`StoreInCache reached with a ${answer.kind} answer`);
  try {
    cache.save(imageQuery(request).key, answer.image, answer.source);
  } finally {
    // Waiters wake to find the result in the cache (or, if it was too large to keep, compute it themselves).
    cache.inflight.release(answer.claim);
  }
  return [conn, request, { kind: 'image', image: answer.image }];
}

function Write(conn: Conn, request: ScaleRequest, answer: Answer): [Conn, ScaleRequest] {
  switch (answer.kind) {
    case 'image':
      io.write(conn, imageResponse(request.http, answer.image, options.cacheControl));
      break;
    case 'json':
      io.write(conn, jsonResponse(request.http, 200, answer.value));
      break;
    default:
      throw new Error(`Write reached with a ${answer.kind} answer`);
  }
  return [conn, request];
}

function Complete(conn: Conn, request: ScaleRequest): void {
  if (!request.http.keepAlive) io.end(conn);
}

/** Answers a failed request (its error's status, or 500) and frees an in-flight claim the flow owns. */
function replyError(error: unknown, conn: Conn, http: HttpRequest, answer: Answer | null): void {
  if (answer !== null && (answer.kind === 'compute' || answer.kind === 'scaled')) cache.inflight.release(answer.claim);
  io.write(conn, errorResponse(http, answerFor(error)));
  if (!http.keepAlive) io.end(conn);
}

function RejectRequest(error: unknown, conn: Conn, http: HttpRequest): void {
  replyError(error, conn, http, null);
}

function FailRequest(error: unknown, conn: Conn, request: ScaleRequest): void {
  replyError(error, conn, request.http, null);
}

function FailImage(error: unknown, conn: Conn, request: ScaleRequest, answer: Answer): void {
  replyError(error, conn, request.http, answer);
}

function FailScale(error: unknown, conn: Conn, request: ScaleRequest, answer: Answer, _source: SourceImage): void {
  replyError(error, conn, request.http, answer);
}

/** Write or Complete failed: a response may be half written, so the connection cannot go on. */
function AbortWrite(_error: unknown, conn: Conn): void {
  io.destroy(conn);
}

function AbortComplete(_error: unknown, conn: Conn): void {
  io.destroy(conn);
}

const IsStatsRequest = (request: ScaleRequest): boolean => request.route === 'stats';
const IsReady = (answer: Answer): boolean => answer.kind === 'image';
const IsComputedElsewhere = (answer: Answer): boolean => answer.kind === 'wait';

export default {
  setup,
  // Under `workers` every worker listens (one shared port) and serves its own connections start to end.
  sourceModes: { Listen: 'every-thread' },
  sources: { Listen: (ctx) => listen(ctx) },
  nodes: { ReadRequest, ReportStats, CheckCache, AwaitOwner, TakeResult, ReadImage, Scale, StoreInCache, Write, Complete },
  predicates: { IsStatsRequest, IsReady, IsComputedElsewhere },
  sessions: { ConnectionOf: (conn: Conn) => conn.id },
  handlers: { RejectRequest, FailRequest, FailImage, FailScale, AbortWrite, AbortComplete },
} satisfies ImageScalerImplementation;
