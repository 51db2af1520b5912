import { z } from 'zod';

/** One customer server as the provider knows it. */
export const DirectoryServer = z.strictObject({
  serviceId: z.string().min(1).nullable().default(null),
  ips: z.array(z.string().min(2)).default([]),
  hostnames: z.array(z.string().min(1)).default([]),
});

export const DirectoryAccount = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  /** Registered contact addresses: only they may ask for work on the account's servers. */
  contacts: z.array(z.email()).min(1),
  servers: z.array(DirectoryServer).default([]),
});

export const CustomerDirectory = z.strictObject({ accounts: z.array(DirectoryAccount) });
export type CustomerDirectory = z.infer<typeof CustomerDirectory>;
export type DirectoryServer = z.infer<typeof DirectoryServer>;

export interface NamedServer {
  serviceIds: readonly string[];
  ips: readonly string[];
  hostnames: readonly string[];
}

export interface SenderCheck {
  /** Why a person must look: `server_unknown`, `sender_not_authorized`. */
  problems: string[];
  /** The named server's other identifiers, when the sender is one of its account's contacts. */
  fill: { serviceIds: string[]; ips: string[]; hostnames: string[] };
}

const norm = (s: string) => s.trim().toLowerCase();

/**
 * Section 7: anyone can write "reinstall 203.0.113.7, I accept the data loss", so a request is only trusted
 * when its sender is a registered contact of the account that owns every server it names.
 */
export function checkSender(
  directory: CustomerDirectory,
  named: NamedServer,
  sender: string | null,
): SenderCheck {
  const wanted = new Set([...named.serviceIds, ...named.ips, ...named.hostnames].map(norm));
  const fill = { serviceIds: [] as string[], ips: [] as string[], hostnames: [] as string[] };
  if (wanted.size === 0) return { problems: [], fill };
  const matches: { account: z.infer<typeof DirectoryAccount>; server: DirectoryServer }[] = [];
  const matched = new Set<string>();
  for (const account of directory.accounts) {
    for (const server of account.servers) {
      const ids = [server.serviceId ?? '', ...server.ips, ...server.hostnames].filter(Boolean).map(norm);
      const hit = ids.filter((id) => wanted.has(id));
      if (hit.length === 0) continue;
      matches.push({ account, server });
      for (const id of hit) matched.add(id);
    }
  }
  const problems: string[] = [];
  if (matched.size < wanted.size) problems.push('server_unknown');
  const from = sender ? norm(sender) : '';
  if (matches.some((m) => !m.account.contacts.map(norm).includes(from)))
    problems.push('sender_not_authorized');
  if (problems.length === 0) {
    for (const { server } of matches) {
      if (server.serviceId) fill.serviceIds.push(server.serviceId);
      fill.ips.push(...server.ips);
      fill.hostnames.push(...server.hostnames);
    }
  }
  return { problems, fill };
}

/** A `dmarc=fail` in an Authentication-Results header written by a server we trust (by its authserv-id). */
export function dmarcFailed(
  authenticationResults: readonly string[],
  trustedAuthservIds: readonly string[],
): boolean {
  if (trustedAuthservIds.length === 0) return false;
  const trusted = new Set(trustedAuthservIds.map(norm));
  return authenticationResults.some((header) => {
    const authserv = norm(header.split(';')[0]?.split(/\s+/)[0] ?? '');
    return trusted.has(authserv) && /(?:^|[;\s])dmarc\s*=\s*fail\b/i.test(header);
  });
}
