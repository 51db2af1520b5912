import { html } from './html.js';
import { layout } from './layout.js';

export interface LoginPageOptions {
  /** The login form's CSRF value (the same as the pre-session cookie). */
  csrf: string;
  email?: string;
  error?: string;
}

export function loginPage(options: LoginPageOptions): string {
  return layout({
    title: 'Sign in',
    body: html`<section class="login">
<h1>Sign in</h1>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="${options.csrf}">
<label>Email <input type="email" name="email" autocomplete="username" required value="${options.email ?? ''}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
</section>`,
  });
}

/** A page for refusals and failures: the message is escaped like any other value. */
export function messagePage(title: string, message: string): string {
  return layout({
    title,
    body: html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the queue</a></p>`,
  });
}
