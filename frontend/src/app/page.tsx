import Link from "next/link";
import { TopBar } from "@/components/top-bar";
import { currentUser } from "@/lib/server-api";

export default async function Home() {
  const user = await currentUser();
  return (
    <>
      <TopBar signedIn={user !== null} />
      <main id="main" className="landing">
        <h1>Get things done, quietly.</h1>
        <p className="lead">
          A fast, private task list. Add a task with Enter, finish it with a click, and find
          anything in a keystroke. Your tasks are yours alone.
        </p>
        <div className="actions">
          {user ? (
            <Link className="btn btn-primary" href="/tasks">
              Open your tasks
            </Link>
          ) : (
            <>
              <Link className="btn btn-primary" href="/sign-up">
                Create a free account
              </Link>
              <Link className="btn" href="/sign-in">
                Sign in
              </Link>
            </>
          )}
        </div>
        <ul className="features">
          <li>
            <strong>Instant</strong>
            <span>Every change shows at once; nothing waits on the network.</span>
          </li>
          <li>
            <strong>Keyboard first</strong>
            <span>
              <kbd>n</kbd> new, <kbd>/</kbd> search, <kbd>j</kbd> <kbd>k</kbd> move, <kbd>?</kbd>{" "}
              for the rest.
            </span>
          </li>
          <li>
            <strong>Forgiving</strong>
            <span>Deleted something by mistake? Undo it.</span>
          </li>
        </ul>
      </main>
    </>
  );
}
