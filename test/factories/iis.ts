import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { IIS_FIELDS } from '../../src/generate/exchange/formats.js';

/**
 * Factories for IIS W3C extended logs: small hand-shaped files for edge-case tests and a fast generator of
 * large realistic logs for the benchmark (`generateIisLog`). Everything here is synthetic.
 */

/** The IIS 10 default field set, in IIS's order (shared with the evidence generator). */
export const IIS_DEFAULT_FIELDS = IIS_FIELDS;

/** One header block: `#Software`, `#Version`, `#Date`, `#Fields`. */
export function iisHeader(fields: readonly string[], date = '2021-03-03 00:00:00'): string {
  return (
    '#Software: Microsoft Internet Information Services 10.0\r\n' +
    '#Version: 1.0\r\n' +
    `#Date: ${date}\r\n` +
    `#Fields: ${fields.join(' ')}\r\n`
  );
}

/** A data line from a record: values in `fields` order, missing ones as `-`, spaces written as IIS does (`+`). */
export function iisLine(fields: readonly string[], rec: Record<string, string | number | undefined>): string {
  return (
    fields
      .map((f) => {
        const v = rec[f];
        if (v === undefined || v === '') return '-';
        return String(v).replaceAll(' ', '+');
      })
      .join(' ') + '\r\n'
  );
}

/** A whole log: one header block per `blocks` entry, each with its records. */
export function iisLog(blocks: Array<{ fields: readonly string[]; date?: string; records: Array<Record<string, string | number | undefined>> }>): string {
  let s = '';
  for (const b of blocks) {
    s += iisHeader(b.fields, b.date);
    for (const r of b.records) s += iisLine(b.fields, r);
  }
  return s;
}

/** Small deterministic PRNG (mulberry32) so generated logs are reproducible from a seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STEMS = [
  '/owa/',
  '/owa/auth/logon.aspx',
  '/owa/service.svc',
  '/ecp/',
  '/EWS/Exchange.asmx',
  '/Microsoft-Server-ActiveSync/default.eas',
  '/mapi/emsmdb/',
  '/autodiscover/autodiscover.xml',
  '/rpc/rpcproxy.dll',
  '/owa/auth/Current/themes/resources/logon.css',
  '/ecp/DDI/DDIService.svc/GetList',
  '/powershell',
];
const QUERIES = [
  '-',
  'mailboxId=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9&X-OWA-CANARY=Xy7_abcdefghijklmnopqrstuvwxyz0123456789&action=GetItem',
  'Cmd=Sync&User=alice&DeviceId=ABCDEF0123456789&DeviceType=iPhone',
  '&CorrelationID=<empty>;&cafeReqId=8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d;',
  'reason=0&url=https%3a%2f%2fmail.example.org%2fowa%2f',
  'msExchEcpCanary=abc123&ActivityCorrelationID=00112233-4455-6677-8899-aabbccddeeff',
];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0.4389.82 Safari/537.36',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13801; Pro)',
  'Apple-iPhone12C1/1805.57',
  'MSRPC',
  'ExchangeServicesClient/15.01.2176.009',
  'python-requests/2.25.1',
];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'RPC_IN_DATA'];
const STATUS = [200, 200, 200, 200, 302, 401, 404, 500];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * Writes a realistic IIS log of about `bytes` bytes to `path` (Exchange front-end traffic mix, one header
 * block per simulated hour). Deterministic for a given seed. Fast: lines are built from pre-made parts and
 * written in ~1 MiB blocks, so a 1 GB file takes seconds, not minutes.
 */
export async function generateIisLog(path: string, bytes: number, seed = 1): Promise<{ bytes: number; lines: number; records: number }> {
  const rand = rng(seed);
  const out = createWriteStream(path, { flags: 'w' });
  const fields = IIS_DEFAULT_FIELDS;
  const uas = UAS.map((u) => u.replaceAll(' ', '+'));
  let written = 0;
  let lines = 0;
  let records = 0;
  let t = Date.UTC(2021, 2, 1);
  let hour = -1;
  let buf = '';
  while (written + buf.length < bytes) {
    const d = new Date(t);
    const h = d.getUTCHours();
    if (h !== hour) {
      hour = h;
      const stamp = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(h)}:00:00`;
      buf += iisHeader(fields, stamp);
      lines += 4;
    }
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(h)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const r = rand();
    const stem = STEMS[Math.floor(r * STEMS.length)]!;
    const query = QUERIES[Math.floor(rand() * QUERIES.length)]!;
    const ua = uas[Math.floor(rand() * uas.length)]!;
    const m = METHODS[Math.floor(rand() * METHODS.length)]!;
    const st = STATUS[Math.floor(rand() * STATUS.length)]!;
    const user = rand() < 0.5 ? '-' : `EXAMPLE\\user${Math.floor(rand() * 500)}`;
    const cip = `10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`;
    buf += `${day} ${time} 10.0.0.5 ${m} ${stem} ${query} 443 ${user} ${cip} ${ua} - ${st} 0 0 ${Math.floor(rand() * 900)}\r\n`;
    lines++;
    records++;
    t += Math.floor(rand() * 200);
    if (buf.length >= 1 << 20) {
      written += buf.length;
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  written += buf.length;
  out.write(buf);
  out.end();
  await once(out, 'finish');
  return { bytes: written, lines, records };
}
