import { stepLabel, type Finding } from '../model/finding.js';

const SEVERITY_MARK = { critical: '!!', high: '! ', medium: '* ', low: '- ', info: '  ' } as const;

/**
 * What `flowlens demo` prints after each analysis pass: the findings opened since it last printed, those whose
 * severity or workflows changed (a problem worsening, easing or spreading to another workflow), and those
 * resolved; a screen that only ever added findings would end out of date. A title whose figures moved on ("has
 * not run for 12.9 h") is not news.
 */
export class FindingFeed {
  /** The severity and workflows last printed of each open finding, by id. */
  private readonly said = new Map<string, string>();

  /** `open`: the open findings now; `finding`: any finding by id, to tell why one is no longer open. */
  update(open: readonly Finding[], finding: (id: string) => Finding | undefined): string {
    const out: string[] = [];
    const now = new Set<string>();
    for (const f of open) {
      now.add(f.id);
      const said = `${f.severity}\n${(f.workflows ?? [f.workflow]).join('\n')}`;
      const before = this.said.get(f.id);
      if (before === said) continue;
      this.said.set(f.id, said);
      out.push(describe(f, before === undefined ? '' : 'now '));
    }
    for (const id of [...this.said.keys()]) {
      if (now.has(id)) continue;
      this.said.delete(id);
      const gone = finding(id);
      if (gone?.status === 'resolved') out.push(`✓  resolved: ${gone.title}\n${gone.evidence.resolution ? `     ${gone.evidence.resolution}\n` : ''}`);
    }
    return out.join('');
  }

  /** The open findings, worst first, a line each. */
  static summary(open: readonly Finding[]): string {
    if (open.length === 0) return 'No finding is open.\n';
    const lines = open.map((f) => `${SEVERITY_MARK[f.severity]} [${f.severity}/${f.category}] ${f.title}`);
    return `${open.length} ${open.length === 1 ? 'finding is' : 'findings are'} open:\n${lines.join('\n')}\n`;
  }
}

function describe(finding: Finding, prefix: string): string {
  const where = [finding.rootCause.step && `step ${stepLabel(finding.rootCause)}`, ...Object.entries(finding.rootCause.attributes).map(([k, v]) => `${k}=${v}`)]
    .filter(Boolean)
    .join(', ');
  const advice = finding.recommendations[0];
  return [
    `${SEVERITY_MARK[finding.severity]} ${prefix}[${finding.severity}/${finding.category}] ${finding.title}`,
    `     ${finding.summary}`,
    ...(where ? [`     where: ${where}`] : []),
    ...(advice ? [`     do: ${advice.title}`] : []),
    '',
  ].join('\n');
}
