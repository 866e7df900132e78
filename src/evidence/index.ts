/**
 * Evidence: bytes → normalised events. The module's only entry point: intake (files, folders, zips),
 * content-based format detection, the parsers, and the file inventory. See docs/event-model.md.
 */
export type { EvidenceSource, EvidenceParser } from './types.js';
export type { EvidenceEntry, CollectOptions } from './intake/collect.js';
export { collectEvidence } from './intake/collect.js';
export type { Detection } from './intake/detect.js';
export { detectFormat } from './intake/detect.js';
export type { ZipLimits } from './intake/zip.js';
export { DEFAULT_ZIP_LIMITS } from './intake/zip.js';
export { READ_CHUNK } from './intake/file-source.js';
export type { MagicType } from './files/magic.js';
export { sniffMagic, MAGIC_DESCRIPTION } from './files/magic.js';
export { inventoryEvent } from './files/inventory.js';
export { collectedWindowsPath } from './files/collected-path.js';
export { parsers } from './registry.js';
export { flattenWindowsEvent } from './windows/flatten.js';
export {
  fileSource,
  newEvtxStats,
  readEvtx,
  readEvtxFileJson,
  readEvtxFileRecords,
  renderJson,
  renderXml,
  stringifyRecord,
  parseEvtx,
  parseEvtxFiles,
} from './evtx/index.js';
