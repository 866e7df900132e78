// Streaming EVTX writer: a 4096-byte file header (libyal EVTX §"File header") followed by 64 KiB chunks
// written as they fill, so memory is one chunk whatever the file size. The header is written last (it
// holds the chunk count, the next record id and its CRC32), at offset 0:
//   0 "ElfFile\0" | 8 first chunk number | 16 last chunk number | 24 next record id | 32 header size 128 |
//   36 minor version 1 | 38 major version 3 | 40 header block size 4096 | 42 chunk count |
//   120 file flags (0: clean, not full) | 124 CRC32 of bytes 0..120 | rest zero.
// Version 3.1 is what Windows Vista to Server 2019 (the Exchange 2013-2019 hosts) write; 3.2 came with
// Windows 10 2004. Nothing depends on the wall clock: same events, same bytes.
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { InstanceValue, Template } from './binxml.js';
import { ChunkBuilder } from './chunk.js';
import { eventInstance, type WinEvent } from './windows-event.js';

/** File header block size (libyal §"File header"). */
export const FILE_HEADER_SIZE = 4096;

/** Where the writer's bytes go: chunks in order, then the header for offset 0. */
export interface EvtxOutput {
  chunk(b: Buffer): void;
  header(b: Buffer): void;
}

/** Builds the 4096-byte file header for `chunks` chunks and the next record id. */
export function fileHeader(chunks: number, nextRecordId: bigint): Buffer {
  const h = Buffer.alloc(FILE_HEADER_SIZE);
  h.write('ElfFile\0', 0, 'latin1');
  h.writeBigUInt64LE(0n, 8);
  h.writeBigUInt64LE(BigInt(Math.max(0, chunks - 1)), 16);
  h.writeBigUInt64LE(nextRecordId, 24);
  h.writeUInt32LE(128, 32);
  h.writeUInt16LE(1, 36);
  h.writeUInt16LE(3, 38);
  h.writeUInt16LE(FILE_HEADER_SIZE, 40);
  h.writeUInt16LE(chunks, 42);
  h.writeUInt32LE(0, 120);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return h;
}

/**
 * Appends records to an EVTX log chunk by chunk. Record ids start at 1 and follow the order of `append`
 * calls (a fresh log). Call `close()` once at the end to flush the last chunk and write the header.
 */
export class EvtxWriter {
  private chunk = new ChunkBuilder();
  private chunks = 0;
  private nextId = 1n;
  private closed = false;

  constructor(private readonly out: EvtxOutput) {}

  /** Record id the next `append` gets. */
  get nextRecordId(): bigint {
    return this.nextId;
  }

  /** Appends a Windows event; returns its record id (also its EventRecordID). */
  append(e: WinEvent): bigint {
    const id = this.nextId;
    const { template, values } = eventInstance(e, id);
    this.appendInstance(e.time, template, values);
    return id;
  }

  /** Appends a record made of one template instance (the form every Windows record has). */
  appendInstance(writtenMs: number, template: Template, values: readonly InstanceValue[]): bigint {
    if (this.closed) throw new Error('EVTX writer already closed');
    const id = this.nextId;
    if (!this.chunk.add(id, writtenMs, template, values)) {
      this.flushChunk();
      // A record that does not fit an empty chunk throws RecordTooLarge here.
      this.chunk.add(id, writtenMs, template, values);
    }
    this.nextId++;
    return id;
  }

  private flushChunk(): void {
    if (this.chunk.count === 0) return;
    if (this.chunks === 0xffff) throw new RangeError('EVTX file limit: 65535 chunks');
    this.out.chunk(this.chunk.seal());
    this.chunks++;
    this.chunk = new ChunkBuilder();
  }

  /** Flushes the last chunk and writes the file header. */
  close(): void {
    if (this.closed) return;
    this.flushChunk();
    this.closed = true;
    this.out.header(fileHeader(this.chunks, this.nextId));
  }
}

/** An EvtxWriter into a new file (`wx`: an existing file is never overwritten). Synchronous, one chunk in memory. */
export function openEvtxFile(path: string): EvtxWriter {
  const fd = openSync(path, 'wx');
  writeSync(fd, Buffer.alloc(FILE_HEADER_SIZE));
  let at = FILE_HEADER_SIZE;
  return new EvtxWriter({
    chunk(b) {
      writeSync(fd, b, 0, b.length, at);
      at += b.length;
    },
    header(b) {
      try {
        writeSync(fd, b, 0, b.length, 0);
      } finally {
        closeSync(fd);
      }
    },
  });
}

/** The bytes of an EVTX log holding `events` in order (for tests and small fixtures). */
export function evtxBytes(events: Iterable<WinEvent>): Buffer {
  const parts: Buffer[] = [];
  let head: Buffer = Buffer.alloc(0);
  const w = new EvtxWriter({
    chunk: (b) => parts.push(Buffer.from(b)),
    header: (b) => {
      head = b;
    },
  });
  for (const e of events) w.append(e);
  w.close();
  return Buffer.concat([head, ...parts]);
}
