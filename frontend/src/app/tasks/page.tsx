import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { TaskApp } from "@/components/task-app";
import { TopBar } from "@/components/top-bar";
import { ApiError, type TaskPage, type TaskStats } from "@/lib/api";
import { parseListParams } from "@/lib/list-url";
import { signInPath } from "@/lib/safe-next";
import { serverClient, serverData, visitorFormat } from "@/lib/server-api";
import { listQuery } from "@/lib/tasks-query";
import { ListParamsAdapter } from "@/lib/use-list-params";

export const metadata: Metadata = { title: "Tasks" };

/** The first page of tasks is rendered here, on the server: the list is there on first paint. */
export default async function TasksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const search = await searchParams;
  const params = parseListParams(search);
  const format = await visitorFormat();
  const backTo = () => {
    const query = new URLSearchParams(
      Object.entries(search).filter((e): e is [string, string] => typeof e[1] === "string"),
    ).toString();
    return redirect(signInPath(`/tasks${query ? `?${query}` : ""}`));
  };
  let page: TaskPage;
  let stats: TaskStats;
  try {
    const api = await serverClient();
    const path = { user_id: "me" };
    [page, stats] = await Promise.all([
      serverData(
        api.GET("/api/{user_id}/tasks", {
          params: { path, query: listQuery(params, format.timeZone) },
        }),
      ),
      serverData(api.GET("/api/{user_id}/tasks/stats", { params: { path } })),
    ]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) backTo();
    throw error;
  }
  return (
    <>
      <TopBar signedIn />
      <main id="main">
        <h1 className="visually-hidden">Your tasks</h1>
        <ListParamsAdapter>
          <TaskApp initialParams={params} initialPage={page} initialStats={stats} format={format} />
        </ListParamsAdapter>
      </main>
    </>
  );
}
