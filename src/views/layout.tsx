import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { t } from '../i18n/es-DO';

export function Layout(props: { title: string; children: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="es-DO">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/htmx.min.js" defer></script>
      </head>
      <body>
        <header class="site-header">
          <span class="brand">{t('app.name')}</span>
        </header>
        <main id="main">{props.children}</main>
      </body>
      </html>
    </>
  );
}
