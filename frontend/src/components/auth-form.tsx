"use client";
import { PASSWORD_MAX } from "@todo/contract/users";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ApiError, authRequest } from "@/lib/api";
import { safeNext } from "@/lib/safe-next";
import { RetryCountdown, retryAt } from "./retry-countdown";
import { TextField } from "./text-field";

type Mode = "sign-in" | "sign-up";
interface Errors {
  email?: string;
  password?: string;
  form?: string;
  /** After a 429: when trying again may work (ms), counted down beside `form`. */
  retryAt?: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Turns what the server said into a message next to the field it is about. */
function explain(error: unknown): Errors {
  if (!(error instanceof ApiError)) return { form: "Something went wrong. Try again." };
  switch (error.code) {
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return { email: "An account with this email already exists. Sign in instead." };
    case "INVALID_EMAIL":
      return { email: "Enter a valid email address, like name@example.com." };
    case "PASSWORD_TOO_SHORT":
      return { password: "Use at least 8 characters." };
    case "PASSWORD_TOO_LONG":
      return { password: `Use at most ${PASSWORD_MAX} characters.` };
    case "PASSWORD_TOO_COMMON":
      return { password: error.message };
    case "INVALID_EMAIL_OR_PASSWORD":
      // The API's message says how many tries are left before sign-in is locked.
      return { form: error.message || "Wrong email or password." };
  }
  // Our words, not the server's: it may already say "try again later", and the countdown below
  // says when.
  const until = retryAt(error);
  if (until !== null) return { form: "Too many attempts.", retryAt: until };
  return { form: error.message };
}

export function AuthForm({ mode, next }: { mode: Mode; next: string }) {
  const router = useRouter();
  const id = useId();
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [showPassword, setShowPassword] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const signUp = mode === "sign-up";

  // The page exists to fill in this form: the email field is ready, except on a touch screen,
  // where focus would open the keyboard over the page before it has been read.
  useEffect(() => {
    if (window.matchMedia("(pointer: fine)").matches && document.activeElement === document.body) {
      emailRef.current?.focus();
    }
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const found: Errors = {};
    if (!EMAIL.test(email)) found.email = "Enter a valid email address, like name@example.com.";
    if (!password) found.password = "Enter your password.";
    else if (signUp && password.length < 8) found.password = "Use at least 8 characters.";
    setErrors(found);
    if (found.email || found.password) {
      (found.email ? emailRef : passwordRef).current?.focus();
      return;
    }

    setBusy(true);
    try {
      await authRequest(`/api/auth/${signUp ? "sign-up" : "sign-in"}/email`, {
        method: "POST",
        body: signUp ? { email, password, name: email.split("@")[0] } : { email, password },
        signedOut: true,
      });
      // Checked again here too: this is where the browser is actually sent.
      router.replace(safeNext(next));
      router.refresh();
    } catch (error) {
      const explained = explain(error);
      setErrors(explained);
      setBusy(false);
      if (explained.email) emailRef.current?.focus();
      else if (explained.password) passwordRef.current?.focus();
    }
  }

  const other = signUp ? "/sign-in" : "/sign-up";
  const otherHref = next === "/tasks" ? other : `${other}?next=${encodeURIComponent(next)}`;

  return (
    <div className="auth card">
      <h1>{signUp ? "Create your account" : "Sign in"}</h1>
      <form method="post" noValidate onSubmit={onSubmit} aria-busy={busy}>
        {errors.form && (
          <div className="form-error" role="alert">
            {errors.form}
            {errors.retryAt !== undefined && (
              <>
                {" "}
                <RetryCountdown until={errors.retryAt} />
              </>
            )}
          </div>
        )}
        <TextField
          ref={emailRef}
          id={`${id}-email`}
          label="Email"
          error={errors.email}
          name="email"
          type="email"
          autoComplete={signUp ? "email" : "username"}
          required
        />
        <TextField
          ref={passwordRef}
          id={`${id}-password`}
          label="Password"
          hint={signUp ? "At least 8 characters. A short sentence is easy to remember." : undefined}
          error={errors.password}
          name="password"
          type={showPassword ? "text" : "password"}
          autoComplete={signUp ? "new-password" : "current-password"}
          required
          minLength={signUp ? 8 : undefined}
          maxLength={PASSWORD_MAX}
          after={
            <button
              type="button"
              className="btn btn-small"
              aria-pressed={showPassword}
              onClick={() => setShowPassword((v) => !v)}
            >
              {showPassword ? "Hide" : "Show"}
            </button>
          }
        />
        <button className="btn btn-primary" type="submit" disabled={busy}>
          {busy
            ? signUp
              ? "Creating account…"
              : "Signing in…"
            : signUp
              ? "Create account"
              : "Sign in"}
        </button>
      </form>
      <p>
        {signUp ? "Already have an account? " : "New here? "}
        <Link href={otherHref}>{signUp ? "Sign in" : "Create an account"}</Link>
      </p>
    </div>
  );
}
