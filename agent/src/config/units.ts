/** Parsers for the human units used in configuration and query strings. */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `300s`, `5m`, `1h30m`, `14d`, `500ms` → milliseconds; a bare number is seconds. Undefined when unparseable. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1_000;
  const parts = trimmed.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g);
  if (!parts || parts.join('') !== trimmed) return undefined;
  let total = 0;
  for (const part of parts) {
    const [, value, unit] = part.match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/)!;
    total += Number(value) * DURATION_UNITS[unit!]!;
  }
  return total;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `16MiB`, `20MB`, `1048576` → bytes. Undefined when unparseable. */
export function parseSizeBytes(text: string): number | undefined {
  const match = text.trim().toLowerCase().match(/^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?$/);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * SIZE_UNITS[match[2] ?? 'b']!);
}

/** `host:port` (IPv6 as `[::1]:port`) → parts. Undefined when malformed. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const match = text.trim().match(/^(\[[^\]]+\]|[^:]+):(\d{1,5})$/);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65_535) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}
