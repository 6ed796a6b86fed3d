import type { BranchRef } from '../auth/session';
import type { FieldErrors } from '../errors';
import type { Child } from 'hono/jsx';
import { t } from '../i18n/es-DO';

/** Label, control, hint and error of one form field; the error is tied to the control for screen readers. */
function FieldShell(props: {
  name: string;
  label: string;
  errors?: FieldErrors;
  required?: boolean;
  hint?: string;
  control: (a11y: FieldA11y) => Child;
}) {
  const error = props.errors?.[props.name];
  const id = `field-${props.name}`;
  const described = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {props.control({ id, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described })}
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error-text" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface FieldA11y {
  id: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

/** A labelled input whose error is tied to it for screen readers (aria-invalid, aria-describedby). */
export function Field(props: {
  name: string;
  label: string;
  type?: string;
  value?: string | null;
  errors?: FieldErrors;
  required?: boolean;
  autocomplete?: string;
  hint?: string;
  inputmode?: 'decimal' | 'email' | 'numeric' | 'search' | 'tel' | 'text';
  attrs?: Record<string, string>;
}) {
  return (
    <FieldShell
      {...props}
      control={(a11y) => (
        <input
          {...a11y}
          name={props.name}
          type={props.type ?? 'text'}
          value={props.value ?? ''}
          required={props.required}
          autocomplete={props.autocomplete}
          inputmode={props.inputmode}
          {...props.attrs}
        />
      )}
    />
  );
}

/** A list's branch filter (`branch`), shown only to a user with more than one branch. */
export function BranchFilter(props: { branches: BranchRef[]; value: string | null | undefined }) {
  if (props.branches.length < 2) return null;
  return (
    <SelectField
      name="branch"
      label={t('branches.filter.label')}
      value={props.value ?? ''}
      blank={t('branches.filter.all')}
      options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
    />
  );
}

/** A list's seller filter (`seller`), when there are sellers to offer. */
export function SellerFilter(props: { sellers: ReadonlyArray<{ id: string; name: string }>; value: string }) {
  if (!props.sellers.length) return null;
  return (
    <SelectField
      name="seller"
      label={t('sellers.field')}
      value={props.value}
      blank={t('sellers.all')}
      options={props.sellers.map((seller) => ({ value: seller.id, label: seller.name }))}
    />
  );
}

export function SelectField(props: {
  name: string;
  label: string;
  value?: string | null;
  options: Array<{ value: string; label: string }>;
  errors?: FieldErrors;
  required?: boolean;
  hint?: string;
  /** Label of an empty first option, when choosing nothing is allowed (or must be a deliberate choice). */
  blank?: string;
  attrs?: Record<string, string>;
}) {
  return (
    <FieldShell
      {...props}
      control={(a11y) => (
        <select {...a11y} name={props.name} required={props.required} {...props.attrs}>
          {props.blank !== undefined ? <option value="">{props.blank}</option> : null}
          {props.options.map((option) => (
            <option value={option.value} selected={option.value === (props.value ?? '')}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export function TextAreaField(props: {
  name: string;
  label: string;
  value?: string | null;
  errors?: FieldErrors;
  rows?: number;
  hint?: string;
}) {
  return (
    <FieldShell
      {...props}
      control={(a11y) => (
        <textarea {...a11y} name={props.name} rows={props.rows ?? 3}>
          {props.value ?? ''}
        </textarea>
      )}
    />
  );
}

/** "First page" and "next page" links of a keyset-paginated list; htmx swaps `target` in place. */
export function Pager(props: {
  nextHref: string | null;
  firstHref: string | null;
  target: string;
  nextLabel: string;
  firstLabel: string;
}) {
  if (!props.nextHref && !props.firstHref) return null;
  return (
    <nav class="pager" aria-label={t('nav.pagination')}>
      {[
        [props.firstHref, props.firstLabel],
        [props.nextHref, props.nextLabel],
      ].map(([href, label]) =>
        href ? (
          <a class="button" href={href} hx-get={href} hx-target={props.target} hx-swap="outerHTML" hx-push-url="true">
            {label}
          </a>
        ) : null,
      )}
    </nav>
  );
}

export interface ResultsColumn {
  label: Child;
  /** Right-aligned figures (`class="number"`). */
  numeric?: boolean;
}

export interface PagerLinks {
  nextHref: string | null;
  firstHref: string | null;
  nextLabel: string;
  firstLabel: string;
}

/**
 * A list's results: an empty-state paragraph or a table, then the pager. With `id` it is the region that
 * searches and the pager swap (htmx `outerHTML` on `#id`); without, just the table (a list nothing swaps).
 */
export function ResultsTable<T>(props: {
  id?: string;
  empty: string;
  columns: ResultsColumn[];
  rows: readonly T[];
  row: (item: T) => Child;
  pager?: PagerLinks;
  /** Announce swapped results to screen readers (default true). */
  live?: boolean;
  /** Makes the region a `<section>` with this accessible name. */
  label?: string;
  emptyClass?: string;
  caption?: string;
  /** Rendered after the table, e.g. a pager of a different shape. */
  children?: Child;
}) {
  const content =
    props.rows.length === 0 ? (
      <p class={props.emptyClass ?? 'empty card'}>{props.empty}</p>
    ) : (
      <table>
        {props.caption ? <caption>{props.caption}</caption> : null}
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col" class={column.numeric ? 'number' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.rows.map((item) => props.row(item))}</tbody>
      </table>
    );
  if (!props.id) return content;
  const body = (
    <>
      {content}
      {props.pager ? <Pager {...props.pager} target={`#${props.id}`} /> : null}
      {props.children}
    </>
  );
  const live = props.live === false ? undefined : 'polite';
  return props.label ? (
    <section id={props.id} aria-live={live} aria-label={props.label}>
      {body}
    </section>
  ) : (
    <div id={props.id} aria-live={live}>
      {body}
    </div>
  );
}

export function ErrorSummary(props: { errors?: FieldErrors; message?: string | null }) {
  const count = Object.keys(props.errors ?? {}).length;
  if (!count && !props.message) return null;
  return (
    <div class="alert alert-error" role="alert" tabindex={-1}>
      {props.message ?? t('validation.summary')}
    </div>
  );
}

export function Warning(props: { children: Child }) {
  return (
    <div class="alert alert-warning" role="alert">
      {props.children}
    </div>
  );
}

export function Notice(props: { children: Child }) {
  return (
    <div class="alert alert-info" role="status">
      {props.children}
    </div>
  );
}

/**
 * A list's filter form: a plain GET form without JavaScript; with htmx the results region is
 * replaced as the user types in the search box or changes a filter, and the URL follows.
 */
export function LiveSearchForm(props: { action: string; target: string; filters?: string[]; children: Child }) {
  const trigger = [
    'input changed delay:300ms from:#field-q',
    ...(props.filters ?? []).map((name) => `change from:#field-${name}`),
    'submit',
  ].join(', ');
  return (
    <form
      class="toolbar"
      method="get"
      action={props.action}
      role="search"
      hx-get={props.action}
      hx-target={props.target}
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-trigger={trigger}
    >
      {props.children}
    </form>
  );
}

/** A checkbox with its label beside it (a large touch target) and an optional hint. */
export function CheckboxField(props: { name: string; label: string; checked?: boolean; hint?: string }) {
  const id = `field-${props.name}`;
  return (
    <div class="field field-check">
      <label for={id} style="display: flex; align-items: center; gap: 0.6rem; min-height: 2.75rem; cursor: pointer">
        <input
          type="checkbox"
          id={id}
          name={props.name}
          checked={props.checked}
          aria-describedby={props.hint ? `${id}-hint` : undefined}
          style="width: 1.4rem; height: 1.4rem; min-height: 0; padding: 0; margin: 0; accent-color: var(--accent)"
        />
        {props.label}
      </label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}
