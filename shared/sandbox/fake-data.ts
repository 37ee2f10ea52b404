/**
 * Deterministic fake data for the sandbox providers: the same seed and index always give the same
 * record, so a record can be generated on demand (no list of 100,000 invoices held in memory) and
 * tests can rely on what they will find.
 */

/** mulberry32: tiny, fast, good enough for fake data (not for anything secret). */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A generator for record `index` of a data set with this `seed`. */
  static for(seed: number, index: number): Random {
    return new Random(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)] as T;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  hex(length: number): string {
    let text = '';
    while (text.length < length)
      text += Math.floor(this.next() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return text.slice(0, length);
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
  }

  digits(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += String(this.int(0, 9));
    return text;
  }

  /** A money amount with two decimals, built from integer cents so no float rounding shows. */
  amount(minCents: number, maxCents: number): string {
    const cents = this.int(minCents, maxCents);
    return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  }

  /** Whole seconds between two instants, as a Date. */
  instant(from: Date, to: Date): Date {
    const seconds = this.int(0, Math.floor((to.getTime() - from.getTime()) / 1000));
    return new Date(from.getTime() + seconds * 1000);
  }
}

/** Cents arithmetic for generated totals, so the sandbox never prints 6.299999999999997. */
export function centsOf(amount: string): number {
  const [whole = '0', fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** Wall-clock fields of an instant in a fixed UTC offset (the sandbox's own "local time"). */
export function wallClock(instant: Date, offsetHours: number): string {
  return new Date(instant.getTime() + offsetHours * 3_600_000).toISOString().slice(0, 19);
}

export const VIETNAMESE = {
  family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng'],
  middle: ['Văn', 'Thị', 'Minh', 'Đức', 'Thu', 'Ngọc', 'Quang', 'Thanh'],
  given: ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Hùng', 'Lan', 'Linh', 'Mai', 'Nam', 'Phương', 'Tuấn'],
  companies: [
    'Công ty TNHH Thương mại Sài Gòn Xanh',
    'Công ty Cổ phần Thực phẩm Hà Nội',
    'Công ty TNHH Điện tử Đà Nẵng',
    'Công ty Cổ phần Vận tải Mekong',
  ],
  streets: ['Lê Lợi', 'Nguyễn Huệ', 'Trần Hưng Đạo', 'Hai Bà Trưng', 'Điện Biên Phủ'],
  cities: ['Quận 1, TP. Hồ Chí Minh', 'Quận Hoàn Kiếm, Hà Nội', 'Quận Hải Châu, Đà Nẵng', 'TP. Cần Thơ'],
  products: [
    'Cà phê rang xay 500g',
    'Gạo ST25 5kg',
    'Nước mắm Phú Quốc',
    'Dịch vụ vận chuyển',
    'Phí bảo trì phần mềm',
  ],
  units: ['gói', 'bao', 'chai', 'lần', 'tháng'],
};

export const BRAZILIAN = {
  companies: [
    'Verde Floresta Ltda',
    'Carbono Zero Comércio S.A.',
    'Amazônia Sustentável Ltda',
    'Cerrado Energia Limpa S.A.',
    'Mata Atlântica Créditos Ltda',
  ],
};

export const DUTCH = {
  services: [
    'Opslag per pallet',
    'Orderpicking',
    'Verzending NL',
    'Verzending EU',
    'Retourverwerking',
    'Verpakkingsmateriaal',
  ],
};
