import type { Metadata } from "next";
import { AuthPage, type SearchParams } from "@/components/auth-page";

export const metadata: Metadata = { title: "Create account" };

export default function Page({ searchParams }: { searchParams: SearchParams }) {
  return <AuthPage mode="sign-up" searchParams={searchParams} />;
}
