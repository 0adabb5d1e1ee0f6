// Kubernetes resource.Quantity as an exact rational (numerator/denominator BigInts), so that
// "1Gi" compares exactly with "1073741824" and "500m" with "0.5".

const binary: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const decimalExp: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const pattern = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}

export class Quantity {
  readonly num: bigint;
  readonly den: bigint;
  constructor(num: bigint, den: bigint, readonly text: string) {
    const g = gcd(num, den);
    this.num = num / g;
    this.den = den / g;
  }

  static parse(text: string): Quantity | undefined {
    const m = pattern.exec(text);
    if (!m) return undefined;
    const [, sign, digits, suffix = ''] = m as unknown as [string, string, string, string | undefined];
    const [whole, frac = ''] = digits!.split('.');
    let num = BigInt((whole || '0') + frac) * (sign === '-' ? -1n : 1n);
    let den = 10n ** BigInt(frac.length);
    if (suffix in binary) num *= binary[suffix]!;
    else {
      const exp = suffix in decimalExp ? decimalExp[suffix]! : Number(suffix.slice(1));
      if (Math.abs(exp) > 1000) return undefined;
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else den *= 10n ** BigInt(-exp);
    }
    return new Quantity(num, den, text);
  }

  compareTo(other: Quantity): number {
    const l = this.num * other.den;
    const r = other.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  add(other: Quantity): Quantity {
    return new Quantity(this.num * other.den + other.num * this.den, this.den * other.den, '');
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.num * other.den - other.num * this.den, this.den * other.den, '');
  }

  isInteger(): boolean {
    return this.den === 1n;
  }

  sign(): number {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  asApproximateFloat(): number {
    return Number(this.num) / Number(this.den);
  }

  toString(): string {
    if (this.text) return this.text;
    if (this.den === 1n) return String(this.num);
    for (const [suffix, exp] of [['m', 3], ['u', 6], ['n', 9]] as const) {
      const scaled = this.num * 10n ** BigInt(exp);
      if (scaled % this.den === 0n) return `${scaled / this.den}${suffix}`;
    }
    return String(this.asApproximateFloat());
  }
}
