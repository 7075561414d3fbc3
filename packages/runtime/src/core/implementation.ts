import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Implementation } from '../api.ts';
import { codes, FluxError } from '../errors.ts';

/** A module URL for `import()`: URLs as they are, file paths resolved against the working directory. */
export function implementationHref(implementation: string | URL): string {
  if (implementation instanceof URL) return implementation.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(implementation) && !/^[a-z]:[\\/]/i.test(implementation)) return implementation;
  return pathToFileURL(isAbsolute(implementation) ? implementation : resolve(implementation)).href;
}

/** Imports an implementation module and returns its default export. */
export async function loadImplementation(href: string): Promise<Implementation> {
  const mod = (await import(href)) as { default?: unknown };
  const impl = mod.default;
  if (impl === null || typeof impl !== 'object') {
    throw new FluxError(codes.BAD_IMPLEMENTATION, `${href} has no default export (the Implementation object)`);
  }
  const { nodes, sources } = impl as Partial<Implementation>;
  if (nodes === null || typeof nodes !== 'object' || sources === null || typeof sources !== 'object') {
    throw new FluxError(codes.BAD_IMPLEMENTATION, `the default export of ${href} must have \`nodes\` and \`sources\` objects`);
  }
  return impl as Implementation;
}
