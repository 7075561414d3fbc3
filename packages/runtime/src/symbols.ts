/** Module-private state keys: reachable by the runtime's own modules and tests, invisible to server code. */

/** FluxServer -> its RuntimeInstance. */
export const kInstance = Symbol('flux.instance');
/** FluxServer -> its RuntimeCore. */
export const kCore = Symbol('flux.core');
/** event RuntimeInstance -> its EventLockManager. */
export const kLocks = Symbol('flux.locks');
