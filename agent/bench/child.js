// Runs another bench module's function in a process of its own, so its memory is measured apart from the load
// generator's: `node child.js <module path> <export name>`. Its printed progress goes to stderr; its rows come
// back as one JSON line on stdout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SAMPLE_MS = 25;

/**
 * Runs `exportName` of `modulePath` in a child process and returns its rows and, for every line it printed,
 * the peak resident memory (MB) of the child since the line before.
 */
export function runInChild(modulePath, exportName) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), modulePath, exportName], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let pending = '';
    let peakMb = 0;
    const lines = [];
    const sampler = setInterval(() => {
      try {
        const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peakMb = Math.max(peakMb, kb / 1024);
      } catch {
        // The child has just exited.
      }
    }, SAMPLE_MS);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      const parts = (pending + chunk).split('\n');
      pending = parts.pop();
      for (const line of parts) {
        lines.push({ line, peakMb });
        peakMb = 0;
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`${exportName} exited with code ${code}`));
      resolve({ rows: JSON.parse(stdout), lines });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [modulePath, exportName] = process.argv.slice(2);
  const write = process.stdout.write.bind(process.stdout);
  console.log = (...args) => console.error(...args);
  const rows = await (await import(pathToFileURL(modulePath).href))[exportName]();
  write(`${JSON.stringify(rows)}\n`);
}
