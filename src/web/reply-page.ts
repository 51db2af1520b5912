import type { StoredConversation } from '../store/store.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { ReplyThread } from './reply-draft.js';

export interface ReplyPageOptions {
  conversation: StoredConversation;
  thread: ReplyThread;
  /** The reply the record calls for now: staff edit it before it goes. */
  text: string;
  signedIn: { email: string; csrf: string | null };
}

/** The compose form: where the reply goes, the proposed text to edit, and the two ways to send it. */
export function replyPage(options: ReplyPageOptions): string {
  const { conversation: c, thread, signedIn } = options;
  return layout({
    title: `Reply to ${c.id}`,
    signedIn,
    body: html`<p class="back"><a href="/conversations/${c.id}">← ${c.id}</a></p>
<h1>Reply to ${c.id}</h1>
<dl class="reply-head">
<dt>To</dt><dd>${thread.to}</dd>
<dt>Subject</dt><dd>${thread.subject}</dd>
<dt>In reply to</dt><dd><code>${thread.inReplyTo}</code></dd>
<dt>Language</dt><dd>${thread.language}</dd>
</dl>
<form method="post" action="/conversations/${c.id}/replies" class="compose">
${signedIn.csrf === null ? '' : html`<input type="hidden" name="csrf" value="${signedIn.csrf}">`}
<label for="reply-text">Text (proposed from what is missing now; edit it freely)</label>
<textarea id="reply-text" name="text" rows="18" cols="90" required>${options.text}</textarea>
<p class="note">A reply that contains one of the customer's secrets is refused. It leaves as the
conversation's next reply, in its thread; the audit keeps the proposed and the sent text.</p>
<button type="submit" name="action" value="send">Send reply</button>
<button type="submit" name="action" value="await">Send and wait for the customer</button>
</form>`,
  });
}
