import Link from "next/link";
import { TopBar } from "@/components/top-bar";

export default function NotFound() {
  return (
    <>
      <TopBar signedIn={false} />
      <main id="main" className="landing">
        <h1>Nothing here</h1>
        <p className="lead">This page does not exist. It may have moved, or the link is wrong.</p>
        <div className="actions">
          <Link className="btn btn-primary" href="/tasks">
            Go to your tasks
          </Link>
        </div>
      </main>
    </>
  );
}
