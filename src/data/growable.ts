/** An append-only typed-array buffer that doubles its capacity as needed. */
export class Growable<T extends Float64Array | Float32Array | Int32Array> {
  private buf: T;
  length = 0;

  constructor(
    private readonly Ctor: new (n: number) => T,
    capacity = 1024,
  ) {
    this.buf = new Ctor(capacity);
  }

  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new this.Ctor(this.buf.length * 2);
      next.set(this.buf as unknown as ArrayLike<number>);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }

  get(i: number): number {
    return this.buf[i] as number;
  }

  /** A view of the filled part (no copy). */
  view(): T {
    return this.buf.subarray(0, this.length) as T;
  }
}
