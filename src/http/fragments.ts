/**
 * Whether htmx asked for a fragment of the page (a live search, a form swap) rather than a whole
 * page: boosted navigation and history restores need the full document.
 */
export function wantsFragment(request: Request): boolean {
  const header = (name: string) => request.headers.get(name);
  return header('HX-Request') === 'true' && !header('HX-Boosted') && !header('HX-History-Restore-Request');
}
