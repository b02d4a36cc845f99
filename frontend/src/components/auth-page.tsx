import { redirect } from "next/navigation";
import { safeNext } from "@/lib/safe-next";
import { currentUser } from "@/lib/server-api";
import { AuthForm } from "./auth-form";
import { TopBar } from "./top-bar";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** /sign-in and /sign-up: a visitor who is already signed in goes straight on to `next`. */
export async function AuthPage({
  mode,
  searchParams,
}: {
  mode: "sign-in" | "sign-up";
  searchParams: SearchParams;
}) {
  const next = safeNext((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <>
      <TopBar signedIn={false} />
      <main id="main">
        <AuthForm mode={mode} next={next} />
      </main>
    </>
  );
}
