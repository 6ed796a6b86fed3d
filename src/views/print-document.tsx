import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { type StaticAsset, staticUrl } from './static-url';

/**
 * The page around a printed document (invoice, statement, lab ticket, report, labels, Rx): its
 * stylesheets (print.css unless it brings its own, as the Rx print does), app.js for its print
 * button, and a body class naming the paper.
 */
export function PrintDocument(props: {
  title: string;
  stylesheets?: StaticAsset[];
  /** False for a document styled by its own sheet alone (no print.css). */
  printCss?: boolean;
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
          {props.printCss === false ? null : <link rel="stylesheet" href={staticUrl('print.css')} />}
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

/** The bar above a printed document (never on paper): its links, then the Print button. */
export function PrintToolbar(props: { label: string; printLabel?: string; children?: Child }) {
  return (
    <nav class="print-toolbar no-print" aria-label={props.label}>
      {props.children}
      <button type="button" class="print-button" data-print>
        {props.printLabel ?? props.label}
      </button>
    </nav>
  );
}
