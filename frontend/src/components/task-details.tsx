"use client";
import * as Dialog from "@radix-ui/react-dialog";
import { type FormEvent, useId, useState } from "react";
import { PRIORITIES, type Priority, type Task, type TaskChanges } from "@/lib/api";
import { fromLocalInput, toLocalInput } from "@/lib/dates";

export interface DetailsDraft {
  title: string;
  description: string;
  priority: Priority;
  due: string;
  tags: string;
}

const PRIORITY_LABEL: Record<Priority, string> = {
  none: "None",
  low: "Low",
  medium: "Medium",
  high: "High",
};

const parseTags = (text: string) => [
  ...new Set(
    text
      .split(",")
      .map((tag) => tag.trim().replace(/^#/, ""))
      .filter(Boolean),
  ),
];

/** What changed between the task and the form, checked the way the API checks it. */
function validate(task: Task, draft: DetailsDraft) {
  const errors: Partial<Record<keyof DetailsDraft, string>> = {};
  const changes: TaskChanges = {};
  const title = draft.title.trim();
  if (!title) errors.title = "A task needs a title.";
  else if (title.length > 200) errors.title = "At most 200 characters.";
  else if (title !== task.title) changes.title = title;
  if (draft.description.length > 5000) errors.description = "At most 5,000 characters.";
  else if (draft.description !== task.description) changes.description = draft.description;
  if (draft.priority !== task.priority) changes.priority = draft.priority;
  const due = fromLocalInput(draft.due);
  if (draft.due && !due) errors.due = "Enter a date and time.";
  else if (toLocalInput(due) !== toLocalInput(task.due_at)) changes.due_at = due;
  const tags = parseTags(draft.tags);
  if (tags.length > 20) errors.tags = "At most 20 tags.";
  else if (tags.some((tag) => tag.length > 32)) errors.tags = "A tag has at most 32 characters.";
  else if (tags.join(",") !== task.tags.join(",")) changes.tags = tags;
  return { errors, changes };
}

export function TaskDetails({
  task,
  draft: initialDraft,
  serverErrors,
  onSave,
  onClose,
}: {
  task: Task;
  draft: DetailsDraft | undefined;
  serverErrors: string[] | undefined;
  onSave: (task: Task, changes: TaskChanges, draft: DetailsDraft) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<DetailsDraft>(
    initialDraft ?? {
      title: task.title,
      description: task.description,
      priority: task.priority,
      due: toLocalInput(task.due_at),
      tags: task.tags.join(", "),
    },
  );
  const [errors, setErrors] = useState<Partial<Record<keyof DetailsDraft, string>>>({});
  const set = (field: keyof DetailsDraft) => (event: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = validate(task, draft);
    setErrors(result.errors);
    if (Object.keys(result.errors).length > 0) {
      const first = Object.keys(result.errors)[0];
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    onSave(task, result.changes, draft);
  }

  const describedBy = (field: keyof DetailsDraft) =>
    errors[field] ? `${id}-${field}-error` : undefined;
  const fieldError = (field: keyof DetailsDraft) =>
    errors[field] && (
      <span id={`${id}-${field}-error`} className="error" role="alert">
        {errors[field]}
      </span>
    );

  return (
    <Dialog.Root open onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          <form method="post" onSubmit={submit} noValidate>
            <div className="dialog-header">
              <Dialog.Title>Task details</Dialog.Title>
              <Dialog.Close className="btn btn-small" type="button">
                Cancel
              </Dialog.Close>
            </div>
            {serverErrors && serverErrors.length > 0 && (
              <div className="form-error" role="alert">
                The server refused the change: {serverErrors.join("; ")}
              </div>
            )}
            <div className="field">
              <label htmlFor={`${id}-title`}>Title</label>
              <input
                id={`${id}-title`}
                className="input"
                value={draft.title}
                onChange={set("title")}
                maxLength={200}
                aria-invalid={errors.title ? true : undefined}
                aria-describedby={describedBy("title")}
              />
              {fieldError("title")}
            </div>
            <div className="field">
              <label htmlFor={`${id}-description`}>Notes</label>
              <textarea
                id={`${id}-description`}
                className="textarea"
                value={draft.description}
                onChange={set("description")}
                maxLength={5000}
                aria-invalid={errors.description ? true : undefined}
                aria-describedby={describedBy("description")}
              />
              {fieldError("description")}
            </div>
            <div className="grid-2">
              <div className="field">
                <label htmlFor={`${id}-priority`}>Priority</label>
                <select
                  id={`${id}-priority`}
                  className="select"
                  value={draft.priority}
                  onChange={set("priority")}
                >
                  {PRIORITIES.map((p) => (
                    <option key={p} value={p}>
                      {PRIORITY_LABEL[p]}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${id}-due`}>Due</label>
                <input
                  id={`${id}-due`}
                  className="input"
                  type="datetime-local"
                  value={draft.due}
                  onChange={set("due")}
                  aria-invalid={errors.due ? true : undefined}
                  aria-describedby={describedBy("due")}
                />
                {fieldError("due")}
              </div>
            </div>
            <div className="field">
              <label htmlFor={`${id}-tags`}>Tags</label>
              <input
                id={`${id}-tags`}
                className="input"
                value={draft.tags}
                onChange={set("tags")}
                placeholder="home, errands"
                aria-invalid={errors.tags ? true : undefined}
                aria-describedby={`${id}-tags-hint${errors.tags ? ` ${id}-tags-error` : ""}`}
              />
              <span id={`${id}-tags-hint`} className="hint">
                Separate tags with commas.
              </span>
              {fieldError("tags")}
            </div>
            <div className="dialog-actions">
              <button type="submit" className="btn btn-primary">
                Save
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
