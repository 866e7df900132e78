import { describe, expect, it } from 'vitest';
import { IIS_DEFAULT_FIELDS, iisLog } from '../../../test/factories/iis.js';
import { exchangeLog, HTTPPROXY_FIELDS } from '../../../test/factories/exchange.js';
import { otrfJson } from '../../../test/factories/windows-json.js';
import { detectFormat } from './detect.js';

describe('detectFormat', () => {
  it('recognises each log by content whatever its name', () => {
    const iis = Buffer.from(iisLog([{ fields: IIS_DEFAULT_FIELDS, records: [] }]));
    expect(detectFormat(iis, 'report.docx').format).toBe('iis-w3c');
    const hp = Buffer.from(exchangeLog({ logType: 'HttpProxy Logs', fields: HTTPPROXY_FIELDS, records: [] }));
    expect(detectFormat(hp, 'u_ex210303.log').format).toBe('exchange-httpproxy');
    expect(detectFormat(Buffer.from(JSON.stringify(otrfJson()) + '\n'), 'x.log').format).toBe('json-events');
    expect(detectFormat(Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'), 'x.log').format).toBe('zip');
  });

  it('gives a reason a user can act on when nothing matches', () => {
    const garbage = detectFormat(Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)), 'u_ex210303.log');
    expect(garbage).toMatchObject({ format: 'unrecognised', parser: null, magic: 'binary' });
    expect(garbage.reason).toMatch(/binary data/);
    expect(detectFormat(Buffer.alloc(0), 'a.log').reason).toBe('empty file');
    expect(detectFormat(Buffer.from('7z\xbc\xaf\x27\x1c\x00\x04', 'latin1'), 'logs.7z').reason).toMatch(/7-Zip.*not expanded/);
  });

  it('survives a parser whose detect throws', () => {
    const boom = { format: 'iis-w3c' as const, detect: () => { throw new Error('x'); }, parse: async function* () {} };
    expect(detectFormat(Buffer.from('hello'), 'x', [boom]).format).toBe('unrecognised');
  });
});
