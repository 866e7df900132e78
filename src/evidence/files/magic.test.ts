import { describe, expect, it } from 'vitest';
import { sniffMagic } from './magic.js';

function pe(): Buffer {
  const b = Buffer.alloc(0x100);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

describe('sniffMagic', () => {
  it.each([
    ['pe', pe()],
    ['zip', Buffer.from('PK\x03\x04rest', 'latin1')],
    ['evtx', Buffer.from('ElfFile\0\0\0', 'latin1')],
    ['pst', Buffer.from('!BDN\x00\x00', 'latin1')],
    ['minidump', Buffer.from('MDMP\x93\xa7', 'latin1')],
    ['7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4])],
    ['gzip', Buffer.from([0x1f, 0x8b, 8, 0])],
    ['der', Buffer.from([0x30, 0x82, 0x02, 0x5a, 0x30, 0x82, 0x01, 0x42])],
    ['aspx', Buffer.from('<%@ Page Language="C#" %>\r\n<script runat="server">')],
    ['html', Buffer.from('<!DOCTYPE html><html><body>x</body></html>')],
    ['json', Buffer.from('  {"a": 1}')],
    ['w3c-log', Buffer.from('#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time\r\n')],
    ['csv-log', Buffer.from('#Software: Microsoft Exchange Server\r\n#Fields: DateTime,RequestId\r\n')],
    ['text', Buffer.from('hello world\n')],
    ['text-utf16', Buffer.from('\ufeffhello', 'utf16le')],
    ['empty', Buffer.alloc(0)],
    ['binary', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 256))],
  ])('recognises %s', (want, head) => {
    expect(sniffMagic(head)).toBe(want);
  });

  it('does not call an MZ file PE when the PE signature is absent, and keeps a mostly-text log as text', () => {
    const fake = pe();
    fake.write('XX', 0x80, 'latin1');
    expect(sniffMagic(fake)).toBe('binary');
    const log = Buffer.concat([Buffer.from('a'.repeat(3000) + '\n'), Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), Buffer.from('b'.repeat(1000))]);
    expect(sniffMagic(log)).toBe('text');
  });
});
