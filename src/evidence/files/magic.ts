/**
 * File-type sniffing from the first bytes ("magic numbers"), for the file inventory and for telling the user
 * why a file was not parsed. Signatures (offset 0 unless noted): PE `MZ` (Microsoft PE/COFF spec §1),
 * ZIP local header `PK\x03\x04` / empty-archive EOCD `PK\x05\x06` (APPNOTE.TXT §4.3.7, §4.3.16),
 * 7z `7z\xBC\xAF\x27\x1C`, RAR `Rar!\x1A\x07`, gzip `\x1F\x8B` (RFC 1952 §2.3.1), EVTX `ElfFile\0`
 * (libevtx format doc §2.1), PST `!BDN` (MS-PST §2.2.2.6), minidump `MDMP` (minidumpapiset.h
 * MINIDUMP_HEADER.Signature), CAB `MSCF`, OLE2 `D0 CF 11 E0 A1 B1 1A E1`, registry hive `regf`,
 * ELF `\x7FELF`, PDF `%PDF-`, SQLite `SQLite format 3\0`, DER `30 82 .. .. 30 82` (a certificate request:
 * the ProxyShell `.aspx` written by New-ExchangeCertificate), bzip2 `BZh`, xz `\xFD7zXZ\0`, zstd `28 B5 2F FD`.
 */

/** Sniffed file type. Text kinds look at the content, not the name. */
export type MagicType =
  | 'empty'
  | 'pe'
  | 'elf'
  | 'zip'
  | '7z'
  | 'rar'
  | 'gzip'
  | 'bzip2'
  | 'xz'
  | 'zstd'
  | 'cab'
  | 'evtx'
  | 'pst'
  | 'minidump'
  | 'ole2'
  | 'registry-hive'
  | 'pdf'
  | 'sqlite'
  | 'der'
  | 'aspx'
  | 'html'
  | 'xml'
  | 'json'
  | 'w3c-log'
  | 'csv-log'
  | 'text'
  | 'text-utf16'
  | 'binary';

/** Human words for each type (used in reasons and reports). */
export const MAGIC_DESCRIPTION: Record<MagicType, string> = {
  empty: 'empty file',
  pe: 'Windows PE executable/DLL',
  elf: 'ELF executable',
  zip: 'ZIP archive',
  '7z': '7-Zip archive',
  rar: 'RAR archive',
  gzip: 'gzip-compressed data',
  bzip2: 'bzip2-compressed data',
  xz: 'xz-compressed data',
  zstd: 'zstd-compressed data',
  cab: 'Microsoft Cabinet archive',
  evtx: 'Windows EVTX event log',
  pst: 'Outlook PST/OST mailbox',
  minidump: 'Windows minidump (MDMP)',
  ole2: 'OLE2 compound file (Office 97-2003, MSI)',
  'registry-hive': 'Windows registry hive',
  pdf: 'PDF document',
  sqlite: 'SQLite database',
  der: 'DER-encoded certificate/request',
  aspx: 'ASP.NET page/script text',
  html: 'HTML text',
  xml: 'XML text',
  json: 'JSON text',
  'w3c-log': 'W3C-style log text',
  'csv-log': 'CSV log text',
  text: 'text',
  'text-utf16': 'UTF-16 text',
  binary: 'binary data (no known signature)',
};

function startsWith(head: Buffer, sig: readonly number[], at = 0): boolean {
  if (head.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (head[at + i] !== sig[i]) return false;
  return true;
}

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

const SIGS: Array<[MagicType, number[], number?]> = [
  ['evtx', ascii('ElfFile\0')],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', ascii('Rar!\x1a\x07')],
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', ascii('BZh')],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['pst', ascii('!BDN')],
  ['minidump', ascii('MDMP')],
  ['cab', ascii('MSCF')],
  ['ole2', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['registry-hive', ascii('regf')],
  ['elf', [0x7f, 0x45, 0x4c, 0x46]],
  ['pdf', ascii('%PDF-')],
  ['sqlite', ascii('SQLite format 3\0')],
];

/** How much of the head looks like text: share of bytes that are printable ASCII, whitespace or UTF-8 lead/continuation. */
function textShare(head: Buffer, n: number): number {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if ((c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d || c >= 0x80) ok++;
  }
  return n === 0 ? 1 : ok / n;
}

/** Sniffs the type of a file from its first bytes (up to 64 KiB is plenty; 4 KiB is used for text checks). */
export function sniffMagic(head: Buffer): MagicType {
  if (head.length === 0) return 'empty';
  for (const [type, sig, at] of SIGS) if (startsWith(head, sig, at ?? 0)) return type;
  // PE: `MZ` and, when the head reaches it, `PE\0\0` at e_lfanew (offset 0x3C).
  if (startsWith(head, [0x4d, 0x5a])) {
    if (head.length >= 0x40) {
      const lfanew = head.readUInt32LE(0x3c);
      if (lfanew + 4 <= head.length && !startsWith(head, ascii('PE\0\0'), lfanew)) return 'binary';
    }
    return 'pe';
  }
  if (head.length >= 6 && head[0] === 0x30 && head[1] === 0x82 && head[4] === 0x30 && head[5] === 0x82) return 'der';
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return 'text-utf16';
  const n = Math.min(head.length, 4096);
  let nul = 0;
  for (let i = 0; i < n; i++) if (head[i] === 0) nul++;
  // A text log may carry a few raw bytes (a TLS ClientHello sent to a plain-HTTP port lands in an access log).
  if (nul > n / 100 || textShare(head, n) < 0.9) {
    // UTF-16LE text without BOM: every other byte NUL, the others printable.
    if (nul >= n / 3 && n >= 4 && head[1] === 0 && head[0]! >= 0x20) return 'text-utf16';
    return 'binary';
  }
  let text = head.toString('utf8', 0, n);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const t = text.trimStart();
  const lower = t.slice(0, 2048).toLowerCase();
  if (/<%@|<%=|<%\s|runat\s*=\s*["']?server/i.test(text)) return 'aspx';
  if (t.startsWith('#Fields:') || t.startsWith('#Software:') || t.startsWith('#Version:') || t.startsWith('#Date:')) {
    return /^#Fields:[^\r\n]*,/m.test(text) ? 'csv-log' : 'w3c-log';
  }
  if (t.startsWith('{') || t.startsWith('[')) return 'json';
  if (lower.startsWith('<?xml')) return 'xml';
  if (lower.startsWith('<!doctype html') || lower.includes('<html') || lower.includes('<script')) return 'html';
  return 'text';
}
