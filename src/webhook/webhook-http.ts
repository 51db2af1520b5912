/** The HTTP edge of the webhook: what fetch needs from the configured URL, and what is read back. */

/** Of a receiver's answer only the start is read (for the error text): it may be any size. */
const READ_BYTES = 4096;

export async function readStart(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < READ_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The answer's status is what counts; a body cut short only shortens the error text.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, READ_BYTES).toString('utf8');
}

/**
 * fetch refuses a URL with credentials in it: `https://user:pass@host/…` becomes the same URL without them
 * and a Basic Authorization header, as a receiver behind basic authentication expects.
 */
export function webhookTarget(url: string): { url: string; headers: Record<string, string> } {
  const u = new URL(url);
  if (!u.username && !u.password) return { url: u.toString(), headers: {} };
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  const basic = Buffer.from(`${user}:${password}`).toString('base64');
  return { url: u.toString(), headers: { authorization: `Basic ${basic}` } };
}
