/** Folded label value for everything past a cap. */
export const OVERFLOW = 'other';

/**
 * Bounds a label's distinct values: the first `max` seen keep their names, later ones fold into `other`.
 * Prometheus pays for every series, and workflow or step names come from senders.
 */
export class LabelCap {
  private readonly kept = new Set<string>();
  private readonly folded = new Set<string>();

  constructor(
    private readonly max: number,
    /** Told each value folded (the first ten times `max` of them); `first` for the first, to say it once. */
    private readonly onFold: (value: string, first: boolean) => void,
  ) {}

  value(raw: string): string {
    if (this.kept.has(raw)) return raw;
    if (this.kept.size < this.max) {
      this.kept.add(raw);
      return raw;
    }
    if (!this.folded.has(raw) && this.folded.size < this.max * 10) {
      this.folded.add(raw);
      this.onFold(raw, this.folded.size === 1);
    }
    return OVERFLOW;
  }
}
