// Formats numbers back to Kubernetes' canonical quantity strings (resource.Quantity.String()).

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

const BINARY_SUFFIXES: [string, number][] = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
const DECIMAL_SUFFIXES: [string, number][] = [['E', 18], ['P', 15], ['T', 12], ['G', 9], ['M', 6], ['k', 3], ['', 0], ['m', -3], ['u', -6], ['n', -9]];

export function formatOf(text: string): QuantityFormat {
  if (/(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(text)) return 'BinarySI';
  if (/[eE][+-]?\d+$/.test(text)) return 'DecimalExponent';
  return 'DecimalSI';
}

export function formatQuantity(value: number, format: QuantityFormat): string {
  if (value === 0) return '0';
  if (format === 'BinarySI' && Number.isInteger(value)) {
    for (const [suffix, factor] of BINARY_SUFFIXES) {
      if (Math.abs(value) >= factor && value % factor === 0) return `${value / factor}${suffix}`;
    }
    if (Math.abs(value) < 1024) return String(value);
  }
  // Decimal: the largest power-of-1000 suffix that keeps the mantissa an integer (rounding up below nano).
  for (const [suffix, exp] of DECIMAL_SUFFIXES) {
    const mantissa = value / 10 ** exp;
    if (Math.abs(mantissa) >= 1 && isInt(mantissa)) return `${Math.round(mantissa)}${suffix}`;
  }
  return `${Math.ceil(value * 1e9)}n`;
}

function isInt(n: number): boolean {
  return Math.abs(n - Math.round(n)) < 1e-9 * Math.max(1, Math.abs(n));
}
