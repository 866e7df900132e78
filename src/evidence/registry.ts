import { exchangeParsers } from './exchange/parser.js';
import { iisParser } from './iis/parser.js';
import { jsonEventsParser } from './jsonl/parser.js';
import { evtxParser } from './evtx/parser.js';
import type { EvidenceParser } from './types.js';

/**
 * Every evidence parser Kahu knows, tried in order by format detection (highest confidence wins).
 * Each format folder adds its parser here.
 */
export const parsers: EvidenceParser[] = [iisParser, ...exchangeParsers, jsonEventsParser, evtxParser];
