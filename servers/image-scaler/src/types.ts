/** The values that travel between the nodes of image-scaler.flux (all structured-clone safe). */

import type { Conn } from '@flux/runtime/api.ts';
import type { Claim } from './cache/inflight-table.ts';
import type { HttpRequest } from './http/request.ts';
import type { ImageQuery } from './request/query.ts';

export type { Conn } from '@flux/runtime/api.ts';
export type { HttpRequest } from './http/request.ts';
export type { ImageQuery } from './request/query.ts';
export type { Claim } from './cache/inflight-table.ts';

/** A request after ReadRequest: which resource, and for images the validated query. */
export interface ScaleRequest {
  readonly http: HttpRequest;
  readonly route: 'image' | 'stats';
  /** Set when `route` is 'image'. */
  readonly query: ImageQuery | null;
}

/** A scaled image as it is answered (and cached). */
export interface CachedImage {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly etag: string;
}

/** Where the answer to a request stands as it moves through the flow. */
export type Answer =
  /** Ready to write: found in the cache, or computed and stored. */
  | { readonly kind: 'image'; readonly image: CachedImage }
  /** Ready to write: a JSON document (GET /stats). */
  | { readonly kind: 'json'; readonly value: unknown }
  /** Not cached; this flow computes it (as the in-flight owner, or uncoordinated). */
  | { readonly kind: 'compute'; readonly claim: Claim }
  /** Not cached; another flow is computing it right now. */
  | { readonly kind: 'wait'; readonly claim: Claim }
  /** Computed by this flow, not yet stored. */
  | { readonly kind: 'scaled'; readonly claim: Claim; readonly image: CachedImage; readonly source: SourceStamp };

/** What identifies the version of a source file a result was made from. */
export interface SourceStamp {
  readonly mtimeMs: number;
  readonly size: number;
}

/** A source image's bytes as read from the image directory. */
export interface SourceImage extends SourceStamp {
  readonly bytes: Uint8Array;
}
