// Parallel EVTX reading for scans with many files: a small pool of worker threads, one file per task.
// Records come back per chunk, already rendered to the evtx_dump JSON object (plain data, cheap to clone),
// so the caller can flatten them (flattenWindowsEvent) or print them. Results are yielded per file, in
// completion order; within a file, records keep their order.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Issue } from '../../core/index.js';

/** One task: a file to read. */
export interface PoolTask {
  id: number;
  path: string;
  slack: boolean;
  mode: 'json' | 'count';
}

/** One record as it comes back from a worker. */
export interface PoolRecord {
  id: number;
  chunk: number;
  offset: number;
  slack: boolean;
  /** The evtx_dump JSON object (`{ Event: {...} }`). */
  event: Record<string, unknown>;
}

/** Messages from a worker. */
export type WorkerMessage =
  | { t: 'records'; task: number; records: PoolRecord[] }
  | { t: 'done'; task: number; records: number; issues: Issue[]; error?: string };

/** Result for one file. */
export interface PoolFileResult {
  path: string;
  /** Rendered records (empty in `count` mode). */
  records: PoolRecord[];
  /** Number of records read. */
  count: number;
  issues: Issue[];
}

/** Options of parseEvtxFiles. */
export interface PoolOptions {
  /** Worker threads (default: available cores, at most the number of files). 0 = read in this thread. */
  workers?: number;
  /** Recover records from chunk slack (default true). */
  slack?: boolean;
  /** `json` (default) returns rendered records; `count` only counts them (benchmarks). */
  mode?: 'json' | 'count';
}

function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./pool-worker.js', self));
  // Running from TypeScript sources (tsx): register tsx's loader inside the worker, then load the worker module.
  // tsx's ESM API entry (require.resolve finds the CJS one beside it; vitest has no import.meta.resolve).
  const api = pathToFileURL(createRequire(self).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./pool-worker.ts', self).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

/**
 * Reads many EVTX files on a pool of worker threads and yields one result per file as each finishes.
 * Memory: each worker streams its file chunk by chunk; results of one file are held until it is done
 * (use `count` mode, or read files one by one with readEvtx, for huge single files).
 */
export async function* parseEvtxFiles(paths: string[], opts: PoolOptions = {}): AsyncGenerator<PoolFileResult> {
  const mode = opts.mode ?? 'json';
  const slack = opts.slack !== false;
  const n = Math.min(opts.workers ?? availableParallelism(), paths.length);
  if (n <= 0) {
    const { readEvtx, fileSource } = await import('./reader.js');
    const { renderJson } = await import('./render-json.js');
    const { IssueCollector } = await import('../../core/index.js');
    for (const path of paths) {
      const issues = new IssueCollector();
      const records: PoolRecord[] = [];
      let count = 0;
      for await (const batch of readEvtx(fileSource(path), issues, { slack })) {
        count += batch.length;
        if (mode === 'json') for (const r of batch) records.push({ id: r.id, chunk: r.chunk, offset: r.offset, slack: r.slack, event: renderJson(r.nodes) });
      }
      yield { path, records, count, issues: issues.all() };
    }
    return;
  }
  const workers = Array.from({ length: n }, startWorker);
  const pending = new Map<number, PoolFileResult>();
  const ready: PoolFileResult[] = [];
  let wake: (() => void) | null = null;
  let next = 0;
  let done = 0;
  const state: { failure: Error | null } = { failure: null };
  const assign = (w: Worker): void => {
    if (next >= paths.length) return;
    const id = next++;
    pending.set(id, { path: paths[id]!, records: [], count: 0, issues: [] });
    w.postMessage({ id, path: paths[id]!, slack, mode } satisfies PoolTask);
  };
  for (const w of workers) {
    w.on('message', (m: WorkerMessage) => {
      const r = pending.get(m.task);
      if (!r) return;
      if (m.t === 'records') {
        for (const x of m.records) r.records.push(x);
        return;
      }
      r.count = m.records;
      r.issues = m.issues;
      if (m.error) r.issues.push({ code: 'io', severity: 'error', message: `could not read: ${m.error}`, location: { path: r.path } });
      pending.delete(m.task);
      ready.push(r);
      done++;
      assign(w);
      wake?.();
    });
    w.on('error', (err) => {
      state.failure = err;
      wake?.();
    });
    assign(w);
  }
  try {
    while (done < paths.length) {
      if (!ready.length) await new Promise<void>((res) => (wake = res));
      wake = null;
      if (state.failure) throw state.failure;
      while (ready.length) yield ready.shift()!;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
