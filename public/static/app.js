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

// The menu (a <details>): always open at desk width, where it is the sidebar; on a phone it opens from
// its "Menú" button and Escape closes it. htmx's boosted navigation swaps in a closed one on every page.
const deskWidth = window.matchMedia('(min-width: 800.02px)');
function openMenuAtDeskWidth() {
  if (!deskWidth.matches) return;
  for (const menu of document.querySelectorAll('details[data-app-menu]')) menu.open = true;
}
openMenuAtDeskWidth();
document.addEventListener('htmx:afterSwap', openMenuAtDeskWidth);
deskWidth.addEventListener('change', () => {
  for (const menu of document.querySelectorAll('details[data-app-menu]')) menu.open = deskWidth.matches;
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || deskWidth.matches) return;
  const menu = document.querySelector('details[data-app-menu][open]');
  if (!menu) return;
  menu.open = false;
  menu.querySelector('summary')?.focus();
});

// A select[data-submit-on-change] (the branch switch) submits when a pointer picks an option. Arrow keys
// on a closed select change it at once, option by option: a keyboard choice submits on Enter or when
// the field is left instead, so arrowing past a branch never switches to it.
const keyedSelects = new WeakSet();
document.addEventListener('keydown', (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.hasAttribute('data-submit-on-change')) return;
  if (event.key === 'Enter' && keyedSelects.has(select)) {
    event.preventDefault();
    submitChangedSelect(select);
  } else if (event.key !== 'Tab' && event.key !== 'Shift') keyedSelects.add(select);
});
document.addEventListener('pointerdown', (event) => {
  if (event.target instanceof HTMLSelectElement) keyedSelects.delete(event.target);
});
document.addEventListener('change', (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute('data-submit-on-change') && !keyedSelects.has(select))
    select.form?.requestSubmit();
});
document.addEventListener('focusout', (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && keyedSelects.has(select)) submitChangedSelect(select);
});
function submitChangedSelect(select) {
  keyedSelects.delete(select);
  const chosen = [...select.options].find((option) => option.selected);
  if (chosen && !chosen.defaultSelected) select.form?.requestSubmit();
}

// Sales editor (src/views/sales-editor.tsx): the product search is a combobox over a listbox of
// "add" buttons. Arrows move the active option, Enter adds it, Escape clears; the barcode field adds
// on Enter. Focus then goes where the server put `autofocus` (the quantity of the line added).
const productOptions = () => [...document.querySelectorAll('#product-listbox [role="option"]')];

function activateOption(search, options, index) {
  options.forEach((option, at) => {
    option.setAttribute('aria-selected', String(at === index));
    option.classList.toggle('is-active', at === index);
  });
  const active = options[index];
  if (active) {
    search.setAttribute('aria-activedescendant', active.id);
    active.scrollIntoView({ block: 'nearest' });
  } else search.removeAttribute('aria-activedescendant');
}

document.addEventListener('keydown', (event) => {
  const field = event.target;
  if (!(field instanceof HTMLInputElement)) return;
  if (field.hasAttribute('data-product-search')) {
    const options = productOptions();
    const current = options.findIndex((option) => option.getAttribute('aria-selected') === 'true');
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!options.length) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      activateOption(field, options, (current + step + options.length) % options.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = options[current] ?? (options.length === 1 ? options[0] : null);
      if (chosen) chosen.click();
      else window.htmx?.trigger(field, 'search');
    } else if (event.key === 'Escape') {
      event.preventDefault();
      field.value = '';
      const matches = document.getElementById('product-matches');
      for (const child of matches?.children ?? []) child.replaceChildren();
      field.removeAttribute('aria-activedescendant');
      field.setAttribute('aria-expanded', 'false');
    }
  } else if (event.key === 'Enter' && field.closest('.sales-rows')) {
    // Enter on a line: the totals now, and back to the search for the next product.
    event.preventDefault();
    window.htmx?.trigger(field.closest('.sales-rows'), 'input');
    document.querySelector('[data-product-search]')?.focus();
  } else if (field.hasAttribute('data-scan') && event.key === 'Enter') {
    event.preventDefault();
    if (field.value.trim()) sendScan(field);
  }
});

// A scanner types the next code while the last one's request is in flight. The lines live in the
// form, so a request sent then would miss the first code's line: the code waits in the field until
// the first answer is swapped in. htmx reads the form when the click is handled, so the field can be
// emptied at once for the next code.
let salesRequests = 0;
function sendScan(field) {
  if (salesRequests > 0) {
    field.dataset.pending = 'true';
    return;
  }
  delete field.dataset.pending;
  field.form?.querySelector('[data-scan-submit]')?.click();
  field.value = '';
}
const salesEditorRequest = (event) => (event.detail?.requestConfig?.path ?? '').startsWith('/sales-editor/');
document.addEventListener('htmx:beforeRequest', (event) => {
  if (salesEditorRequest(event)) salesRequests += 1;
});
// The answer is swapped in before htmx:afterRequest (only the settling comes later), but htmx frees the
// button for its next request only after that event: a click now would be queued and read the form
// later, when the field has been emptied. So a waiting code goes in the next task, once the button is free.
document.addEventListener('htmx:afterRequest', (event) => {
  if (!salesEditorRequest(event)) return;
  salesRequests = Math.max(0, salesRequests - 1);
  setTimeout(() => {
    const scan = document.querySelector('[data-scan]');
    if (salesRequests === 0 && scan instanceof HTMLInputElement && scan.dataset.pending && scan.value.trim())
      sendScan(scan);
  }, 0);
});

// A product picked: the search starts again empty. A code scanned: the field is cleared for the next one.
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest('[data-product-option]')) {
    const search = document.querySelector('[data-product-search]');
    if (search instanceof HTMLInputElement) {
      search.value = '';
      search.removeAttribute('aria-activedescendant');
      search.setAttribute('aria-expanded', 'false');
    }
  }
});

document.addEventListener('htmx:afterSettle', (event) => {
  const lines = document.getElementById('sales-lines');
  if (!lines || !event.detail?.elt || !(event.detail.requestConfig?.path ?? '').startsWith('/sales-editor/')) return;
  const scan = document.querySelector('[data-scan]');
  const fromScan = event.detail.requestConfig?.elt?.hasAttribute?.('data-scan-submit');
  if (fromScan && scan instanceof HTMLInputElement) {
    scan.focus();
    return;
  }
  const focus = lines.querySelector('[autofocus]');
  if (
    focus instanceof HTMLElement &&
    event.detail.requestConfig?.verb === 'post' &&
    event.detail.target?.id !== 'sales-totals'
  ) {
    focus.focus();
    if (focus instanceof HTMLInputElement) focus.select();
  }
});

document.addEventListener('htmx:afterSwap', (event) => {
  if (event.detail?.target?.id !== 'product-matches') return;
  const search = document.querySelector('[data-product-search]');
  if (search instanceof HTMLInputElement)
    search.setAttribute('aria-expanded', productOptions().length ? 'true' : 'false');
});

// A table wider than the screen scrolls inside its own box (app.css): one that holds no link or field
// must take the focus itself, or a keyboard could not scroll it.
function focusableScrollers() {
  for (const box of document.querySelectorAll('main table, main .table-scroll, main .rx-scroll')) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute('tabindex')) box.tabIndex = 0;
  }
}
focusableScrollers();
document.addEventListener('htmx:afterSettle', focusableScrollers);
window.addEventListener('resize', focusableScrollers);
