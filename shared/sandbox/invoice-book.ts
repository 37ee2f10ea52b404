/**
 * A sandbox provider's invoices: generated on demand from their index (so 100,000 of them cost no
 * memory until read), with the few that were changed or deleted over HTTP kept as overrides.
 */
export class InvoiceBook<R> {
  readonly size: number;
  readonly #generate: (index: number) => R;
  readonly #idAt: (index: number) => string;
  readonly #changed = new Map<number, R>();
  readonly #removed = new Set<number>();
  #indexById: Map<string, number> | undefined;

  constructor(size: number, generate: (index: number) => R, idAt: (index: number) => string) {
    this.size = size;
    this.#generate = generate;
    this.#idAt = idAt;
  }

  /** How many records there are now (deleted ones no longer count). */
  get count(): number {
    return this.size - this.#removed.size;
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
    return index === undefined || this.#removed.has(index) ? undefined : this.at(index);
  }

  /** Records [from, to) of those still there, in order. */
  slice(from: number, to: number): R[] {
    const records: R[] = [];
    if (this.#removed.size === 0) {
      for (let index = Math.max(0, from); index < Math.min(this.size, to); index++)
        records.push(this.at(index));
      return records;
    }
    let position = 0;
    for (let index = 0; index < this.size && position < to; index++) {
      if (this.#removed.has(index)) continue;
      if (position >= from) records.push(this.at(index));
      position++;
    }
    return records;
  }

  /** Replaces a record with a changed copy; false when the id is unknown. */
  update(id: string, change: (record: R) => R): boolean {
    const index = this.indexOf(id);
    if (index === undefined || this.#removed.has(index)) return false;
    this.#changed.set(index, change(this.at(index)));
    return true;
  }

  /** Deletes a record, as a provider deletes an invoice; false when the id is unknown. */
  remove(id: string): boolean {
    const index = this.indexOf(id);
    if (index === undefined || this.#removed.has(index)) return false;
    this.#removed.add(index);
    return true;
  }
}
