"use client";
import * as Dialog from "@radix-ui/react-dialog";
import { type FormEvent, useId, useState } from "react";
import { PRIORITIES, type Priority, type Task, type TaskChanges } from "@/lib/api";
import { fromLocalInput, toLocalInput } from "@/lib/dates";
import { TextField } from "./text-field";

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
            <TextField
              id={`${id}-title`}
              label="Title"
              error={errors.title}
              value={draft.title}
              onChange={set("title")}
              maxLength={200}
              // Right-to-left text is laid out right to left in the fields, as in the list.
              dir="auto"
            />
            <div className="field">
              <label htmlFor={`${id}-description`}>Notes</label>
              <textarea
                id={`${id}-description`}
                className="textarea"
                dir="auto"
                value={draft.description}
                onChange={set("description")}
                maxLength={5000}
                aria-invalid={errors.description ? true : undefined}
                aria-describedby={errors.description ? `${id}-description-error` : undefined}
              />
              {errors.description && (
                <span id={`${id}-description-error`} className="error" role="alert">
                  {errors.description}
                </span>
              )}
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
              <TextField
                id={`${id}-due`}
                label="Due"
                error={errors.due}
                type="datetime-local"
                value={draft.due}
                onChange={set("due")}
              />
            </div>
            <TextField
              id={`${id}-tags`}
              label="Tags"
              hint="Separate tags with commas."
              error={errors.tags}
              value={draft.tags}
              onChange={set("tags")}
              dir="auto"
              placeholder="home, errands"
            />
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
