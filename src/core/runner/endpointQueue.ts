// The waiting requests of one endpoint: a FIFO that takes retries back at the front, with O(1) pops and
// occasional compaction (a 100k-request run never shifts a large array per request).

export class EndpointQueue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number { return this.items.length - this.head; }

  peek(): T | undefined { return this.head < this.items.length ? this.items[this.head] : undefined; }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const t = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) { this.items.splice(0, this.head); this.head = 0; }
    return t;
  }

  push(t: T): void { this.items.push(t); }

  /** Puts a task back at the front (a retry goes before requests not yet tried). */
  unshift(t: T): void {
    if (this.head > 0) this.items[--this.head] = t; else this.items.unshift(t);
  }

  /** Empties the queue; returns how many were waiting. */
  clear(): number {
    const n = this.length;
    this.items = [];
    this.head = 0;
    return n;
  }
}
