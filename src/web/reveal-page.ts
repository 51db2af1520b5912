import { html } from './html.js';
import { layout } from './layout.js';

export interface RevealedSecret {
  conversationId: string;
  id: number;
  kind: string;
  label: string;
  username: string | null;
  placeholder: string;
  messageId: string;
  value: string;
}

/** The one value asked for, on a page of its own (never cached), with the way back to the record. */
export function revealPage(secret: RevealedSecret, signedIn: { email: string; csrf: string | null }): string {
  return layout({
    title: `Secret of ${secret.conversationId}`,
    signedIn,
    body: html`<p class="back"><a href="/conversations/${secret.conversationId}">← ${secret.conversationId}</a></p>
<h1>Secret ${secret.placeholder}</h1>
<dl class="revealed">
<dt>Kind</dt><dd>${secret.kind}</dd>
<dt>Label</dt><dd>${secret.label}</dd>
<dt>User name</dt><dd>${secret.username ?? html`<span class="none">none given</span>`}</dd>
<dt>Value</dt><dd><code class="secret-value">${secret.value}</code></dd>
</dl>
<p class="note">This reveal is recorded in the conversation's audit under your name. Do not copy the value
anywhere but the server it opens.</p>`,
  });
}
