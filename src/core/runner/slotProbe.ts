// Finds out whether a server serves fewer requests at once than we send (a CPU llama-server with one slot
// queues the rest, so every request's latency grows with the number in flight) and picks the concurrency that
// gets the same throughput with the least queueing. It halves the concurrency while that leaves throughput as it
// was (latency halves with it) and stops at the first halving that costs throughput; a server that serves
// everything in parallel costs one measurement at half concurrency.

/**
 * Completed requests measured at one level before it is judged. A level's latency is the fastest of them: queueing
 * delay is steady at a level, while a busy machine or a long answer only ever adds time.
 */
const SAMPLES_PER_LEVEL = 4;
/** A halving "keeps throughput" when latency drops at least this much (ideal 2 for a saturated server, 1 for an idle one). */
const QUEUEING_RATIO = 1.5;
/** Below this latency at the starting level the probe stops at once: nothing slow is queueing. */
const MIN_LATENCY_MS = 250;
/** Levels whose throughput is within this share of the best count as equal; the lowest of them wins. */
const THROUGHPUT_TOLERANCE = 0.85;

export interface SlotFinding {
  /** The concurrency chosen. */
  limit: number;
  /** What the probe measured: about how many requests the server serves at once, and the latencies behind it. */
  servedAtOnce: number;
  /** Latency (ms, from send; the fastest measured) at the level started from and at the level chosen. */
  latencyAtStartMs: number;
  latencyAtLimitMs: number;
  startLevel: number;
}

interface Level { level: number; samples: number[] }

export class SlotProbe {
  private readonly levels: Level[] = [];
  private done = false;

  /** `start`: the concurrency the endpoint begins with; below 2 there is nothing to find out. */
  constructor(start: number) {
    if (start < 2) this.done = true;
    else this.levels.push({ level: start, samples: [] });
  }

  /** The level being measured (the scheduler's limit while probing), or undefined once settled. */
  get level(): number | undefined { return this.done ? undefined : this.levels[this.levels.length - 1]!.level; }

  /** Stops probing without a finding (e.g. the server started rate limiting: 429s pace the endpoint instead). */
  abandon(): void { this.done = true; }

  /**
   * A request sent with `inFlightAtSend` requests in flight (itself included) took `latencyMs`. Only requests that
   * saw the level's full load count. Returns the next level to measure, or a finding once settled.
   */
  observe(latencyMs: number, inFlightAtSend: number): { next: number } | { settled: SlotFinding | undefined } | undefined {
    if (this.done) return undefined;
    const current = this.levels[this.levels.length - 1]!;
    if (inFlightAtSend !== current.level) return undefined;
    current.samples.push(latencyMs);
    if (current.samples.length < SAMPLES_PER_LEVEL) return undefined;
    const previous = this.levels[this.levels.length - 2];
    // Queueing that costs less than this is not worth a slower start (and a busy client adds that much itself).
    if (previous === undefined && fastest(current.samples) < MIN_LATENCY_MS) { this.done = true; return { settled: undefined }; }
    const keptThroughput = previous === undefined || fastest(previous.samples) >= QUEUEING_RATIO * fastest(current.samples);
    if (keptThroughput && current.level > 1) {
      const next = Math.max(1, Math.floor(current.level / 2));
      this.levels.push({ level: next, samples: [] });
      return { next };
    }
    this.done = true;
    return { settled: this.finding() };
  }

  /** The lowest level whose throughput (level ÷ latency) is near the best; undefined when that is the start. */
  private finding(): SlotFinding | undefined {
    const throughput = (l: Level) => l.level / fastest(l.samples);
    const best = Math.max(...this.levels.map(throughput));
    const chosen = [...this.levels].reverse().find((l) => throughput(l) >= THROUGHPUT_TOLERANCE * best)!;
    const start = this.levels[0]!;
    if (chosen === start) return undefined;
    // Throughput × the time one request takes unqueued (the least-loaded level's latency) = requests served at once.
    const serviceMs = Math.min(...this.levels.map((l) => fastest(l.samples)));
    return {
      limit: chosen.level, startLevel: start.level, servedAtOnce: Math.max(1, Math.round(best * serviceMs)),
      latencyAtStartMs: fastest(start.samples), latencyAtLimitMs: fastest(chosen.samples),
    };
  }
}

const fastest = (xs: readonly number[]): number => Math.min(...xs);
