import type { RunRecord } from '../model/workflow.js';
import type { RunQuery, Store } from '../store/store.js';

/** Runs read at a time when runs are filtered by what only their text holds (their attributes). */
const PAGE = 500;

/**
 * Up to `limit` runs of the query that pass `test`, newest first. What they are filtered by lives in the runs' text,
 * so runs are read a page at a time until `limit` match: the whole range is read only when fewer do.
 */
export function runsMatching(store: Store, query: RunQuery, test: (run: RunRecord) => boolean, limit: number): RunRecord[] {
  const found: RunRecord[] = [];
  const seen = new Set<string>();
  for (let toMs = query.toMs; ; ) {
    const page = store.runs({ ...query, toMs, limit: PAGE });
    for (const run of page) {
      if (seen.has(run.id)) continue;
      seen.add(run.id);
      if (test(run) && found.push(run) === limit) return found;
    }
    if (page.length < PAGE) return found;
    // The next page starts at the oldest start read, whose other runs it may hold; past it if the page was all one.
    const oldest = page[page.length - 1]!.startMs;
    toMs = oldest < toMs ? oldest : toMs - 1;
  }
}
