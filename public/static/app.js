// Small behaviours the pages ask for with data attributes, so that no page needs an inline script
// or an on*= handler (the Content-Security-Policy allows scripts from this origin only).
// Event delegation on the document keeps them working on content htmx swaps in.
document.addEventListener('focusin', (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.hasAttribute('data-select-on-focus')) field.select();
});

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest('[data-print]')) window.print();
  const copy = target?.closest('[data-copy]');
  if (copy) {
    const source = document.getElementById(copy.getAttribute('data-copy') ?? '');
    if (source instanceof HTMLInputElement) navigator.clipboard.writeText(source.value);
  }
});

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (
    form instanceof HTMLFormElement &&
    form.hasAttribute('data-confirm') &&
    !window.confirm(form.getAttribute('data-confirm') ?? '')
  )
    event.preventDefault();
});

// A field focused before this deferred script ran (a quick click while the page was still loading)
// missed the focusin above: select it now.
const focusedEarly = document.activeElement;
if (focusedEarly instanceof HTMLInputElement && focusedEarly.hasAttribute('data-select-on-focus'))
  focusedEarly.select();

// A live customer search still on its way must not undo a customer chosen meanwhile: its answer
// (the select re-rendered with the value sent) is dropped when the select changed since it was sent.
document.addEventListener('htmx:beforeSwap', (event) => {
  const detail = event.detail;
  const select = detail.target?.querySelector?.('select[name="customerId"]');
  if (!select || detail.target.id !== 'customer-choice') return;
  const sent = detail.requestConfig?.parameters?.customerId ?? '';
  if (select.value !== sent) detail.shouldSwap = false;
});
