import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { TemplateMiner } from '../analyse/templates/index.js';

export interface PatternsIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const HELP = `Usage: flowlens patterns [FILE | -]

Groups log lines or error messages by template ("Connection timeout to <*> after <*>"). Reads one message per
line from FILE, or from standard input when FILE is "-" or missing, and prints JSON Lines: one object per input
line, in input order, {"line": N, "templateId": "...", "template": "..."}.

Templates are learnt online and become more general as more lines arrive, so every line is printed with its
final template: a FILE is read twice (learn, then classify); standard input is read once and its template ids
are kept until the end, so nothing is printed before the input ends.

Options:
  -h, --help   show this help
`;

/** `flowlens patterns`: exit code 0 on success, 1 when the input cannot be read, 2 on bad usage. */
export async function runPatterns(argv: string[], io: PatternsIo): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout.write(HELP);
    return 0;
  }
  const unknown = argv.find((a) => a.startsWith('-') && a !== '-');
  if (unknown || argv.length > 1) {
    io.stderr.write(`flowlens patterns: ${unknown ? `unknown option ${unknown}` : 'give at most one FILE'}\n${HELP}`);
    return 2;
  }
  const file = argv[0] ?? '-';
  const out = new LineWriter(io.stdout);
  try {
    if (file === '-') await fromStdin(io.stdin, out);
    else await fromFile(file, out);
    await out.flush();
    return 0;
  } catch (err) {
    io.stderr.write(`flowlens patterns: ${(err as Error).message}\n`);
    return 1;
  }
}

async function fromFile(file: string, out: LineWriter): Promise<void> {
  const miner = new TemplateMiner();
  for await (const line of lines(createReadStream(file))) miner.add(line);
  let n = 0;
  for await (const line of lines(createReadStream(file))) {
    // A line's cluster can only be missing if it was evicted since; learning it again gives its template.
    const found = miner.match(line) ?? miner.add(line);
    await out.write(++n, found.templateId, found.template);
  }
}

/** One pass: keep each line's template id, follow the merges reported on the way, print at the end. */
async function fromStdin(stdin: NodeJS.ReadableStream, out: LineWriter): Promise<void> {
  const miner = new TemplateMiner();
  const ids: string[] = [];
  const text = new Map<string, string>();
  const mergedInto = new Map<string, string>();
  for await (const line of lines(stdin)) {
    const m = miner.add(line);
    ids.push(m.templateId);
    text.set(m.templateId, m.template);
    for (const { from, to } of m.merged ?? []) mergedInto.set(from, to);
  }
  const final = (id: string): string => {
    let to = id;
    for (let next = mergedInto.get(to); next !== undefined; next = mergedInto.get(to)) to = next;
    return to;
  };
  for (const t of miner.templates()) text.set(t.templateId, t.template);
  for (let i = 0; i < ids.length; i++) {
    const id = final(ids[i]!);
    // Only a template merged and then evicted has no text left: the line keeps the one it was given.
    const known = text.has(id);
    await out.write(i + 1, known ? id : ids[i]!, text.get(known ? id : ids[i]!)!);
  }
}

function lines(input: NodeJS.ReadableStream): AsyncIterable<string> {
  return createInterface({ input, crlfDelay: Infinity });
}

/** Batches output lines and respects the stream's backpressure. */
class LineWriter {
  private buffer = '';

  constructor(private readonly stream: NodeJS.WritableStream) {}

  async write(line: number, templateId: string, template: string): Promise<void> {
    this.buffer += JSON.stringify({ line, templateId, template }) + '\n';
    if (this.buffer.length >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}
