/** A program text and the name it is reported under (usually its path). */
export interface Source {
  readonly body: string;
  readonly name: string;
  /** Offsets at which each line starts; computed once so locations are cheap. */
  readonly lineStarts: readonly number[];
}

export function createSource(body: string, name = 'program.flux'): Source {
  const lineStarts = [0];
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch === 10 /* \n */) lineStarts.push(i + 1);
    else if (ch === 13 /* \r */) {
      if (body.charCodeAt(i + 1) === 10) i++;
      lineStarts.push(i + 1);
    }
  }
  return { body, name, lineStarts };
}
