"use client";
import * as Dialog from "@radix-ui/react-dialog";
import { PASSWORD_MAX } from "@todo/contract/users";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { toast } from "sonner";
import { ApiError, authRequest } from "@/lib/api";
import { download, fetchAllTasks, toCsv } from "@/lib/export";
import { toastError } from "./retry-countdown";
import { TextField } from "./text-field";

const message = (error: unknown) =>
  error instanceof Error ? error.message : "Something went wrong. Try again.";

function passwordProblem(error: unknown): { current?: string; next?: string; form?: string } {
  if (error instanceof ApiError) {
    if (error.code === "INVALID_PASSWORD") return { current: "That is not your current password." };
    if (error.code?.startsWith("PASSWORD_")) return { next: error.message };
  }
  return { form: message(error) };
}

function ChangePassword() {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ current?: string; next?: string; form?: string }>({});

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("current") ?? "");
    const newPassword = String(data.get("new") ?? "");
    const found: typeof errors = {};
    if (!currentPassword) found.current = "Enter your current password.";
    if (newPassword.length < 8) found.next = "Use at least 8 characters.";
    setErrors(found);
    if (found.current || found.next) return;
    setBusy(true);
    try {
      await authRequest("/api/auth/change-password", {
        method: "POST",
        body: { currentPassword, newPassword, revokeOtherSessions: true },
      });
      form.reset();
      toast.success("Password changed. Other devices were signed out.");
    } catch (error) {
      setErrors(passwordProblem(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Change password</h2>
      <form method="post" onSubmit={submit} noValidate aria-busy={busy}>
        {errors.form && (
          <div className="form-error" role="alert">
            {errors.form}
          </div>
        )}
        <input type="text" name="username" autoComplete="username" hidden readOnly />
        <TextField
          id={`${id}-current`}
          label="Current password"
          error={errors.current}
          name="current"
          type="password"
          autoComplete="current-password"
        />
        <TextField
          id={`${id}-new`}
          label="New password"
          hint="At least 8 characters. Your other devices will be signed out."
          error={errors.next}
          name="new"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
        />
        <button className="btn btn-primary" type="submit" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </form>
    </section>
  );
}

function Sessions() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const signOut = async (everywhere: boolean) => {
    setBusy(true);
    try {
      if (everywhere) await authRequest("/api/auth/revoke-sessions", { method: "POST", body: {} });
      // Signing out: a 401 here (the session already revoked) is the point, not a problem.
      await authRequest("/api/auth/sign-out", { method: "POST", body: {}, signedOut: true }).catch(
        () => undefined,
      );
      router.replace("/sign-in");
      router.refresh();
    } catch (error) {
      toastError("Couldn't sign out", error);
      setBusy(false);
    }
  };
  return (
    <section className="card">
      <h2>Sessions</h2>
      <p className="hint">
        Signing out everywhere ends every session, on every device, this one too.
      </p>
      <div className="row">
        <button type="button" className="btn" disabled={busy} onClick={() => signOut(false)}>
          Sign out
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => signOut(true)}>
          Sign out everywhere
        </button>
      </div>
    </section>
  );
}

function Export() {
  const [busy, setBusy] = useState<"json" | "csv" | null>(null);
  const run = async (kind: "json" | "csv") => {
    setBusy(kind);
    try {
      const tasks = await fetchAllTasks();
      const day = new Date().toISOString().slice(0, 10);
      if (kind === "json") {
        download(`tasks-${day}.json`, "application/json", `${JSON.stringify(tasks, null, 2)}\n`);
      } else {
        download(`tasks-${day}.csv`, "text/csv;charset=utf-8", toCsv(tasks));
      }
      toast.success(`Exported ${tasks.length} ${tasks.length === 1 ? "task" : "tasks"}.`);
    } catch (error) {
      toastError("Couldn't export", error);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card">
      <h2>Export my tasks</h2>
      <p className="hint">Every task you have, with its notes, dates and tags.</p>
      <div className="row">
        <button type="button" className="btn" disabled={busy !== null} onClick={() => run("json")}>
          {busy === "json" ? "Exporting…" : "Download JSON"}
        </button>
        <button type="button" className="btn" disabled={busy !== null} onClick={() => run("csv")}>
          {busy === "csv" ? "Exporting…" : "Download CSV"}
        </button>
      </div>
    </section>
  );
}

function DeleteAccount() {
  const id = useId();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    if (!password) return setError("Enter your password to confirm.");
    setBusy(true);
    try {
      await authRequest("/api/auth/delete-user", { method: "POST", body: { password } });
      toast.success("Your account and all your tasks were deleted.");
      router.replace("/");
      router.refresh();
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.code === "INVALID_PASSWORD"
          ? "That password is not right."
          : message(caught),
      );
      setBusy(false);
    }
  }

  return (
    <section className="card">
      <h2>Delete my account</h2>
      <p className="hint">
        Deletes your account and every task in it, for good. Export your tasks first if you want to
        keep them.
      </p>
      <Dialog.Root
        open={open}
        onOpenChange={(value) => {
          setOpen(value);
          setError(undefined);
        }}
      >
        <Dialog.Trigger className="btn btn-danger">Delete account…</Dialog.Trigger>
        <Dialog.Portal>
          <Dialog.Overlay className="overlay" />
          <Dialog.Content className="dialog">
            <Dialog.Title>Delete your account?</Dialog.Title>
            <Dialog.Description className="hint">
              This cannot be undone. Enter your password to confirm.
            </Dialog.Description>
            <form
              method="post"
              onSubmit={submit}
              noValidate
              aria-busy={busy}
              style={{ marginTop: 12 }}
            >
              <TextField
                id={`${id}-password`}
                label="Password"
                error={error}
                name="password"
                type="password"
                autoComplete="current-password"
              />
              <div className="dialog-actions">
                <Dialog.Close className="btn" type="button">
                  Keep my account
                </Dialog.Close>
                <button type="submit" className="btn btn-danger" disabled={busy}>
                  {busy ? "Deleting…" : "Delete for good"}
                </button>
              </div>
            </form>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </section>
  );
}

export function SettingsPanel({ email }: { email: string }) {
  return (
    <>
      <p className="hint">
        Signed in as <strong>{email}</strong>
      </p>
      <ChangePassword />
      <Sessions />
      <Export />
      <DeleteAccount />
    </>
  );
}
