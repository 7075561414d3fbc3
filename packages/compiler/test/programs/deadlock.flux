// The 2006 compiler's deadlock test: three elevations, y to D, then x to F, then x to D.
A () => (n: number);
B () => (n: number);
C (n: number) => ();
D (n: number) => ();
E (n: number) => ();
F (n: number) => (n: number);
G (n: number) => ();

source A => C;
source B => D;
C = E;
D = F -> G;

atomic C:{x};
atomic E:{y, z};
atomic D:{z};
atomic F:{y};
atomic G:{x};
