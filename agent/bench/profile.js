// Summarises a V8 CPU profile (`node --cpu-prof`): self time per function, largest first, with the file and
// line, so the hot spots of the ingest path can be named.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The `top` functions by self time; `busyMs` excludes the idle time of the profiled process. */
export function summariseProfile(path, top = 25) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const name = functionName || '(anonymous)';
    if (name === '(idle)') continue;
    busyUs += us;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, selfMs: 0 };
    entry.selfMs += us / 1000;
    byFunction.set(key, entry);
  }
  const busyMs = busyUs / 1000;
  const all = [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs);
  const areas = new Map();
  for (const f of all) areas.set(areaOf(f), (areas.get(areaOf(f)) ?? 0) + f.selfMs);
  const share = (entries) => entries.map((e) => ({ ...e, share: e.selfMs / busyMs }));
  return {
    busyMs,
    functions: share(all.slice(0, top)),
    areas: share([...areas].map(([name, selfMs]) => ({ name, selfMs })).sort((a, b) => b.selfMs - a.selfMs)),
  };
}

/** The part of the program a function belongs to: an agent folder, a package, Node itself, or V8. */
function areaOf({ name, where }) {
  if (where.startsWith('agent/dist/')) return `agent/src/${where.split('/')[2].replace(/\.js:\d+$/, '.ts')}`;
  if (where.startsWith('node:')) return 'Node.js internals';
  if (!where) return name.startsWith('(') ? name : 'native code';
  return where.startsWith('@') ? where.split('/').slice(0, 2).join('/') : where.split('/')[0];
}

function shorten(url) {
  if (url.startsWith('node:')) return url;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return relative(REPO, path).replace(/^(\.\.\/)*node_modules\//, '');
}
