/** Under the list: how many tasks are left, clearing the completed ones, and the shortcuts hint. */
export function ListFooter({
  left,
  completed,
  total,
  onClearCompleted,
}: {
  left: number;
  completed: number;
  total: number;
  onClearCompleted: () => void;
}) {
  return (
    <>
      {total > 0 && (
        <footer className="list-footer">
          <span aria-live="polite">
            <strong>{left}</strong> {left === 1 ? "item" : "items"} left
          </span>
          {completed > 0 && (
            <button type="button" className="btn btn-small" onClick={onClearCompleted}>
              Clear completed ({completed})
            </button>
          )}
        </footer>
      )}
      <p className="shortcut-hint">
        Press <kbd>?</kbd> for keyboard shortcuts
      </p>
    </>
  );
}
