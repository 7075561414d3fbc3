// Program for the threads microbenchmarks: a trivial flow, and one that waits for a file read.
Drive () => (op: string, n: number, sess: number);
Loose () => (op: string, n: number, sess: number);

source Drive {session: SessionOf} => Run;
source Loose => Run;

typedef io IsIo;

Run (op: string, n: number, sess: number) => (n: number);
Run:[io, _, _] = IoWork;
Run:[_, _, _] = Echo;

IoWork (op: string, n: number, sess: number) => (n: number);
Echo (op: string, n: number, sess: number) => (n: number);
