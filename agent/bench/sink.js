// A do-nothing OTLP/HTTP sink (reads the body, answers 200) in its own process: the transport ceiling of
// node:http and of the load generator on this machine, a reference for the agent's end-to-end ingest rate.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Starts the sink process; resolves with its URL and a stop function. */
export function startSink() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sink exited with code ${code}`)));
    child.stdout.once('data', (chunk) => {
      const stop = () => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM')));
      resolve({ url: `http://127.0.0.1:${Number(String(chunk).trim())}`, stop });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.once('end', () => res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': 0 }).end());
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.once('SIGTERM', () => process.exit(0));
}
