// EVTX writer: Windows events -> BinXML template instances -> 64 KiB chunks -> .evtx files (streaming).
export { EvtxWriter, openEvtxFile, evtxBytes, fileHeader, FILE_HEADER_SIZE, type EvtxOutput } from './writer.js';
export { eventInstance, eventJson, type WinEvent } from './windows-event.js';
export { ev, encodeValue, valueJson, filetimeText, guidBytes, sidBytes, VALUE_TYPE, type EvtxValue, type TypedValue } from './values.js';
export { makeTemplate, nameHash, type Template, type TplElement, type TplNode, type InstanceValue } from './binxml.js';
export { ChunkBuilder, RecordTooLarge, templateBucket, CHUNK_SIZE, CHUNK_HEADER_SIZE } from './chunk.js';
