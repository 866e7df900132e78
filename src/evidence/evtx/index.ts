// EVTX: Windows XML Event Log reader (file header -> chunks -> records -> BinXML -> evtx_dump JSON / XML).
export { readEvtx, readEvtxFileRecords, fileSource, type ByteSource, type EvtxReadOptions } from './reader.js';
export { readChunk, parseChunkHeader, isChunk, CHUNK_SIZE, type EvtxRecord, type ChunkHeader } from './chunk.js';
export { parseFileHeader, isFileHeader, FILE_MAGIC, type EvtxFileHeader } from './file-header.js';
export { renderJson, stringifyRecord } from './render-json.js';
export { BinXmlError, LIMITS } from './binxml.js';
