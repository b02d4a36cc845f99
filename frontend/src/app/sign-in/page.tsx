import type { Metadata } from "next";
import { AuthPage, type SearchParams } from "@/components/auth-page";

export const metadata: Metadata = { title: "Sign in" };

export default function Page({ searchParams }: { searchParams: SearchParams }) {
  return <AuthPage mode="sign-in" searchParams={searchParams} />;
}
