// Worker side of the EVTX file pool: reads one file per task and posts the records of each chunk back
// (rendered to the evtx_dump JSON object, or only counted), then the issues and a done message.
import { parentPort } from 'node:worker_threads';
import { IssueCollector } from '../../core/index.js';
import { fileSource, readEvtx } from './reader.js';
import { renderJson } from './render-json.js';
import type { PoolRecord, PoolTask, WorkerMessage } from './pool.js';

const port = parentPort;
if (port) {
  port.on('message', (task: PoolTask) => {
    void run(task).then(
      (msg) => port.postMessage(msg),
      (err: unknown) => port.postMessage({ t: 'done', task: task.id, records: 0, issues: [], error: (err as Error).message } satisfies WorkerMessage),
    );
  });
}

async function run(task: PoolTask): Promise<WorkerMessage> {
  const issues = new IssueCollector();
  let n = 0;
  for await (const batch of readEvtx(fileSource(task.path), issues, { slack: task.slack })) {
    n += batch.length;
    if (task.mode === 'count') continue;
    const out: PoolRecord[] = [];
    for (const r of batch) {
      try {
        out.push({ id: r.id, chunk: r.chunk, offset: r.offset, slack: r.slack, event: renderJson(r.nodes) });
      } catch (err) {
        issues.report({ code: 'internal', severity: 'error', message: `record ${r.id} could not be rendered: ${(err as Error).message}`, location: { path: task.path, offset: r.offset, chunk: r.chunk, record: r.id } });
      }
    }
    port!.postMessage({ t: 'records', task: task.id, records: out } satisfies WorkerMessage);
  }
  return { t: 'done', task: task.id, records: n, issues: issues.all() };
}
