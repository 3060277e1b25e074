import { stepLabel, type Category, type FindingKind, type Recommendation } from '../model/finding.js';
import type { TraceInsights } from './trace-insights.js';
import { categorise, RATE_LIMITED } from './failures/categorise.js';
import { hostOf as hostIn } from './host-keys.js';

/** What a recommendation can be made concrete with. */
export interface RecommendationInput {
  kind: FindingKind;
  category: Category;
  workflow: string;
  workflows?: string[];
  step?: string;
  /** The steps enclosing `step` where it failed or slowed alone (a matrix's job). */
  stepPath?: string[];
  /** The root cause's attributes (host.name, service.version, tenant, downstream…). */
  attributes: Record<string, string>;
  pattern?: string;
  /** The newest error messages as they were: a pattern masks the numbers ("exit code 137" of an OOM kill). */
  errorLines?: readonly string[];
  /** The step `workflow` itself fails in (`step` is unset when the finding's workflows fail in different steps). */
  workflowStep?: string;
  /** An attribute value first seen when the problem began (a release, a revision). */
  changedAtOnset?: { key: string; value: string };
  /** Where the work waits for a worker (a pool, a task queue, runner labels). */
  queue?: { key: string; value: string };
  /** Workflows that began to fill that pool when the wait rose. */
  fillers?: string[];
  /** The finding is about retries that pass (the runs do not fail). */
  retries?: boolean;
  /** `flowlens_step_retries_total` counts the step's retries: numbered tries of a step at the top of its runs. */
  retriesInMetrics?: boolean;
  insights?: TraceInsights;
}

interface Entry {
  applies(c: RecommendationInput): boolean;
  build(c: RecommendationInput): Recommendation;
}

const code = (s: string) => `\`${s}\``;
const stepText = (c: RecommendationInput) => (c.step ? `step ${code(stepLabel(c)!)}` : `the failing step`);
const hostOf = (c: RecommendationInput) => hostIn(c.attributes);
/**
 * The step's retries as a Prometheus series selector (label values quoted as JSON strings are valid PromQL strings).
 * Past the metrics' label caps a workflow or step is exported as `other`, which the analysis cannot tell.
 */
const retriesSeries = (c: RecommendationInput) =>
  `flowlens_step_retries_total{workflow=${JSON.stringify(c.workflow)}${c.step ? `, step=${JSON.stringify(c.step)}` : ''}}`;
const downstreamOf = (c: RecommendationInput) => c.attributes['downstream.error'] ?? c.attributes['downstream.failing'] ?? c.attributes['downstream'];
const matches = (re: RegExp) => (c: RecommendationInput) => re.test(c.pattern ?? '');
/** Errors that say memory ran out; a host or a resource category alone does not. */
const MEMORY = /\boom(killed)?\b|out ?of ?memory|memory limit|heap space|cannot allocate memory|bad_alloc|memoryerror|exit(ed with)? code 137\b/i;
/** Whether the finding's pattern or one of its error lines matches (a pattern, or a test of the text). */
const says = (c: RecommendationInput, test: RegExp | ((text: string) => boolean)) =>
  [c.pattern, ...(c.errorLines ?? [])].some((text) => text !== undefined && (test instanceof RegExp ? test.test(text) : test(text)));
const saysMemory = (c: RecommendationInput) => says(c, MEMORY);
/** A `logic` finding whose error says what is wrong in the code, not one that is `logic` for want of a keyword. */
const saysBug = (c: RecommendationInput) => says(c, (text) => categorise(text) === 'logic');
/** Errors that name what the step's code or image lacks: a module, a command, a file, its syntax. */
const NAMES_MISSING = /cannot find module|no module named|modulenotfounderror|importerror|command not found|is not recognized as|no such file or directory|syntaxerror|undefined reference/i;
/** A `logic` finding whose error says what to fix in the code; other `logic` findings are so for want of a keyword. */
const saysWhatToFix = (c: RecommendationInput) => saysBug(c) || says(c, NAMES_MISSING);
// A pool short of workers is a resource too, but not what these advise on; nor what a retry gets past.
const failsForResource = (c: RecommendationInput) => c.category === 'resource' && c.kind !== 'queue' && !c.retries;

/** The knowledge base, most specific first. Every entry names what the finding names. */
const knowledge: Entry[] = [
  {
    applies: (c) => c.changedAtOnset !== undefined,
    build: (c) => {
      const { key, value } = c.changedAtOnset!;
      return {
        title: `Roll back or pin ${key} ${value}`,
        steps: [
          `The problem began when ${key} ${code(value)} first appeared; redeploy the previous ${key} (or pin it) to confirm.`,
          `Diff ${code(value)} against the previous release around ${stepText(c)}${c.pattern ? ` and the code raising "${c.pattern}"` : ''}.`,
          `Add a test reproducing the failure before releasing the fix.`,
        ],
      };
    },
  },
  {
    applies: (c) => c.retries === true,
    build: (c) => {
      const host = hostOf(c);
      const [key, value] = Object.entries(c.attributes)[0] ?? [];
      const where = host ? `on ${code(host)}` : key ? `with ${key} ${code(value!)}` : '';
      return {
        title: host ? `Take ${code(host)} out of rotation and find why ${stepText(c)} needs retries there` : `Find why ${stepText(c)} needs retries ${where}`,
        steps: [
          `Compare a run in which ${stepText(c)} passed only on a retry ${where} with one in which it passed at the first try without it (\`GET /api/v1/runs/{id}/compare?with=<run>\`): the first try's error and timing say what differs.`,
          host
            ? `Check ${code(host)}'s disk, memory, network and clock, and what else runs there; drain it, or take it out of the pool of runners or workers, while it stays the common factor.`
            : `Check what ${where} changes for the step: its input, the endpoint it calls, the release it runs.`,
          c.retriesInMetrics
            ? `The retries hide the fault until it fails runs: follow ${code(retriesSeries(c))}, and alert when it rises.`
            : `The retries hide the fault until it fails runs: keep this finding open while they go on, as it counts them (\`passedOnRetry\`); \`flowlens_step_retries_total\` counts only the tries a runner numbers, of steps at the top of their runs, and not these.`,
        ],
      };
    },
  },
  {
    applies: (c) => c.kind === 'flaky',
    build: (c) => ({
      title: `Quarantine and fix flaky ${stepText(c)}`,
      steps: [
        `Compare a failing run of ${stepText(c)} with the passing run of the same code after it (the finding's changes, or \`GET /api/v1/runs/{id}/compare?with=<run>\`): the code is the same, so look at timing, ordering, shared state and the environment.`,
        `Look for what makes it order- or time-dependent: fixed sleeps and short timeouts, unordered results, fixtures, ports, files or records shared with other steps or runs.`,
        `Until it is fixed, quarantine it (non-blocking, or a bounded retry that reports every retry) so it neither blocks releases nor teaches people to re-run and ignore failures.`,
      ],
    }),
  },
  {
    applies: (c) => c.kind === 'queue',
    build: (c) => {
      const where = c.queue ? `${c.queue.key} ${code(c.queue.value)}` : code(c.workflow);
      const several = c.workflows && c.workflows.length > 1;
      return {
        title: `Give ${where} the workers it needs, or find what took them`,
        steps: [
          `The work waits longer to start, not longer to run: check that the workers serving ${where} are up and taking work (a worker that died, lost its connection or polls another queue leaves work waiting).`,
          c.fillers?.length
            ? `${c.fillers.map(code).join(', ')} began to fill it when the wait rose: give ${c.fillers.length > 1 ? 'them a pool' : 'it a pool'} of ${c.fillers.length > 1 ? 'their' : 'its'} own, a lower priority, a concurrency cap or an off-peak schedule, if ${c.fillers.length > 1 ? 'they are' : 'it is'} not urgent.`
            : `Compare the demand on it since the onset with before${several ? ': several workflows wait on it at once' : ''}: a backfill, a new schedule or a burst of triggers can take every slot.`,
          `Raise its capacity (more workers or runners, more pool slots, higher concurrency limits: Airflow pool slots and \`parallelism\`, Temporal worker count and \`maxConcurrentActivityTaskExecutionSize\`, a runner scale set's maximum), or spread the schedules that collide.`,
          `Alert on the wait itself (\`flowlens_step_queue_seconds\`) so the next shortage is seen before runs are late.`,
        ],
      };
    },
  },
  {
    applies: (c) => c.category === 'permissions',
    build: (c) => ({
      title: `Rotate or re-scope the credentials used by ${stepText(c)}`,
      steps: [
        `Check whether the token, key or service account used by ${stepText(c)} in ${code(c.workflow)} expired or was revoked.`,
        `Rotate the credential in the secret store and re-run one run to confirm.`,
        `Verify the identity still has the scopes/roles the call needs; set an expiry alert on the new credential.`,
      ],
    }),
  },
  {
    applies: (c) => downstreamOf(c) !== undefined && ['timeout', 'connectivity', 'external_service'].includes(c.category),
    build: (c) => {
      const target = code(downstreamOf(c)!);
      return {
        title: `Protect ${c.workflows && c.workflows.length > 1 ? c.workflows.map(code).join(', ') : code(c.workflow)} from ${target}`,
        steps: [
          `Check ${target}'s health, latency and recent changes: ${c.workflows && c.workflows.length > 1 ? 'several workflows fail through it at once, so the cause is most likely there' : 'the failures concentrate on calls to it'}.`,
          `Set an explicit timeout on calls to ${target} below the step's own deadline, and retry idempotent calls with exponential backoff and jitter.`,
          `Add a circuit breaker so runs fail fast (or degrade) while ${target} is unhealthy.`,
        ],
      };
    },
  },
  {
    applies: (c) => c.category === 'timeout' && c.kind === 'stalled',
    build: (c) => {
      const host = hostOf(c);
      return {
        title: `Find out whether the hung run of ${code(c.workflow)} is still alive`,
        steps: [
          `Open the run in its runner: if its worker${host ? ` (${code(host)})` : ''} died or lost its connection, cancel the run and start it again.`,
          `If it is waiting${c.step ? ` after ${stepText(c)}` : ''}, find on what: an approval, a lock, a full queue or a downstream call that never answers.`,
          `Give ${code(c.workflow)} a run timeout a little above its usual duration, so that the next hung run fails and alerts instead of holding its slot.`,
        ],
      };
    },
  },
  {
    applies: (c) => c.category === 'timeout' && c.kind !== 'stalled',
    build: (c) => ({
      title: `Find what ${stepText(c)} waits on before raising its timeout`,
      steps: [
        `Look at the slowest span inside ${stepText(c)} in the example runs: a lock, a queue or a downstream call.`,
        `Only raise the deadline if the work legitimately grew; otherwise fix the waiting side, and retry with backoff.`,
      ],
    }),
  },
  {
    applies: (c) => c.category === 'connectivity',
    build: (c) => ({
      title: `Check the network path from ${hostOf(c) ? code(hostOf(c)!) : 'the runners'} used by ${stepText(c)}`,
      steps: [
        `Verify DNS, firewall rules and the target's listener for the address in the error.`,
        `Retry connection errors with exponential backoff; they are often transient.`,
      ],
    }),
  },
  {
    applies: (c) => failsForResource(c) && saysMemory(c),
    build: (c) => {
      const host = hostOf(c);
      return {
        title: host ? `Drain ${code(host)} and give ${stepText(c)} more memory` : `Give ${stepText(c)} more memory or smaller batches`,
        steps: [
          ...(host ? [`Cordon/drain ${code(host)}: the kills concentrate there; check its memory pressure, co-located jobs and disk.`] : []),
          `Raise the memory limit of ${stepText(c)} or process smaller batches; compare peak memory of failing and passing runs.`,
          `Alert on OOM kills (exit code 137) so the next one is seen before the workflow fails.`,
        ],
      };
    },
  },
  {
    applies: (c) => failsForResource(c) && !saysMemory(c) && hostOf(c) !== undefined,
    build: (c) => {
      const host = code(hostOf(c)!);
      return {
        title: `Find what sets ${host} apart from the other hosts, and drain it meanwhile`,
        steps: [
          `The failures of ${stepText(c)} concentrate on ${host}: compare it with the hosts where the step passes (disk space, network, clock, installed tools and images, what else runs there).`,
          `Drain ${host}, or take it out of the pool of runners or workers, while you investigate; re-run a failed run elsewhere to confirm it passes there.`,
        ],
      };
    },
  },
  {
    applies: (c) => failsForResource(c) && !saysMemory(c) && hostOf(c) === undefined,
    build: (c) => ({
      title: `Find which resource ${stepText(c)} runs out of`,
      steps: [
        `The error${c.pattern ? ` "${c.pattern}"` : ''} names what ran out (disk space, file handles, a quota): check its use in the failing runs, then free it or raise the limit.`,
      ],
    }),
  },
  {
    applies: (c) => c.category === 'data',
    build: (c) => {
      const tenant = c.attributes['tenant'] ?? c.attributes['tenant.id'];
      return {
        title: tenant ? `Fix the input data of tenant ${code(tenant)} at its source` : `Fix the invalid input at its source`,
        steps: [
          `Take the rejected records from the example runs${c.pattern ? ` ("${c.pattern}")` : ''} and trace them back to their producer${tenant ? ` for tenant ${code(tenant)}` : ''}.`,
          `Validate input at the boundary and quarantine bad records instead of failing the whole run.`,
          ...(tenant ? [`Tell tenant ${code(tenant)} which fields are rejected; other tenants are unaffected.`] : []),
        ],
      };
    },
  },
  {
    applies: (c) => c.category === 'logic' && saysWhatToFix(c),
    build: (c) => ({
      title: `Fix the code path in ${stepText(c)}`,
      steps: [
        `Reproduce with the input of one example run; the error${c.pattern ? ` "${c.pattern}"` : ''} is raised in ${stepText(c)}.`,
        saysBug(c)
          ? `Guard the missing value or type, and add a regression test with that input.`
          : `Fix what the error names (a module, a file, a command, a dependency), and add a test that runs ${stepText(c)} as the runner does.`,
      ],
    }),
  },
  {
    // `logic` by default: the error names no cause ("Process completed with exit code 1", "Agent went offline").
    applies: (c) => c.category === 'logic' && !saysWhatToFix(c),
    build: (c) => ({
      title: `Find the error behind ${c.pattern ? `"${c.pattern}"` : 'the failure'} in the output of ${stepText(c)}`,
      steps: [
        `The error names no cause FlowLens knows: read the output of ${stepText(c)} in an example run, from the end back to the first error.`,
        `Have ${stepText(c)} report that error (as the span's status message or an exception event), so its failures are grouped, categorised and advised on by cause.`,
      ],
    }),
  },
  {
    applies: (c) => c.category === 'configuration' && c.kind === 'stalled',
    build: (c) => ({
      title: `Check the scheduler that triggers ${code(c.workflow)}`,
      steps: [
        `Confirm the schedule/trigger of ${code(c.workflow)} is still enabled and was not changed or paused.`,
        `Check the scheduler's health and logs (cron, Airflow scheduler, Temporal schedule, CI triggers) and whether runs are queued but never start.`,
        `Check that runners are available and that the telemetry from them still reaches FlowLens.`,
      ],
    }),
  },
  {
    applies: (c) => c.category === 'configuration' && c.kind !== 'stalled',
    build: (c) => ({
      title: `Restore the missing configuration of ${stepText(c)}`,
      steps: [`Compare the environment and config of failing and passing runs of ${code(c.workflow)}; set the missing value.`],
    }),
  },
  {
    applies: (c) => c.category === 'external_service' && says(c, RATE_LIMITED),
    build: (c) => {
      const downstream = downstreamOf(c);
      return {
        title: `Stay under the rate limit of ${downstream ? code(downstream) : 'the service'} that ${stepText(c)} calls`,
        steps: [
          `The service answers that it gets too many requests: it is up, and refuses the load. Honour its Retry-After, and retry with exponential backoff and jitter.`,
          `Send fewer requests at once: lower the concurrency of ${stepText(c)} (parallel runs, fan-out, batch size), and check which other workflows call it at the same time, as they share the quota.`,
          `If the load is legitimate, ask for a higher quota.`,
        ],
      };
    },
  },
  {
    applies: (c) => c.category === 'external_service' && !says(c, RATE_LIMITED),
    build: (c) => ({
      title: `Handle the failing downstream service in ${stepText(c)}`,
      steps: [
        `Check the downstream service's status page or dashboards for errors in the same period.`,
        `Retry 5xx answers with backoff and add a circuit breaker.`,
      ],
    }),
  },
  {
    applies: (c) => c.category === 'performance',
    build: (c) => ({
      title: c.step ? `Investigate why ${stepText(c)} got slower` : `Investigate why ${code(c.workflow)} got slower`,
      steps: [
        `Compare the inputs (data size, cache hits, dependencies) of a slow and a fast run of ${c.step ? stepText(c) : code(c.workflow)}.`,
        `Look inside the slow runs' traces for the span that grew; cache what does not change between runs.`,
      ],
    }),
  },
  {
    applies: matches(/retr(y|ies)|attempt/i),
    build: (c) => ({
      title: `Stop retrying what cannot succeed in ${stepText(c)}`,
      steps: [`Retry only transient errors; fail fast on permanent ones so the real error surfaces sooner.`],
    }),
  },
];

/** Recommendations from what the traces show, for the findings they help with. */
function fromInsights(c: RecommendationInput): Recommendation[] {
  const i = c.insights;
  if (!i) return [];
  const out: Recommendation[] = [];
  // Only the retries of the step the finding is about: another step's say nothing of this problem.
  const futile = i.futileRetries.find((r) => r.step === (c.step ?? c.workflowStep));
  if (futile) {
    out.push({
      title: `Retries of ${code(futile.step)} almost never succeed`,
      steps: [`${futile.retriedRuns} recent runs retried ${code(futile.step)} and only ${futile.rescued} recovered: stop retrying this error (or back off much longer), fix the cause instead.`],
    });
  }
  // Slowness only: a step failing on its timeout is long because it waits for its deadline, and making it shorter
  // mends nothing; what it waits on is that finding's advice.
  if (c.category === 'performance') {
    // The finding's own step when it is on the critical path: another step's share says nothing of this problem.
    const step = c.step ?? c.workflowStep;
    const dominant = step === undefined ? i.dominantSteps[0] : i.dominantSteps.find((d) => d.step === step);
    if (dominant) {
      out.push({
        title: `Shorten the critical path: ${code(dominant.step)} takes ${Math.round(dominant.share * 100)} % of a run`,
        steps: [`Work on ${code(dominant.step)} first: speeding up other steps barely changes the run's duration.`],
      });
    }
    const serial = i.serialSiblings.filter((p) => !c.step || p.first === c.step || p.second === c.step).slice(0, 3);
    if (serial.length > 0) {
      out.push({
        title: `Run independent steps in parallel`,
        steps: serial.map((p) => `${code(p.second)} always starts after ${code(p.first)} ends, and no dependency between them is recorded: if ${code(p.second)} does not need ${code(p.first)}'s output, run them side by side.`),
      });
    }
  }
  return out;
}

/** At least one recommendation, concrete to the finding; the knowledge base first, then what the traces show. */
export function recommend(c: RecommendationInput): Recommendation[] {
  const out = knowledge.filter((e) => e.applies(c)).slice(0, 3).map((e) => e.build(c));
  out.push(...fromInsights(c));
  if (out.length === 0) {
    out.push({
      title: `Compare failing and passing runs of ${code(c.workflow)}`,
      steps: [`Open the example runs and compare their steps, attributes and logs with a recent successful run.`],
    });
  }
  return out;
}
