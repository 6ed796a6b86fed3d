// The lab board's drag and drop: SortableJS moves a card between columns, then the move is posted
// with the stage the card was in (expectedStageId). The server answers with the card as it is now:
// on 409 someone else moved it first, and the card goes to its real column. Every card also has a
// plain form ("Mover a") for the keyboard and for browsers without JavaScript.
(() => {
  function outcomeRegion() {
    return document.getElementById('lab-move-outcome');
  }

  function showOutcome(fragment) {
    const next = fragment.querySelector('#lab-move-outcome');
    const current = outcomeRegion();
    if (next && current) current.replaceWith(next);
  }

  function failed(board) {
    const region = outcomeRegion();
    if (!region) return;
    const alert = document.createElement('div');
    alert.className = 'alert alert-error';
    alert.setAttribute('role', 'alert');
    alert.textContent = board.getAttribute('data-failed') ?? '';
    region.replaceChildren(alert);
  }

  function putBack(item, from, oldIndex) {
    const sibling = from.children[oldIndex] ?? null;
    from.insertBefore(item, sibling);
  }

  async function move(board, event) {
    const { item, from, to, oldIndex } = event;
    if (from === to) return;
    const body = new URLSearchParams({
      orderId: item.getAttribute('data-order-id') ?? '',
      expectedStageId: item.getAttribute('data-stage-id') ?? '',
      toStageId: to.getAttribute('data-stage-id') ?? '',
      back: board.getAttribute('data-back') ?? '/lab',
    });
    item.classList.add('lab-card-busy');
    item.setAttribute('aria-busy', 'true');
    let response;
    try {
      response = await fetch(board.getAttribute('data-move-url') ?? '/lab/move', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' },
        body,
        credentials: 'same-origin',
      });
    } catch {
      item.classList.remove('lab-card-busy');
      item.removeAttribute('aria-busy');
      putBack(item, from, oldIndex);
      failed(board);
      return;
    }
    const template = document.createElement('template');
    template.innerHTML = await response.text();
    const fragment = template.content;
    const card = fragment.querySelector('[data-moved-card] > li');
    showOutcome(fragment);
    if (!card) {
      item.classList.remove('lab-card-busy');
      item.removeAttribute('aria-busy');
      putBack(item, from, oldIndex);
      if (!response.ok && !fragment.querySelector('#lab-move-outcome')) failed(board);
      return;
    }
    const column = board.querySelector(`ul.lab-cards[data-stage-id="${card.getAttribute('data-stage-id')}"]`);
    if (response.ok && column === to) item.replaceWith(card);
    else if (column) {
      item.remove();
      column.prepend(card);
    } else item.remove();
    if (window.htmx) window.htmx.process(card);
  }

  function init() {
    const Sortable = window.Sortable;
    if (!Sortable) return;
    for (const board of document.querySelectorAll('#lab-board:not([data-ready])')) {
      board.setAttribute('data-ready', '');
      for (const list of board.querySelectorAll('ul.lab-cards[data-sortable]')) {
        Sortable.create(list, {
          group: 'lab-board',
          animation: 150,
          // A phone scrolls the board with a swipe; a card is picked up by a short press.
          delay: 200,
          delayOnTouchOnly: true,
          // The move menu and the links keep working inside a card.
          filter: 'select, button, a, input, label',
          preventOnFilter: false,
          onEnd: (event) => move(board, event),
        });
      }
    }
  }

  if (window.Sortable) init();
  else document.querySelector('script[data-sortable-lib]')?.addEventListener('load', init, { once: true });
  document.addEventListener('htmx:load', init);
})();
