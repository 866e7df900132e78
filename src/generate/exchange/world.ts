import type { Rng } from '../rng.js';

/** The install folder of Exchange inside the generated tree (Windows path with `/`, drive letter as a folder). */
export const EX_ROOT = 'C/Program Files/Microsoft/Exchange Server/V15';
/** The same as Windows writes it in events. */
export const EX_WIN = 'C:\\Program Files\\Microsoft\\Exchange Server\\V15';

/** The organisation and server the evidence describes. */
export interface World {
  host: string;
  fqdn: string;
  domain: string;
  netbios: string;
  mailHost: string;
  serverIp: string;
  build: [number, number, number, number];
  users: { upn: string; sam: string; ip: string; ua: string; mailboxGuid: string }[];
  admins: string[];
  healthMailbox: string;
  oabGuid: string;
}

const FIRST = ['anna', 'ben', 'chloe', 'david', 'emma', 'felix', 'grace', 'henry', 'isla', 'jack', 'kate', 'liam', 'maya', 'noah', 'olivia', 'peter', 'quinn', 'ruby', 'sam', 'tara', 'umar', 'vera', 'will', 'xena', 'yusuf', 'zoe'];
const LAST = ['smith', 'jones', 'taylor', 'brown', 'wilson', 'evans', 'thomas', 'roberts', 'walker', 'wright', 'hall', 'green', 'king', 'baker', 'hill', 'clark', 'ward', 'moore', 'cooper', 'parker'];

/** User agents of the mail clients a company uses. */
export const CLIENT_UAS = [
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13127; Pro)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:86.0) Gecko/20100101 Firefox/86.0',
  'Apple-iPhone12C1/1804.78',
  'Outlook-iOS/723.4027091.prod.iphone (4.2109.0)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.182 Safari/537.36 Edg/88.0.705.81',
];

/** Builds the world: users with stable addresses and clients. */
export function makeWorld(rng: Rng, nUsers: number, build: [number, number, number, number]): World {
  const users: World['users'] = [];
  const seen = new Set<string>();
  while (users.length < nUsers) {
    const f = rng.pick(FIRST);
    const l = rng.pick(LAST);
    let sam = `${f}.${l}`;
    if (seen.has(sam)) sam = `${sam}${rng.int(2, 99)}`;
    if (seen.has(sam)) continue;
    seen.add(sam);
    users.push({
      upn: `${sam}@corp.example`,
      sam,
      ip: rng.chance(0.6) ? `10.20.${rng.int(1, 40)}.${rng.int(2, 250)}` : `198.51.100.${rng.int(2, 250)}`,
      ua: rng.pick(CLIENT_UAS),
      mailboxGuid: rng.guid(),
    });
  }
  return {
    host: 'EXCH01',
    fqdn: 'EXCH01.corp.example',
    domain: 'corp.example',
    netbios: 'CORP',
    mailHost: 'mail.corp.example',
    serverIp: '10.0.0.10',
    build,
    users,
    admins: ['exch.admin', 'it.ops'],
    healthMailbox: `HealthMailbox${rng.hex(32)}@corp.example`,
    oabGuid: rng.guid(),
  };
}
