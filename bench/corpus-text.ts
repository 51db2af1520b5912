/**
 * Composes what one customer writes (new text, secrets, signature, quoted earlier messages) and renders it
 * as the plain text each mail client would send.
 */
import {
  CLOSINGS,
  COMPANIES,
  DAY_NAMES,
  DESK_REPLIES,
  DESK_SIGNATURE,
  FOOTERS,
  GREETINGS,
  JOBS,
  LOG_LINES,
  OS_NAMES,
  PEOPLE,
  SECRETS,
  TOPICS,
} from './corpus-phrases.js';
import { wrapText } from './mime-encode.js';
import type { Rng } from './prng.js';

export type Lang = 'fr' | 'en';
export type QuoteStyle = 'gmail' | 'apple' | 'thunderbird' | 'outlook' | 'original';

export interface Person {
  name: string;
  address: string;
}

export interface Draft {
  lang: Lang;
  paragraphs: string[];
  signature: string | null;
  /** RFC 3676 "-- " line before the signature. */
  sigDelimiter: boolean;
  footer: string | null;
  quote: Quote | null;
  /** Answers typed between the quoted lines of the earlier message, instead of a reply on top. */
  inlineAnswers: boolean;
}

export interface Quote {
  style: QuoteStyle;
  author: Person;
  recipient: Person;
  date: Date;
  subject: string;
  draft: Draft;
}

export const DESK: Person = { name: 'Hosting Example Support', address: 'support@hosting.example' };

/** Values shared by one thread, so that a reply and what it quotes talk about the same server. */
export interface ThreadFacts {
  values: Record<string, string>;
  customer: Person;
}

const NETS = ['192.0.2', '198.51.100', '203.0.113'];
const PW_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789#%+-_!';

export function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.');
}

export function threadFacts(rng: Rng, lang: Lang): ThreadFacts {
  const name = rng.pick(PEOPLE[lang]);
  const [first, last] = [name.split(' ')[0]!, name.split(' ').slice(1).join(' ')];
  const local = rng.chance(0.5) ? ascii(`${first}.${last}`) : `${ascii(first)[0]}${ascii(last)}`;
  const ip = () => `${rng.pick(NETS)}.${rng.int(1, 254)}`;
  let pw = rng.pick(['Xk', 'Pa', 'Zr', 'Qm', 'Tv']);
  for (let i = rng.int(8, 14); i > 0; i--) pw += PW_CHARS[rng.int(0, PW_CHARS.length - 1)];
  const h1 = rng.int(0, 22);
  return {
    customer: { name, address: `${local}@${rng.pick(COMPANIES)}` },
    values: {
      srv: `SRV-${rng.int(10000, 99999)}`,
      ip: ip(),
      ip2: ip(),
      ram: String(rng.pick([64, 96, 128, 256])),
      os: rng.pick(OS_NAMES),
      day: rng.pick(DAY_NAMES[lang]),
      h1: `${h1}h00`.replace(/^(\d)h/, '0$1h'),
      h2: `${h1 + 1}h30`.replace(/^(\d)h/, '0$1h'),
      pw,
      user: rng.pick(['root', 'admin', 'ADMIN', 'ipmiadmin']),
      disk: rng.pick(['sda', 'sdb', 'nvme0n1', 'nvme1n1']),
      ticket: String(rng.int(100000, 999999)),
    },
  };
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
}

function logExcerpt(rng: Rng, values: Record<string, string>): string {
  const lines: string[] = [];
  let n = rng.int(100, 90000);
  for (let i = rng.int(4, 40); i > 0; i--) {
    n += rng.int(0, 30);
    lines.push(fill(rng.pick(LOG_LINES), { ...values, n: String(n).padStart(6, ' ') }));
  }
  return lines.join('\n');
}

/** The customer's own message: greeting, one to several requests, maybe a secret, closing, signature. */
export function customerDraft(rng: Rng, lang: Lang, facts: ThreadFacts): Draft {
  const v = facts.values;
  const paragraphs = [rng.pick(GREETINGS[lang])];
  for (const topic of rng.sample(
    TOPICS[lang],
    rng.weighted([
      [1, 3],
      [2, 4],
      [3, 2],
      [5, 1],
    ] as const),
  )) {
    paragraphs.push(fill(rng.pick(topic), v));
  }
  if (rng.chance(0.18)) paragraphs.push(fill(rng.pick(SECRETS[lang]), v));
  if (rng.chance(0.08)) {
    paragraphs.push(lang === 'fr' ? 'Voici ce que montre la console :' : 'This is what the console shows:');
    paragraphs.push(logExcerpt(rng, v));
  }
  paragraphs.push(rng.pick(CLOSINGS[lang]));
  const first = facts.customer.name.split(' ')[0]!;
  const sigKind = rng.weighted([
    ['full', 5],
    ['name', 3],
    ['none', 2],
  ] as const);
  const company = facts.customer.address.split('@')[1]!;
  const signature =
    sigKind === 'full'
      ? [
          facts.customer.name,
          `${rng.pick(JOBS[lang])} — ${company}`,
          `${lang === 'fr' ? 'Tél. : +33 1' : 'Phone: +44 20'} ${rng.int(10, 99)} ${rng.int(10, 99)} ${rng.int(10, 99)} ${rng.int(10, 99)}`,
          `https://www.${company}`,
        ].join('\n')
      : sigKind === 'name'
        ? rng.chance(0.5)
          ? first
          : facts.customer.name
        : null;
  return {
    lang,
    paragraphs,
    signature,
    sigDelimiter: signature !== null && rng.chance(0.3),
    footer: rng.chance(0.1) ? rng.pick(FOOTERS[lang]) : null,
    quote: null,
    inlineAnswers: false,
  };
}

export function deskDraft(rng: Rng, lang: Lang, facts: ThreadFacts, first: string): Draft {
  return {
    lang,
    paragraphs: [
      lang === 'fr' ? `Bonjour ${first},` : `Hello ${first},`,
      ...rng.pick(DESK_REPLIES[lang]).map((p) => fill(p, facts.values)),
      lang === 'fr' ? 'Cordialement,' : 'Best regards,',
    ],
    signature: DESK_SIGNATURE[lang],
    sigDelimiter: rng.chance(0.5),
    footer: null,
    quote: null,
    inlineAnswers: false,
  };
}

const FR_DAYS = ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'];
const FR_DAYS_LONG = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const FR_MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];
const EN_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** The line (or header block) a client writes above the message it quotes. */
export function attribution(q: Quote, lang: Lang): string {
  const d = q.date;
  const [day, date, month, year] = [d.getUTCDay(), d.getUTCDate(), d.getUTCMonth(), d.getUTCFullYear()];
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
  const who = `${q.author.name} <${q.author.address}>`;
  const fr = lang === 'fr';
  switch (q.style) {
    case 'gmail':
      return fr
        ? `Le ${FR_DAYS[day]} ${date} ${FR_MONTHS[month]} ${year} à ${time}, ${who} a écrit :`
        : `On ${EN_DAYS[day]!.slice(0, 3)}, ${EN_MONTHS[month]} ${date}, ${year} at ${time} ${who} wrote:`;
    case 'apple':
      return fr
        ? `Le ${date} ${FR_MONTHS[month]} ${year} à ${time}, ${who} a écrit :`
        : `On ${EN_MONTHS[month]} ${date}, ${year}, at ${time}, ${who} wrote:`;
    case 'thunderbird':
      return fr
        ? `Le ${p2(date)}/${p2(month + 1)}/${year} à ${time}, ${q.author.name} a écrit :`
        : `On ${month + 1}/${date}/${String(year).slice(2)} ${time}, ${q.author.name} wrote:`;
    case 'outlook':
    case 'original': {
      const sent = fr
        ? `${FR_DAYS_LONG[day]} ${date} ${FR_MONTHS[month]} ${year} ${time}`
        : `${EN_DAYS[day]}, ${EN_MONTHS[month]} ${date}, ${year} ${time}`;
      const to = `${q.recipient.name} <${q.recipient.address}>`;
      const block = fr
        ? [`De : ${who}`, `Envoyé : ${sent}`, `À : ${to}`, `Objet : ${q.subject}`]
        : [`From: ${who}`, `Sent: ${sent}`, `To: ${to}`, `Subject: ${q.subject}`];
      const rule =
        q.style === 'outlook'
          ? '________________________________'
          : fr
            ? "-----Message d'origine-----"
            : '-----Original Message-----';
      return [rule, ...block].join('\n');
    }
  }
}

function prefix(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? '>' : l.startsWith('>') ? `>${l}` : `> ${l}`))
    .join('\n');
}

export interface Wrap {
  width: number;
  /** format=flowed (RFC 3676): soft breaks end with a space. */
  flowed: boolean;
}

/** The plain-text body: new text, signature, footer, then the earlier message as the client quotes it. */
export function renderPlain(draft: Draft, wrap?: Wrap): string {
  const parts = [...draft.paragraphs];
  const q = draft.quote;
  if (q && draft.inlineAnswers) {
    // Each earlier paragraph quoted with ">" and the customer's answer typed right under it.
    const answers = draft.paragraphs.slice(1, -1);
    const mixed = [draft.paragraphs[0]!, attribution(q, draft.lang)];
    q.draft.paragraphs.forEach((para, i) => {
      mixed.push(prefix(para));
      const answer = answers[i - 1];
      if (answer !== undefined) mixed.push(answer);
    });
    mixed.push(draft.paragraphs[draft.paragraphs.length - 1]!);
    parts.splice(0, parts.length, ...mixed);
  }
  if (draft.signature) parts.push(draft.sigDelimiter ? `-- \n${draft.signature}` : draft.signature);
  if (draft.footer) parts.push(draft.footer);
  let body = parts.join('\n\n');
  if (wrap) body = wrapText(body, wrap.width, wrap.flowed);
  if (!q || draft.inlineAnswers) return body;
  const earlier = renderPlain(q.draft);
  let head = attribution(q, draft.lang);
  // Gmail wraps a long attribution over two lines in plain text; readers must still recognise it.
  if (wrap && q.style === 'gmail' && head.length > 78) head = head.replace(/ (a écrit :|wrote:)$/, '\n$1');
  const quoted = q.style === 'outlook' || q.style === 'original' ? earlier : prefix(earlier);
  return `${body}\n\n${head}\n\n${quoted}`;
}
