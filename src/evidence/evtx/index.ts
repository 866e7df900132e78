// EVTX: Windows XML Event Log reader (file header -> chunks -> records -> BinXML -> evtx_dump JSON / XML).
export { readEvtx, readEvtxFileRecords, readEvtxFileJson, fileSource, newEvtxStats, type ByteSource, type EvtxReadOptions, type EvtxStats } from './reader.js';
export { renderXml, xmlEscape } from './render-xml.js';
export { readChunk, parseChunkHeader, isChunk, CHUNK_SIZE, type EvtxRecord, type ChunkHeader } from './chunk.js';
export { parseFileHeader, isFileHeader, FILE_MAGIC, type EvtxFileHeader } from './file-header.js';
export { renderJson, stringifyRecord } from './render-json.js';
export { BinXmlError, LIMITS } from './binxml.js';
export { parseEvtxFiles, type PoolOptions, type PoolFileResult, type PoolRecord } from './pool.js';
export { evtxParser, parseEvtx, recordToEvent } from './parser.js';
