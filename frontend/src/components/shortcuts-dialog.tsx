"use client";
import * as Dialog from "@radix-ui/react-dialog";

const SHORTCUTS: [string[], string][] = [
  [["n"], "New task"],
  [["/"], "Search"],
  [["j"], "Next task"],
  [["k"], "Previous task"],
  [["x"], "Complete or reopen the task"],
  [["e"], "Edit the title (or Enter, or double-click)"],
  [["o"], "Open the task's details"],
  [["Delete"], "Delete the task (you can undo)"],
  [["Ctrl", "Z"], "Undo your last change (⌘ Z on a Mac)"],
  [["Ctrl", "Shift", "Z"], "Redo it"],
  [["Esc"], "Cancel an edit, clear the search, close a panel"],
  [["?"], "Show these shortcuts"],
];

export function ShortcutsDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          <div className="dialog-header">
            <Dialog.Title>Keyboard shortcuts</Dialog.Title>
            <Dialog.Close className="btn btn-small">Close</Dialog.Close>
          </div>
          <dl className="shortcuts">
            {SHORTCUTS.map(([keys, what]) => (
              <div key={what} style={{ display: "contents" }}>
                <dt>
                  {keys.map((key) => (
                    <kbd key={key}>{key}</kbd>
                  ))}
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
