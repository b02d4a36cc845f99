"use client";
import * as Dialog from "@radix-ui/react-dialog";
import { PRIORITIES, type Priority } from "@todo/contract/tasks";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import type { Task, TaskChanges } from "@/lib/api";
import { fromLocalInput, toLocalInput } from "@/lib/dates";
import { descriptionError, tagsError, titleError } from "@/lib/task-fields";
import { TaskHistory } from "./task-history";
import { TextField } from "./text-field";

export interface DetailsDraft {
  title: string;
  description: string;
  priority: Priority;
  /** "YYYY-MM-DD" and "HH:MM", in the browser's time zone, as the date and time inputs hold them. */
  dueDate: string;
  dueTime: string;
  tags: string;
}

/** Inputs the browser holds half-typed (a date without its year, an hour without minutes): their
 * value is "" then, so only their validity tells them from empty ones. */
interface HalfTyped {
  dueDate: boolean;
  dueTime: boolean;
}

const PRIORITY_LABEL: Record<Priority, string> = {
  none: "None",
  low: "Low",
  medium: "Medium",
  high: "High",
};

/** The API has no all-day due dates: a date without a time is due when that day ends. */
const END_OF_DAY = "23:59";

const parseTags = (text: string) => [
  ...new Set(
    text
      .split(",")
      .map((tag) => tag.trim().replace(/^#/, ""))
      .filter(Boolean),
  ),
];

function draftOf(task: Task): DetailsDraft {
  const [dueDate = "", dueTime = ""] = toLocalInput(task.due_at).split("T");
  return {
    title: task.title,
    description: task.description,
    priority: task.priority,
    dueDate,
    dueTime,
    tags: task.tags.join(", "),
  };
}

/** What changed between the task and the form, checked the way the API checks it. */
function validate(task: Task, draft: DetailsDraft, halfTyped: HalfTyped) {
  const errors: Partial<Record<keyof DetailsDraft, string>> = {};
  const changes: TaskChanges = {};
  const title = draft.title.trim();
  if (!title) errors.title = "A task needs a title.";
  else if (titleError(title)) errors.title = titleError(title);
  else if (title !== task.title) changes.title = title;
  const description = descriptionError(draft.description);
  if (description) errors.description = description;
  else if (draft.description !== task.description) changes.description = draft.description;
  if (draft.priority !== task.priority) changes.priority = draft.priority;
  // Nothing typed into the date or the time is dropped: it is saved, or refused with the reason.
  const hasDate = draft.dueDate !== "" || halfTyped.dueDate;
  if (halfTyped.dueDate) errors.dueDate = "Enter the whole date, or clear it.";
  else if (!hasDate && (draft.dueTime || halfTyped.dueTime)) {
    errors.dueTime = "Add a date for this time, or clear it.";
  } else if (halfTyped.dueTime) errors.dueTime = "Enter the whole time, or clear it.";
  else {
    const due = draft.dueDate
      ? fromLocalInput(`${draft.dueDate}T${draft.dueTime || END_OF_DAY}`)
      : null;
    if (draft.dueDate && !due) errors.dueDate = "Enter a valid date.";
    else if (toLocalInput(due) !== toLocalInput(task.due_at)) changes.due_at = due;
  }
  const tags = parseTags(draft.tags);
  const tagsInvalid = tagsError(tags);
  if (tagsInvalid) errors.tags = tagsInvalid;
  else if (tags.join(",") !== task.tags.join(",")) changes.tags = tags;
  return { errors, changes };
}

const sameDraft = (a: DetailsDraft, b: DetailsDraft) =>
  (Object.keys(a) as (keyof DetailsDraft)[]).every((key) => a[key] === b[key]);

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
  const [draft, setDraft] = useState<DetailsDraft>(initialDraft ?? draftOf(task));
  const [errors, setErrors] = useState<Partial<Record<keyof DetailsDraft, string>>>({});
  // Closing with changes asks first (Escape and a click outside are easily made by mistake).
  const [confirming, setConfirming] = useState(false);
  const focusBeforeConfirm = useRef<HTMLElement | null>(null);
  const keepEditingRef = useRef<HTMLButtonElement>(null);
  const dueDateRef = useRef<HTMLInputElement>(null);
  const dueTimeRef = useRef<HTMLInputElement>(null);

  const set = (field: keyof DetailsDraft) => (event: { target: { value: string } }) => {
    setDraft((d) => ({ ...d, [field]: event.target.value }));
    // An error shown for a field goes once the field is changed; Save checks again.
    setErrors((e) => ({ ...e, [field]: undefined }));
  };
  const halfTyped = (): HalfTyped => ({
    dueDate: dueDateRef.current?.validity.badInput ?? false,
    dueTime: dueTimeRef.current?.validity.badInput ?? false,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = validate(task, draft, halfTyped());
    setErrors(result.errors);
    const first = Object.keys(result.errors)[0];
    if (first) {
      setConfirming(false);
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    onSave(task, result.changes, draft);
  }

  function requestClose() {
    const typed = halfTyped();
    if (sameDraft(draft, draftOf(task)) && !typed.dueDate && !typed.dueTime) return onClose();
    if (!confirming) focusBeforeConfirm.current = document.activeElement as HTMLElement | null;
    setConfirming(true);
  }
  function keepEditing() {
    setConfirming(false);
    (focusBeforeConfirm.current ?? document.getElementById(`${id}-title`))?.focus();
  }
  useEffect(() => {
    if (confirming) keepEditingRef.current?.focus();
  }, [confirming]);

  // Over-long text is kept as typed and flagged as it is typed (a paste is never cut).
  const titleTooLong = titleError(draft.title);
  const descriptionTooLong = descriptionError(draft.description);

  return (
    <Dialog.Root open onOpenChange={(open) => !open && requestClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content
          className="dialog"
          aria-describedby={undefined}
          onEscapeKeyDown={(event) => {
            // Escape answers the question "Discard your changes?" with "no".
            if (confirming) {
              event.preventDefault();
              keepEditing();
            }
          }}
        >
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
              error={errors.title ?? titleTooLong}
              value={draft.title}
              onChange={set("title")}
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
                aria-invalid={descriptionTooLong ? true : undefined}
                aria-describedby={descriptionTooLong ? `${id}-description-error` : undefined}
              />
              {descriptionTooLong && (
                <span id={`${id}-description-error`} className="error" role="alert">
                  {descriptionTooLong}
                </span>
              )}
            </div>
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
            <div className="grid-2">
              <TextField
                ref={dueDateRef}
                id={`${id}-dueDate`}
                label="Due date"
                error={errors.dueDate}
                type="date"
                value={draft.dueDate}
                onChange={set("dueDate")}
              />
              <TextField
                ref={dueTimeRef}
                id={`${id}-dueTime`}
                label="Due time"
                hint={`Without a time, it is due at the end of the day (${END_OF_DAY}).`}
                error={errors.dueTime}
                type="time"
                value={draft.dueTime}
                onChange={set("dueTime")}
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
            {confirming ? (
              <div className="confirm-discard">
                <p role="alert">Discard your changes? They have not been saved.</p>
                <div className="dialog-actions">
                  <button type="button" className="btn btn-danger" onClick={onClose}>
                    Discard changes
                  </button>
                  <button ref={keepEditingRef} type="button" className="btn" onClick={keepEditing}>
                    Keep editing
                  </button>
                  <button type="submit" className="btn btn-primary">
                    Save
                  </button>
                </div>
              </div>
            ) : (
              <div className="dialog-actions">
                <button type="submit" className="btn btn-primary">
                  Save
                </button>
              </div>
            )}
          </form>
          {task.id > 0 && <TaskHistory taskId={task.id} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
