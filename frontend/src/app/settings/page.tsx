import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SettingsPanel } from "@/components/settings-panel";
import { TopBar } from "@/components/top-bar";
import { signInPath } from "@/lib/safe-next";
import { currentUser } from "@/lib/server-api";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await currentUser();
  if (!user) redirect(signInPath("/settings"));
  return (
    <>
      <TopBar signedIn />
      <main id="main" className="settings">
        <h1>Settings</h1>
        <SettingsPanel email={user.email} />
      </main>
    </>
  );
}
