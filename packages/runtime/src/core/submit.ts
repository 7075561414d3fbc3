/**
 * Starting one flow of a source, shared by every place that runs sources (start.ts on the main thread, a
 * `workers` worker for its copies): the session key, refusal while stopping, a dispatch that never throws
 * into the source, and the two ways a source hears of the outcome (`emit`'s promise, `emitThen`'s callback).
 */

import type { FlowOutcome, SessionKey, SourceContext } from '../api.ts';
import { codes, FluxFlowError, messageOf, type FluxError } from '../errors.ts';
import type { PlanSource } from '../plan/plan.ts';

/** Starts one flow: its outcome, or a promise of it when the flow waits for something. */
export type Submit = (outputs: readonly unknown[]) => FlowOutcome | Promise<FlowOutcome>;

export interface SubmitContext {
  /** True once new flows are refused. */
  readonly refusing: () => boolean;
  readonly dispatch: (source: number, outputs: readonly unknown[], session: SessionKey | undefined) => FlowOutcome | Promise<FlowOutcome>;
  readonly reportError: (error: FluxError) => void;
  /** Sees every flow that did not end at once (in-flight counting); returns the promise the source gets. */
  readonly pending?: (outcome: Promise<FlowOutcome>) => Promise<FlowOutcome>;
}

export function submitter(source: PlanSource, context: SubmitContext): Submit {
  const refused = (code: string, message: string): FlowOutcome => ({ status: 'error', node: source.target.name, code, message });
  const { refusing, dispatch, reportError, pending } = context;
  return (outputs) => {
    if (refusing()) return refused(codes.STOPPED, 'the server is stopping');
    let session: SessionKey | undefined;
    if (source.sessionFn !== null) {
      try {
        session = source.sessionFn(...outputs);
        if (typeof session !== 'string' && typeof session !== 'number') throw new TypeError(`returned ${typeof session}`);
      } catch (error) {
        const message = `session function of source ${source.name} failed: ${messageOf(error)}`;
        reportError(new FluxFlowError(codes.SESSION_FAILED, message, source.name, source.name, error));
        return refused(codes.SESSION_FAILED, message);
      }
    }
    let result: FlowOutcome | Promise<FlowOutcome>;
    try {
      result = dispatch(source.index, outputs, session);
    } catch (error) {
      // Only a runtime bug gets here: node code failures become outcomes inside dispatch.
      reportError(new FluxFlowError(codes.NODE_FAILED, `dispatch failed: ${messageOf(error)}`, source.target.name, source.name, error));
      return refused(codes.NODE_FAILED, messageOf(error));
    }
    if (!(result instanceof Promise) || pending === undefined) return result;
    return pending(result);
  };
}

/** `emit` and `emitThen` of a SourceContext over a Submit. */
export function emitters(submit: Submit): Pick<SourceContext, 'emit' | 'emitThen'> {
  return {
    emit: (...outputs) => Promise.resolve(submit(outputs)),
    emitThen(done, ...outputs) {
      const result = submit(outputs);
      if (result instanceof Promise) result.then(done);
      else done(result);
    },
  };
}
