import type { ComponentProps, ReactNode } from "react";

/**
 * A labelled input with an optional hint and an inline error, wired for screen readers: the hint
 * and the error describe the input, and the input is marked invalid while there is an error.
 */
export function TextField({
  id,
  label,
  hint,
  error,
  after,
  ...input
}: ComponentProps<"input"> & {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** Shown beside the input, e.g. a Show/Hide button. */
  after?: ReactNode;
}) {
  const describedBy =
    [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const control = (
    <input
      id={id}
      className="input"
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy}
      {...input}
    />
  );
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {after ? (
        <div className="row" style={{ flexWrap: "nowrap" }}>
          {control}
          {after}
        </div>
      ) : (
        control
      )}
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
