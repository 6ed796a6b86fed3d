import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { type StaticAsset, staticUrl } from './static-url';

/**
 * The page around a printed document (invoice, statement, lab ticket, report, labels): print.css,
 * the document's own stylesheets, app.js for its print button, and a body class naming the paper.
 */
export function PrintDocument(props: {
  title: string;
  stylesheets?: StaticAsset[];
  bodyClass: string;
  children: Child;
}) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="es-DO">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{props.title}</title>
          <link rel="stylesheet" href={staticUrl('print.css')} />
          {(props.stylesheets ?? []).map((name) => (
            <link rel="stylesheet" href={staticUrl(name)} />
          ))}
          <script src={staticUrl('app.js')} defer></script>
        </head>
        <body class={props.bodyClass}>{props.children}</body>
      </html>
    </>
  );
}
