import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Diagnostics } from '../../src/diagnostics/messages.ts';
import { diagnose } from '../helpers/diagnose.ts';

/** One program per checker diagnostic code, with every diagnostic it must give (message and line:col). */
const CASES: Readonly<Record<string, { readonly program: string; readonly expected: readonly string[] }>> = {
  '2001': {
    program: `S () => (n: number);
A (n: number) => ();
A (n: string) => ();
source S => A;`,
    expected: ["3:1 error FLUX2001: node 'A' is declared more than once"],
  },
  '2002': {
    program: `S () => (n: number);
P (n: number) => ();
source S => P;
P = Missing;`,
    expected: ["4:5 error FLUX2002: unknown node 'Missing'"],
  },
  '2003': {
    program: `S () => (n: number);
P (n: number) => ();
A (n: number) => ();
source S => P;
P:[nope] = A;
P = A;`,
    expected: ["5:4 error FLUX2003: unknown predicate 'nope'"],
  },
  '2004': {
    program: `typedef hit IsHit;
typedef hit IsHit2;
S () => (n: number);
P (n: number) => (n: number);
source S => P;
P:[hit] = ;
P = ;`,
    expected: ["2:9 error FLUX2004: predicate 'hit' is defined more than once"],
  },
  '2005': {
    program: `import type { A } from "./a.ts";
import type { A } from "./b.ts";
S () => (n: A);
P (n: A) => ();
source S => P;`,
    expected: ["2:15 error FLUX2005: type 'A' is imported more than once"],
  },
  '2010': {
    program: `S () => (n: number);
A (n: number) => (s: string);
B (n: number) => ();
P = A -> B;
source S => P;`,
    expected: ["4:10 error FLUX2010: 'A' outputs (s: string) but the next node 'B' expects (n: number)"],
  },
  '2011': {
    program: `S () => (n: number);
P (n: number) => ();
A (s: string) => ();
source S => P;
P = A;`,
    expected: ["5:5 error FLUX2011: flow of 'P' starts with 'A', which expects (s: string), but 'P' takes (n: number)"],
  },
  '2012': {
    program: `S () => (n: number);
P (n: number) => ();
A (n: number) => (s: string);
source S => P;
P = A;`,
    expected: ["5:5 error FLUX2012: flow of 'P' ends with 'A', which outputs (s: string), but 'P' outputs ()"],
  },
  '2013': {
    program: `S () => (n: number);
P (n: number) => (s: string);
source S => P;
P = ;`,
    expected: ["4:1 error FLUX2013: empty flow of 'P' passes its inputs through, but its inputs (n: number) differ from its outputs (s: string)"],
  },
  '2014': {
    program: `typedef big IsBig;
S () => (n: number);
A (n: number) => ();
B (s: string) => ();
P:[big] = A;
P:[_] = B;
source S => P;`,
    expected: ["6:9 error FLUX2014: cases of 'P' disagree on its inputs: (s: string) here, (n: number) in an earlier case"],
  },
  '2015': {
    program: `typedef big IsBig;
S () => (n: number);
source S => P;
P:[big] = ;
P:[_] = ;`,
    expected: ["4:1 error FLUX2015: cannot infer the signature of 'P': every case is empty; declare it like a concrete node"],
  },
  '2016': {
    program: `typedef ok IsOk;
S () => (n: number, s: string);
P (n: number, s: string) => ();
A (n: number, s: string) => ();
source S => P;
P:[ok] = A;
P = A;`,
    expected: ["6:4 error FLUX2016: pattern of 'P' has 1 element(s) but 'P' takes 2 input(s)"],
  },
  '2017': {
    program: `typedef ok IsOk;
S () => (n: number, s: string);
P (n: number, s: string) => ();
A (n: number, s: string) => ();
source S => P;
P:[ok, _] = A;
P:[_, ok] = A;
P = A;`,
    expected: ["7:7 error FLUX2017: predicate 'ok' tests a value of type 'string' here but 'number' at another position"],
  },
  '2018': {
    program: `typedef big IsBig;
typedef long IsBig;
S () => (n: number, s: string);
P (n: number, s: string) => ();
A (n: number, s: string) => ();
source S => P;
P:[big, _] = A;
P:[_, long] = A;
P = A;`,
    expected: ["8:7 error FLUX2018: predicate function 'IsBig' tests a value of type 'string' here but 'number' through predicate 'big'"],
  },
  '2019': {
    program: `typedef big IsBig;
S () => ();
P () => ();
A () => ();
source S => P;
P:[big] = A;
P = A;`,
    expected: ["6:1 error FLUX2019: 'P' has dispatch cases but takes no inputs to test"],
  },
  '2020': {
    program: `S (x: number) => (n: number);
P (n: number) => ();
source S => P;`,
    expected: ["3:8 error FLUX2020: source node 'S' takes inputs (x: number); a source node takes none"],
  },
  '2021': {
    program: `S () => (n: number);
P (s: string) => ();
source S => P;`,
    expected: ["3:13 error FLUX2021: source 'S' outputs (n: number) but its target 'P' expects (s: string)"],
  },
  '2022': {
    program: `S () => (n: number);
P (n: number) => ();
source S => P;
source S => P;`,
    expected: ["4:8 error FLUX2022: 'S' is declared as a source more than once"],
  },
  '2023': {
    program: `S () => (n: number);
A (n: number) => (s: string);
B (s: string) => ();
P = A -> B;
source S => P;
handle error A => Oops;
handle error B => Oops;`,
    expected: ["7:19 error FLUX2023: handler 'Oops' handles 'A', which takes (n: number), and 'B', which takes (s: string); one handler needs one input type"],
  },
  '2024': {
    program: `S () => (n: number);
P (n: number) => ();
source S => P;
handle error P => One;
handle error P => Two;`,
    expected: ["5:14 error FLUX2024: node 'P' has more than one error handler"],
  },
  '2025': {
    program: `S () => (n: number);
A (n: number) => (n: number);
source S => P;
P = A -> Q;
Q = A -> P;`,
    expected: ["5:10 error FLUX2025: flows form a cycle: P -> Q -> P"],
  },
  '2026': {
    program: `S () => (n: number);
T () => (s: string);
P (n: number) => ();
R (s: string) => ();
source S {session: Key} => P;
source T {session: Key} => R;`,
    expected: ["6:20 error FLUX2026: session function 'Key' is used on 'S', which outputs (n: number), and on 'T', which outputs (s: string)"],
  },
  '3001': {
    program: `S () => (n: number);
D (n: number) => ();
F (n: number) => ();
source S => D;
D = F;
atomic D:{z};
atomic F:{y};`,
    expected: ["7:11 note FLUX3001: elevating lock 'y' to 'D' (needed by 'F' inside 'D' out of canonical order)"],
  },
  '3002': {
    program: `S () => (n: number);
D (n: number) => ();
F (n: number) => (n: number);
G (n: number) => ();
source S => D;
D = F -> G;
atomic D:{a};
atomic F:{c};
atomic G:{b};`,
    expected: ["9:11 note FLUX3002: elevating lock 'b' to 'F' (needed by 'G' after 'F' inside atomic 'D' out of canonical order)"],
  },
  '3003': {
    program: `S () => (n: number);
Outer (n: number) => ();
Inner (n: number) => ();
source S => Outer;
Outer = Inner;
atomic Outer:{cache?};
atomic Inner:{cache};`,
    expected: ["7:15 note FLUX3003: elevating lock 'cache' in 'Outer' from reader to writer (written by 'Inner' inside 'Outer')"],
  },
  '3004': {
    program: `S () => (n: number);
A (n: number) => (n: number);
B (n: number) => ();
P = A -> B;
source S {session: Key} => P;
atomic A:{state};
atomic B:{state(session)};`,
    expected: ["7:11 error FLUX3004: lock 'state' is used with both program and session scope"],
  },
  '3005': {
    program: `S () => (n: number);
P (n: number) => ();
source S => P;
atomic P:{a, b?, a?};`,
    expected: ["4:18 error FLUX3005: lock 'a' is listed more than once for 'P'"],
  },
  '3006': {
    program: `S () => (n: number);
P (n: number) => ();
source S => P;
atomic P:{user(session)};`,
    expected: ["4:11 error FLUX3006: 'P' takes session lock 'user' but source 'S', which reaches it, has no session function"],
  },
  '4001': {
    program: `S () => (n: number);
P (n: number) => ();
Lonely (n: number) => ();
source S => P;`,
    expected: ["3:1 warning FLUX4001: node 'Lonely' is never used: no source reaches it"],
  },
  '4002': {
    program: `typedef hit IsHit;
S () => (n: number);
P (n: number) => ();
source S => P;`,
    expected: ["1:9 warning FLUX4002: predicate 'hit' is never used in a pattern"],
  },
  '4003': {
    program: `S () => (n: number);
P (n: number) => ();
A (n: number) => ();
B (n: number) => ();
source S => P;
P = A;
P = B;`,
    expected: ["7:1 warning FLUX4003: this case of 'P' is never tried: an earlier case matches every input"],
  },
  '4004': {
    program: `P (n: number) => ();`,
    expected: ["1:1 warning FLUX4004: the program has no source, so nothing will ever run"],
  },
  '4005': {
    program: `import type { Used, Unused } from "./types.ts";
S () => (n: Used);
P (n: Used) => ();
source S => P;`,
    expected: ["1:21 warning FLUX4005: imported type 'Unused' is never used"],
  },
};

for (const [code, { program, expected }] of Object.entries(CASES)) {
  test(`FLUX${code}: ${expected.find((e) => e.includes(`FLUX${code}`))?.replace(/^.*?FLUX\d+: /, '') ?? ''}`, () => {
    assert.deepEqual(diagnose(program), expected);
  });
}

test('every checker diagnostic code (2xxx, 3xxx, 4xxx) has a case here', () => {
  const codes = Object.values(Diagnostics).map((d) => String(d.code)).filter((c) => c >= '2000');
  assert.deepEqual(Object.keys(CASES).sort(), codes.sort());
});
