// PROVISIONAL, hand-written until `pnpm flux build` generates this file from image-scaler.flux.
import type { Conn, HttpRequest, ScaleRequest, Answer, SourceImage } from './types.ts';
import type { MaybePromise, SetupContext, SourceContext } from '@flux/runtime/api.ts';

type R = ScaleRequest;
export interface ImageScalerImplementation {
  readonly setup?: (ctx: SetupContext) => MaybePromise<void>;
  readonly sources: { readonly Listen: (ctx: SourceContext<[conn: Conn, request: HttpRequest]>) => MaybePromise<void> };
  readonly nodes: {
    readonly ReadRequest: (conn: Conn, request: HttpRequest) => MaybePromise<readonly [conn: Conn, request: R]>;
    readonly ReportStats: (conn: Conn, request: R) => MaybePromise<readonly [conn: Conn, request: R, answer: Answer]>;
    readonly CheckCache: (conn: Conn, request: R) => MaybePromise<readonly [conn: Conn, request: R, answer: Answer]>;
    readonly AwaitOwner: (conn: Conn, request: R, answer: Answer) => MaybePromise<readonly [conn: Conn, request: R, answer: Answer]>;
    readonly TakeResult: (conn: Conn, request: R, answer: Answer) => MaybePromise<readonly [conn: Conn, request: R, answer: Answer]>;
    readonly ReadImage: (conn: Conn, request: R, answer: Answer) => MaybePromise<readonly [conn: Conn, request: R, answer: Answer, source: SourceImage]>;
    readonly Scale: (conn: Conn, request: R, answer: Answer, source: SourceImage) => MaybePromise<readonly [conn: Conn, request: R, answer: Answer]>;
    readonly StoreInCache: (conn: Conn, request: R, answer: Answer) => MaybePromise<readonly [conn: Conn, request: R, answer: Answer]>;
    readonly Write: (conn: Conn, request: R, answer: Answer) => MaybePromise<readonly [conn: Conn, request: R]>;
    readonly Complete: (conn: Conn, request: R) => MaybePromise<readonly []>;
  };
  readonly predicates: {
    readonly IsStatsRequest: (value: R) => MaybePromise<boolean>;
    readonly IsReady: (value: Answer) => MaybePromise<boolean>;
    readonly IsComputedElsewhere: (value: Answer) => MaybePromise<boolean>;
  };
  readonly handlers: {
    readonly ReplyError: (error: unknown, ...inputs: any[]) => MaybePromise<void>;
    readonly DropConnection: (error: unknown, ...inputs: any[]) => MaybePromise<void>;
  };
}
