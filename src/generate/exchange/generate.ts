import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Rng } from '../rng.js';
import { benignAdminDay, benignRequest, hourWeight } from './benign.js';
import { Emitter, type EventLogForm } from './emit.js';
import { planScenario, type ScenarioName } from './scenarios.js';
import { SliceSink, type PlantedItem } from './sink.js';
import { EX_ROOT, makeWorld } from './world.js';

/** Options of `generateExchangeEvidence`. */
export interface GenerateOptions {
  /** Output folder; must not exist or be empty (the generator never overwrites evidence). */
  out: string;
  scenario: ScenarioName;
  seed?: number;
  /** Benign client requests over the whole window (each makes 3 log lines). Default 6000. */
  requests?: number;
  /** Mailbox users. Default 150. */
  users?: number;
  /** Days of evidence. Default 3 (the attack falls on the second day). */
  days?: number;
  /**
   * Windows event logs as `.evtx` under C/Windows/System32/winevt/Logs (default: what a server holds), as
   * JSON lines under EventLogs/ (evtx_dump layout, as an analyst's export), or both (then a scan sees every
   * event twice).
   */
  eventLogs?: EventLogForm;
}

/** The generator's answer: what it planted where, for tests and the demo. */
export interface GroundTruth {
  scenario: ScenarioName;
  seed: number;
  build: string;
  /** Window of the evidence (epoch ms UTC). */
  start: number;
  end: number;
  /**
   * Every planted log line (file + 1-based line), event (`.evtx` file + record id) and file (both null), with the
   * CVEs and techniques it shows.
   */
  planted: PlantedItem[];
  /** Files written (relative paths, `/`-separated) with their line counts (record counts for `.evtx`; 0 for non-log files). */
  files: Record<string, number>;
  bytes: number;
}

/** Pages that ship in the web shell folders (Exchange 2016/2019), written so artifact checks see a normal install. */
const SHIPPED = [
  `${EX_ROOT}/FrontEnd/HttpProxy/owa/auth/logon.aspx`,
  `${EX_ROOT}/FrontEnd/HttpProxy/owa/auth/logoff.aspx`,
  `${EX_ROOT}/FrontEnd/HttpProxy/owa/auth/errorFE.aspx`,
  `${EX_ROOT}/FrontEnd/HttpProxy/owa/auth/expiredpassword.aspx`,
  `${EX_ROOT}/FrontEnd/HttpProxy/owa/auth/frowny.aspx`,
  `${EX_ROOT}/FrontEnd/HttpProxy/owa/auth/signout.aspx`,
  `${EX_ROOT}/FrontEnd/HttpProxy/owa/auth/OutlookCN.aspx`,
  `${EX_ROOT}/FrontEnd/HttpProxy/owa/auth/RedirSuiteServiceProxy.aspx`,
  `${EX_ROOT}/FrontEnd/HttpProxy/ecp/auth/TimeoutLogoff.aspx`,
];

/**
 * Writes a realistic, seeded and deterministic Exchange server evidence tree for a scenario: IIS front/back end
 * (W3SVC1/W3SVC2), HttpProxy per protocol, ECP server, OAB generator, CmdletInfra (Rps_Http, cmdlet) logs, Windows
 * event logs (`.evtx` by default, JSON lines on request: `eventLogs`), and files on disk (web shells, dumps,
 * archives). Returns the ground truth. Same options, same bytes (no wall-clock time anywhere).
 */
export function generateExchangeEvidence(opts: GenerateOptions): GroundTruth {
  const seed = opts.seed ?? 1;
  const days = opts.days ?? 3;
  const total = opts.requests ?? 6000;
  if (existsSync(opts.out) && readdirSync(opts.out).length > 0) throw new Error(`refusing to write into non-empty ${opts.out}`);
  mkdirSync(opts.out, { recursive: true });
  const rng = new Rng(seed);
  const world = makeWorld(rng, opts.users ?? 150, [15, 1, 2106, 2]);
  const plan = planScenario(opts.scenario, world, new Rng(seed ^ 0x5eed));
  world.build = plan.build;
  const sink = new SliceSink(opts.out);
  const em = new Emitter(world, sink, rng, opts.eventLogs ?? 'evtx', seed);
  const end = plan.start + days * 86_400_000;

  const hours = days * 24;
  let weightSum = 0;
  for (let h = 0; h < hours; h++) weightSum += hourWeight(h % 24);
  const steps = [...plan.steps].sort((a, b) => a.t - b.t);
  let si = 0;
  for (let h = 0; h < hours; h++) {
    const hs = plan.start + h * 3600_000;
    if (h % 24 === 0) benignAdminDay(em, rng, hs, h / 24);
    const n = Math.round((total * hourWeight(h % 24)) / weightSum);
    for (let i = 0; i < n; i++) benignRequest(em, rng, hs + Math.floor(((i + rng.next()) / n) * 3600_000));
    while (si < steps.length && (steps[si]?.t ?? Infinity) < hs + 3600_000) steps[si++]?.run(em);
    sink.flush();
  }
  while (si < steps.length) steps[si++]?.run(em);
  sink.flush();
  sink.close();

  const files: Record<string, number> = Object.fromEntries(sink.files());
  const planted = [...sink.planted];
  let bytes = sink.bytes;
  const write = (rel: string, content: Buffer, t: number): void => {
    const p = join(opts.out, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    utimesSync(p, new Date(t), new Date(t));
    files[rel] = 0;
    bytes += content.length;
  };
  const installed = plan.start - 200 * 86_400_000;
  for (const rel of SHIPPED) {
    const name = rel.slice(rel.lastIndexOf('/') + 1, -'.aspx'.length);
    write(rel, Buffer.from(`<%@ Page Language="C#" AutoEventWireup="true" Inherits="Microsoft.Exchange.HttpProxy.${name}" %>\r\n<!DOCTYPE html>\r\n<html><head><title>Outlook</title></head><body></body></html>\r\n`), installed);
  }
  write(`${EX_ROOT}/ClientAccess/OAB/${world.oabGuid}/oab.xml`, Buffer.from(`<?xml version="1.0" encoding="utf-8"?><OAB><OAL id="${world.oabGuid}" dn="/" name="\\Default Offline Address Book"></OAL></OAB>`), plan.start);
  write('D/Backup/iislogs-2021-02.zip', Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]), plan.start);
  for (const f of plan.files) {
    write(f.path, f.content, f.t);
    if (f.planted) planted.push({ ...f.planted, file: f.path, line: null, record: null });
  }
  return { scenario: opts.scenario, seed, build: plan.build.join('.'), start: plan.start, end, planted, files, bytes };
}
