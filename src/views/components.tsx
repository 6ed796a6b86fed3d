import type { Child } from 'hono/jsx';
import { t } from '../i18n/es-DO';

export type FieldErrors = Partial<Record<string, string>>;

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
  const error = props.errors?.[props.name];
  const id = `field-${props.name}`;
  const described = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
        {...props.attrs}
      />
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

export function ErrorSummary(props: { errors?: FieldErrors; message?: string | null }) {
  const count = Object.keys(props.errors ?? {}).length;
  if (!count && !props.message) return null;
  return (
    <div class="alert alert-error" role="alert" tabindex={-1}>
      {props.message ?? t('validation.summary')}
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
