// A small seedable PRNG and exact samplers for the Monte Carlo estimators and the coverage simulation.
// Math.random() cannot be seeded, and results must be reproducible from `--seed`.

const TWO_POW_32 = 4294967296;

/** sfc32 generator (Chris Doty-Humphrey's Small Fast Counting RNG), seeded through splitmix32. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed = 1) {
    let s = seed >>> 0;
    // splitmix32 spreads any seed (including 0 and small integers) over the whole state.
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on the open interval (0, 1), so logs and divisions never see 0 or 1. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Standard normal draw (Marsaglia polar method; the second value is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Gamma(shape, 1) draw, exact (Marsaglia & Tsang 2000; shape < 1 via the u^(1/shape) boost). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    return this.gammaMarsagliaTsang(d, 1 / Math.sqrt(9 * d));
  }

  /** The Marsaglia-Tsang loop for shape >= 1 with its constants d = shape - 1/3 and c = 1/sqrt(9d) given. */
  private gammaMarsagliaTsang(d: number, c: number): number {
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) draw, exact, as X / (X + Y) with independent gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }

  /**
   * The same draw as beta(a, b) (the same numbers from the same state) with the gamma constants computed once:
   * many draws from one Beta posterior skip a square root per gamma and allocate nothing.
   */
  betaOf(p: BetaShape): number {
    if (p.a < 1 || p.b < 1) return this.beta(p.a, p.b);
    const x = this.gammaMarsagliaTsang(p.da, p.ca);
    return x / (x + this.gammaMarsagliaTsang(p.db, p.cb));
  }

  /** Binomial(n, p) draw, exact: CDF inversion for small means, Knuth's beta splitting otherwise. */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n * p < 20) {
      const q = 1 - p;
      const s = p / q;
      const a = (n + 1) * s;
      let r = Math.pow(q, n);
      let u = this.uniform();
      let x = 0;
      while (u > r && x < n) {
        u -= r;
        x++;
        r *= a / x - s;
      }
      return x;
    }
    // The a-th smallest of n uniforms is Beta(a, n + 1 - a); recurse into the side that contains p.
    const a = 1 + (n >> 1);
    const b = n + 1 - a;
    const x = this.beta(a, b);
    if (x >= p) return this.binomial(a - 1, p / x);
    return a + this.binomial(b - 1, (p - x) / (1 - x));
  }
}

/** A Beta(a, b) distribution with the Marsaglia-Tsang constants of both gammas, for Rng.betaOf. */
export interface BetaShape {
  a: number;
  b: number;
  da: number;
  ca: number;
  db: number;
  cb: number;
}

/** Prepares Beta(a, b) for repeated draws with Rng.betaOf. */
export function betaShape(a: number, b: number): BetaShape {
  const da = a - 1 / 3;
  const db = b - 1 / 3;
  return { a, b, da, ca: 1 / Math.sqrt(9 * da), db, cb: 1 / Math.sqrt(9 * db) };
}
