import { type Html, html } from './html.js';

export interface LayoutOptions {
  title: string;
  body: Html;
  /** Who is signed in, with the sign-out form's CSRF token (absent for a bearer token, which has no session). */
  signedIn?: { email: string; csrf: string | null };
}

/** Every page's shell: one stylesheet from our own origin, no script, nothing inline (the CSP allows none). */
export function layout(options: LayoutOptions): string {
  const who = options.signedIn;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · intake desk</title>
<link rel="stylesheet" href="/desk.css">
</head>
<body>
<header class="top">
<a class="brand" href="/">intake desk</a>
${
  who
    ? html`<span class="who">${who.email}</span>${
        who.csrf === null
          ? ''
          : html`<form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="${who.csrf}"><button type="submit">Sign out</button></form>`
      }`
    : ''
}
</header>
<main>
${options.body}
</main>
</body>
</html>
`.value;
}
