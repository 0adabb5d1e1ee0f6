// IP addresses and CIDRs for the Kubernetes ip/cidr CEL libraries, as BigInts so IPv4 and IPv6
// share one code path.

export class IPAddress {
  constructor(readonly family: 4 | 6, readonly value: bigint, readonly text: string) {}

  static parse(text: string): IPAddress | undefined {
    if (text.includes('%')) return undefined; // zones are rejected by Kubernetes
    const v4 = parseV4(text);
    if (v4 !== undefined) return new IPAddress(4, v4, text);
    const v6 = parseV6(text);
    return v6 === undefined ? undefined : new IPAddress(6, v6, text);
  }

  get bits(): number {
    return this.family === 4 ? 32 : 128;
  }

  toString(): string {
    return this.family === 4 ? formatV4(this.value) : formatV6(this.value);
  }
}

export class CIDRBlock {
  constructor(readonly ip: IPAddress, readonly prefix: number, readonly text: string) {}

  static parse(text: string): CIDRBlock | undefined {
    const slash = text.indexOf('/');
    if (slash < 0) return undefined;
    const ip = IPAddress.parse(text.slice(0, slash));
    const prefixText = text.slice(slash + 1);
    if (!ip || !/^[0-9]{1,3}$/.test(prefixText)) return undefined;
    const prefix = Number(prefixText);
    return prefix > ip.bits ? undefined : new CIDRBlock(ip, prefix, text);
  }

  private mask(): bigint {
    const bits = BigInt(this.ip.bits);
    return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(this.prefix))) - 1n);
  }

  containsIP(ip: IPAddress): boolean {
    return ip.family === this.ip.family && (ip.value & this.mask()) === (this.ip.value & this.mask());
  }

  containsCIDR(other: CIDRBlock): boolean {
    return other.prefix >= this.prefix && this.containsIP(other.ip);
  }

  masked(): CIDRBlock {
    const ip = new IPAddress(this.ip.family, this.ip.value & this.mask(), '');
    return new CIDRBlock(ip, this.prefix, `${ip}/${this.prefix}`);
  }

  toString(): string {
    return this.text || `${this.ip}/${this.prefix}`;
  }
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let tail: bigint | undefined;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tail = parseV4(text.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    body = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups = halves.length === 2 ? [...head, ...Array(8 - head.length - rest.length).fill('0'), ...rest] : head;
  if (groups.length !== 8 || (halves.length === 2 && head.length + rest.length > 7)) return undefined;
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined) value = (value & ~0xffffffffn) | tail;
  return value;
}

function formatV4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
}

function formatV6(v: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
