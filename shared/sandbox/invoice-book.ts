/**
 * A sandbox provider's invoices: generated on demand from their index (so 100,000 of them cost no
 * memory until read), with the few that were changed over HTTP kept as overrides.
 */
export class InvoiceBook<R> {
  readonly size: number;
  readonly #generate: (index: number) => R;
  readonly #idAt: (index: number) => string;
  readonly #changed = new Map<number, R>();
  #indexById: Map<string, number> | undefined;

  constructor(size: number, generate: (index: number) => R, idAt: (index: number) => string) {
    this.size = size;
    this.#generate = generate;
    this.#idAt = idAt;
  }

  at(index: number): R {
    return this.#changed.get(index) ?? this.#generate(index);
  }

  idAt(index: number): string {
    return this.#idAt(index);
  }

  indexOf(id: string): number | undefined {
    if (this.#indexById === undefined) {
      this.#indexById = new Map();
      for (let index = 0; index < this.size; index++) this.#indexById.set(this.#idAt(index), index);
    }
    return this.#indexById.get(id);
  }

  find(id: string): R | undefined {
    const index = this.indexOf(id);
    return index === undefined ? undefined : this.at(index);
  }

  /** Records [from, to), clamped to the book. */
  slice(from: number, to: number): R[] {
    const records: R[] = [];
    for (let index = Math.max(0, from); index < Math.min(this.size, to); index++)
      records.push(this.at(index));
    return records;
  }

  /** Replaces a record with a changed copy; false when the id is unknown. */
  update(id: string, change: (record: R) => R): boolean {
    const index = this.indexOf(id);
    if (index === undefined) return false;
    this.#changed.set(index, change(this.at(index)));
    return true;
  }
}
